#pragma once
// Typed shapes of the Lambda REST-JSON API (2015-03-31) used by the pipeline.
// Only the fields lambda-cd reads or writes; optional request fields are sent only when set.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lcd::clients {

using EnvironmentVariables = std::map<std::string, std::string>;

struct FunctionConfiguration {
  std::string function_name;
  std::string function_arn;
  std::string runtime;
  std::string role;
  std::string handler;
  int64_t code_size = 0;
  std::string description;
  int timeout = 0;
  int memory_size = 0;
  std::string last_modified;
  std::string code_sha256;
  std::string version;
  EnvironmentVariables environment;
  std::string revision_id;
  std::string state;               // Pending | Active | Failed | Inactive ...
  std::string state_reason;
  std::string state_reason_code;
  std::string last_update_status;  // InProgress | Successful | Failed
  std::string last_update_status_reason;
  std::string last_update_status_reason_code;
};

struct FunctionInfo {
  FunctionConfiguration configuration;
  std::map<std::string, std::string> tags;
  std::string code_location;
};

// Code source: exactly one of zip_file (raw zip bytes; sent base64) or an S3 location.
struct FunctionCode {
  std::string zip_file;
  std::string s3_bucket;
  std::string s3_key;
  std::string s3_object_version;
};

struct CreateFunctionRequest {
  std::string function_name;
  std::string role;
  std::string runtime;
  std::string handler;
  FunctionCode code;
  std::optional<std::string> description;
  std::optional<int> timeout;
  std::optional<int> memory_size;
  std::optional<EnvironmentVariables> environment;
  std::map<std::string, std::string> tags;
  bool publish = false;
};

struct UpdateFunctionCodeRequest {
  std::string function_name;
  FunctionCode code;
  std::optional<std::string> revision_id;
  bool publish = false;
};

struct UpdateFunctionConfigurationRequest {
  std::string function_name;
  std::optional<std::string> role;
  std::optional<std::string> handler;
  std::optional<std::string> runtime;
  std::optional<std::string> description;
  std::optional<int> timeout;
  std::optional<int> memory_size;
  std::optional<EnvironmentVariables> environment;
  std::optional<std::string> revision_id;
  // True when nothing would be sent besides the name and revision id.
  bool empty() const {
    return !role && !handler && !runtime && !description && !timeout && !memory_size && !environment;
  }
};

struct PublishVersionRequest {
  std::string function_name;
  std::optional<std::string> code_sha256;
  std::optional<std::string> revision_id;
  std::optional<std::string> description;
};

// GetAccountSettings (2016-08-19): the account's code-storage limit and use in this region.
struct AccountSettings {
  int64_t total_code_size_limit = 0;     // AccountLimit.TotalCodeSize (75 GB by default)
  int64_t code_size_zipped_limit = 0;    // AccountLimit.CodeSizeZipped
  int64_t code_size_unzipped_limit = 0;  // AccountLimit.CodeSizeUnzipped
  int64_t concurrent_executions_limit = 0;
  int64_t total_code_size_used = 0;      // AccountUsage.TotalCodeSize
  int64_t function_count = 0;
};

struct AliasConfiguration {
  std::string alias_arn;
  std::string name;
  std::string function_version;
  std::string description;
  std::string revision_id;
  std::map<std::string, double> additional_version_weights;
};

struct CreateAliasRequest {
  std::string function_name;
  std::string name;
  std::string function_version;
  std::optional<std::string> description;
};

struct UpdateAliasRequest {
  std::string function_name;
  std::string name;
  std::optional<std::string> function_version;
  std::optional<std::string> description;
  std::optional<std::string> revision_id;
  // When set, RoutingConfig.AdditionalVersionWeights is sent (an empty map clears a canary).
  std::optional<std::map<std::string, double>> additional_version_weights;
};

enum class InvocationType { request_response, event, dry_run };

struct InvokeRequest {
  std::string function_name;
  std::string qualifier;  // empty: unqualified ($LATEST)
  std::string payload;
  InvocationType invocation_type = InvocationType::request_response;
  bool tail_log = false;
};

struct InvokeResult {
  int status_code = 0;
  std::string payload;
  std::string executed_version;
  std::string function_error;  // "Unhandled" / "Handled"; empty on success
  std::string log_tail;        // decoded X-Amz-Log-Result (last 4 KB of the log), when requested
};

}  // namespace lcd::clients
