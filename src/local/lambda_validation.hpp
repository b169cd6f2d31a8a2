#pragma once
// Input constraints of the Lambda API: the model's constraints (length, range, pattern, enum) are
// collected per request and answered together as ValidationException, as AWS answers them; semantic
// problems are InvalidParameterValueException. Texts as AWS words them today (responses recorded
// from AWS Lambda in 2025 where noted in the .cpp).

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "local/aws_error.hpp"
#include "local/protocol/http_types.hpp"

namespace lcd::local {

constexpr size_t k_max_create_request_bytes = 70167211;  // "Request must be smaller than 70167211 bytes ..." (2025)
constexpr size_t k_max_zipped_bytes = 52428800;           // CodeSizeZipped
constexpr uint64_t k_max_unzipped_bytes = 262144000;      // 250 MiB
constexpr size_t k_max_invoke_payload = 6291456;          // 6 MiB
constexpr size_t k_max_async_payload = 1048576;           // 1 MiB
constexpr size_t k_max_environment_bytes = 4096;
constexpr size_t k_max_tags = 50;

// The configurable fields of a new function, before the request's fields are applied.
nlohmann::json default_spec();

// InvalidParameterValueException when a configurable member has the wrong JSON type.
ApiResult<void> check_spec_types(const nlohmann::json& body);

// The model's constraints on the configurable members present in `body` (CreateFunction /
// UpdateFunctionConfiguration), added to `violations` in the order of the request shape.
void collect_spec_violations(const nlohmann::json& body, Violations& violations);

// Copies the configurable fields present in a CreateFunction or UpdateFunctionConfiguration body
// onto `spec`, validating each (`raw_body` is the request text: AWS quotes environment variables
// in the order they were sent). Unknown members are ignored as AWS ignores them.
ApiResult<void> apply_spec_fields(const nlohmann::json& body, nlohmann::json& spec, std::string_view raw_body = {});

// Zip packages need Runtime and Handler.
ApiResult<void> check_complete_spec(const nlohmann::json& spec);

// Decodes and checks a deployment package: base64, a real zip within the zipped and unzipped quotas.
ApiResult<std::string> decode_zip_file(const nlohmann::json& zip_member);
// A package zip from any source: readable, unzipped size within Lambda's limit.
ApiResult<std::string> validate_zip(std::string bytes);

// RoutingConfig.AdditionalVersionWeights: at most one entry, key a version number different
// from `primary_version`, weight 0..1; routing requires a published primary version.
ApiResult<void> validate_routing(const nlohmann::json& routing_config, const std::string& primary_version);

ApiResult<void> validate_description(const nlohmann::json& body);

// Tags of CreateFunction / TagResource: a map of strings, at most 50 after merging.
ApiResult<void> validate_tags(const nlohmann::json& tags);

// A value as AWS (Java) prints it in a constraint message: 2.0, [x86_64, arm64], {2=0.5}.
std::string java_text(const nlohmann::json& value, bool as_double = false);

// Invoke's request headers and payload: X-Amz-Invocation-Type (Event when `legacy_async`),
// X-Amz-Log-Type, X-Amz-Client-Context (base64 of JSON), the payload's size for the type and JSON.
struct InvokeOptions {
  std::string type;            // RequestResponse, Event or DryRun
  std::string log_type;        // "", None or Tail
  std::string client_context;  // decoded JSON text; empty when not sent
};
ApiResult<InvokeOptions> parse_invoke_options(const HttpRequest& request, bool legacy_async);

}  // namespace lcd::local
