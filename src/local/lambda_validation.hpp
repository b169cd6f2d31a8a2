#pragma once
// Input constraints of the Lambda API (aws-api-notes §2, §5): pattern/range violations answer
// ValidationException, semantic problems InvalidParameterValueException, with AWS's texts.

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "local/aws_error.hpp"

namespace lcd::local {

constexpr size_t k_max_request_bytes = 69905067;         // base64 of a 50 MiB zip
constexpr uint64_t k_max_unzipped_bytes = 262144000;     // 250 MiB
constexpr size_t k_max_invoke_payload = 6291456;         // 6 MiB
constexpr size_t k_max_async_payload = 1048576;          // 1 MiB
constexpr size_t k_max_environment_bytes = 4096;

// The configurable fields of a new function, before the request's fields are applied.
nlohmann::json default_spec();

// Copies the configurable fields present in a CreateFunction or UpdateFunctionConfiguration body
// onto `spec`, validating each. Unknown members are ignored as AWS ignores them.
ApiResult<void> apply_spec_fields(const nlohmann::json& body, nlohmann::json& spec);

// Zip packages need Runtime and Handler.
ApiResult<void> check_complete_spec(const nlohmann::json& spec);

// Decodes and checks a deployment package: base64, a real zip, no entry escaping the root,
// unzipped size within the quota.
ApiResult<std::string> decode_zip_file(const nlohmann::json& zip_member);
// A package zip from any source: readable, unzipped size within Lambda's limit.
ApiResult<std::string> validate_zip(std::string bytes);

// RoutingConfig.AdditionalVersionWeights: at most one entry, key a version number different
// from `primary_version`, weight 0..1; routing requires a published primary version.
ApiResult<void> validate_routing(const nlohmann::json& routing_config, const std::string& primary_version);

ApiResult<void> validate_description(const nlohmann::json& body);

}  // namespace lcd::local
