#pragma once
// Typed Lambda operations over aws::ServiceCaller (which signs, sends and retries 429/5xx).
// Names may be plain names, partial or full ARNs: each path segment is percent-encoded once.

#include <map>
#include <string>
#include <vector>

#include "aws/service_caller.hpp"
#include "clients/lambda_types.hpp"
#include "util/result.hpp"

namespace lcd::clients {

class LambdaClient {
 public:
  explicit LambdaClient(aws::ServiceCaller& caller) : m_caller(caller) {}

  Result<FunctionConfiguration> create_function(const CreateFunctionRequest& request);
  Result<FunctionInfo> get_function(const std::string& function_name, const std::string& qualifier = "");
  Result<FunctionConfiguration> get_function_configuration(const std::string& function_name,
                                                           const std::string& qualifier = "");
  Result<FunctionConfiguration> update_function_code(const UpdateFunctionCodeRequest& request);
  Result<FunctionConfiguration> update_function_configuration(const UpdateFunctionConfigurationRequest& request);
  Result<FunctionConfiguration> publish_version(const PublishVersionRequest& request);
  // Every version ($LATEST included), following NextMarker until the last page.
  Result<std::vector<FunctionConfiguration>> list_versions_by_function(const std::string& function_name);
  // Every alias, following NextMarker; function_version filters when non-empty.
  Result<std::vector<AliasConfiguration>> list_aliases(const std::string& function_name,
                                                       const std::string& function_version = "");
  Result<AliasConfiguration> get_alias(const std::string& function_name, const std::string& alias_name);
  Result<AliasConfiguration> create_alias(const CreateAliasRequest& request);
  Result<AliasConfiguration> update_alias(const UpdateAliasRequest& request);
  Result<void> delete_alias(const std::string& function_name, const std::string& alias_name);
  Result<InvokeResult> invoke(const InvokeRequest& request);
  // qualifier empty: the whole function; otherwise that version only.
  Result<void> delete_function(const std::string& function_name, const std::string& qualifier = "");
  Result<void> tag_resource(const std::string& resource_arn, const std::map<std::string, std::string>& tags);
  Result<void> untag_resource(const std::string& resource_arn, const std::vector<std::string>& keys);
  Result<std::map<std::string, std::string>> list_tags(const std::string& resource_arn);
  Result<AccountSettings> get_account_settings();

  // Upper bound on pages fetched by a list operation, against a server that never stops paging.
  static constexpr int k_max_pages = 10000;

 private:
  Result<aws::ServiceResponse> send(aws::ServiceRequest request);
  aws::ServiceCaller& m_caller;
};

// The path of a Lambda function resource: "/2015-03-31/functions/<encoded name>".
std::string function_path(const std::string& function_name);

// Case-insensitive header lookup on a response; empty when absent.
std::string response_header(const aws::ServiceResponse& response, std::string_view name);

// True for 409 ResourceConflictException caused by a running update or a Pending function
// (retryable after waiting), as opposed to "already exists" or "referenced by an alias".
bool is_update_in_progress(const Error& error);

}  // namespace lcd::clients
