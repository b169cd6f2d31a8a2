#include "clients/lambda_client.hpp"

#include "clients/lambda_codec.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::clients {
namespace {

constexpr const char* k_functions = "/2015-03-31/functions";

aws::ServiceRequest lambda_request(std::string operation, std::string method, std::string path) {
  aws::ServiceRequest r;
  r.service = "lambda";
  r.protocol = aws::Protocol::rest_json;
  r.method = std::move(method);
  r.path = std::move(path);
  r.operation = std::move(operation);
  return r;
}

void set_json_body(aws::ServiceRequest& r, std::string body) {
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
}

template <class T, class F>
Result<T> parse_with(const Result<aws::ServiceResponse>& response, F parse) {
  if (!response) return fail(response.error());
  return parse(response->body);
}

std::string tags_path(const std::string& arn) { return "/2017-03-31/tags/" + uri_encode(arn); }

}  // namespace

std::string function_path(const std::string& function_name) {
  return std::string(k_functions) + "/" + uri_encode(function_name);
}

std::string response_header(const aws::ServiceResponse& response, std::string_view name) {
  for (const auto& [k, v] : response.headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

bool is_update_in_progress(const Error& error) {
  if (error.kind != ErrorKind::conflict && error.http_status != 409) return false;
  if (!error.code.empty() && error.code != "ResourceConflictException") return false;
  const std::string m = to_lower(error.message);
  return m.find("in progress") != std::string::npos || m.find("pending") != std::string::npos;
}

Result<aws::ServiceResponse> LambdaClient::send(aws::ServiceRequest request) { return m_caller.call(request); }

Result<FunctionConfiguration> LambdaClient::create_function(const CreateFunctionRequest& request) {
  auto r = lambda_request("CreateFunction", "POST", k_functions);
  set_json_body(r, build_create_function_body(request));
  return parse_with<FunctionConfiguration>(send(std::move(r)), parse_function_configuration);
}

Result<FunctionInfo> LambdaClient::get_function(const std::string& name, const std::string& qualifier) {
  auto r = lambda_request("GetFunction", "GET", function_path(name));
  if (!qualifier.empty()) r.query.emplace_back("Qualifier", qualifier);
  return parse_with<FunctionInfo>(send(std::move(r)), parse_get_function);
}

Result<FunctionConfiguration> LambdaClient::get_function_configuration(const std::string& name,
                                                                       const std::string& qualifier) {
  auto r = lambda_request("GetFunctionConfiguration", "GET", function_path(name) + "/configuration");
  if (!qualifier.empty()) r.query.emplace_back("Qualifier", qualifier);
  return parse_with<FunctionConfiguration>(send(std::move(r)), parse_function_configuration);
}

Result<FunctionConfiguration> LambdaClient::update_function_code(const UpdateFunctionCodeRequest& request) {
  auto r = lambda_request("UpdateFunctionCode", "PUT", function_path(request.function_name) + "/code");
  set_json_body(r, build_update_function_code_body(request));
  return parse_with<FunctionConfiguration>(send(std::move(r)), parse_function_configuration);
}

Result<FunctionConfiguration> LambdaClient::update_function_configuration(
    const UpdateFunctionConfigurationRequest& request) {
  auto r = lambda_request("UpdateFunctionConfiguration", "PUT",
                          function_path(request.function_name) + "/configuration");
  set_json_body(r, build_update_function_configuration_body(request));
  return parse_with<FunctionConfiguration>(send(std::move(r)), parse_function_configuration);
}

Result<FunctionConfiguration> LambdaClient::publish_version(const PublishVersionRequest& request) {
  auto r = lambda_request("PublishVersion", "POST", function_path(request.function_name) + "/versions");
  set_json_body(r, build_publish_version_body(request));
  return parse_with<FunctionConfiguration>(send(std::move(r)), parse_function_configuration);
}

Result<std::vector<FunctionConfiguration>> LambdaClient::list_versions_by_function(const std::string& name) {
  std::vector<FunctionConfiguration> all;
  std::string marker;
  for (int page = 0; page < k_max_pages; ++page) {
    auto r = lambda_request("ListVersionsByFunction", "GET", function_path(name) + "/versions");
    if (!marker.empty()) r.query.emplace_back("Marker", marker);
    r.query.emplace_back("MaxItems", "50");
    auto parsed = parse_with<Page<FunctionConfiguration>>(send(std::move(r)), parse_versions_page);
    if (!parsed) return fail(parsed.error());
    for (auto& v : parsed->items) all.push_back(std::move(v));
    if (parsed->next_marker.empty()) return all;
    if (parsed->next_marker == marker) {
      return fail(ErrorKind::server, "ListVersionsByFunction returned the same NextMarker twice");
    }
    marker = parsed->next_marker;
  }
  return fail(ErrorKind::server, "ListVersionsByFunction did not finish paging");
}

Result<std::vector<AliasConfiguration>> LambdaClient::list_aliases(const std::string& name,
                                                                  const std::string& function_version) {
  std::vector<AliasConfiguration> all;
  std::string marker;
  for (int page = 0; page < k_max_pages; ++page) {
    auto r = lambda_request("ListAliases", "GET", function_path(name) + "/aliases");
    if (!function_version.empty()) r.query.emplace_back("FunctionVersion", function_version);
    if (!marker.empty()) r.query.emplace_back("Marker", marker);
    r.query.emplace_back("MaxItems", "50");
    auto parsed = parse_with<Page<AliasConfiguration>>(send(std::move(r)), parse_aliases_page);
    if (!parsed) return fail(parsed.error());
    for (auto& a : parsed->items) all.push_back(std::move(a));
    if (parsed->next_marker.empty()) return all;
    if (parsed->next_marker == marker) {
      return fail(ErrorKind::server, "ListAliases returned the same NextMarker twice");
    }
    marker = parsed->next_marker;
  }
  return fail(ErrorKind::server, "ListAliases did not finish paging");
}

Result<AliasConfiguration> LambdaClient::get_alias(const std::string& name, const std::string& alias) {
  auto r = lambda_request("GetAlias", "GET", function_path(name) + "/aliases/" + uri_encode(alias));
  return parse_with<AliasConfiguration>(send(std::move(r)), parse_alias_configuration);
}

Result<AliasConfiguration> LambdaClient::create_alias(const CreateAliasRequest& request) {
  auto r = lambda_request("CreateAlias", "POST", function_path(request.function_name) + "/aliases");
  set_json_body(r, build_create_alias_body(request));
  return parse_with<AliasConfiguration>(send(std::move(r)), parse_alias_configuration);
}

Result<AliasConfiguration> LambdaClient::update_alias(const UpdateAliasRequest& request) {
  auto r = lambda_request("UpdateAlias", "PUT",
                          function_path(request.function_name) + "/aliases/" + uri_encode(request.name));
  set_json_body(r, build_update_alias_body(request));
  return parse_with<AliasConfiguration>(send(std::move(r)), parse_alias_configuration);
}

Result<void> LambdaClient::delete_alias(const std::string& name, const std::string& alias) {
  auto r = lambda_request("DeleteAlias", "DELETE", function_path(name) + "/aliases/" + uri_encode(alias));
  auto response = send(std::move(r));
  if (!response) return fail(response.error());
  return {};
}

Result<InvokeResult> LambdaClient::invoke(const InvokeRequest& request) {
  auto r = lambda_request("Invoke", "POST", function_path(request.function_name) + "/invocations");
  r.idempotent = request.invocation_type == InvocationType::dry_run;
  if (!request.qualifier.empty()) r.query.emplace_back("Qualifier", request.qualifier);
  switch (request.invocation_type) {
    case InvocationType::request_response: break;
    case InvocationType::event: r.headers.emplace_back("X-Amz-Invocation-Type", "Event"); break;
    case InvocationType::dry_run: r.headers.emplace_back("X-Amz-Invocation-Type", "DryRun"); break;
  }
  if (request.tail_log) r.headers.emplace_back("X-Amz-Log-Type", "Tail");
  r.body = request.payload;
  auto response = send(std::move(r));
  if (!response) return fail(response.error());
  InvokeResult out;
  out.status_code = response->status;
  out.payload = response->body;
  out.executed_version = response_header(*response, "X-Amz-Executed-Version");
  out.function_error = response_header(*response, "X-Amz-Function-Error");
  std::string log = response_header(*response, "X-Amz-Log-Result");
  if (!log.empty()) {
    auto decoded = base64_decode(log);
    if (!decoded) return fail(ErrorKind::server, "Invoke returned an X-Amz-Log-Result that is not base64");
    out.log_tail = std::move(*decoded);
  }
  return out;
}

Result<void> LambdaClient::delete_function(const std::string& name, const std::string& qualifier) {
  auto r = lambda_request("DeleteFunction", "DELETE", function_path(name));
  if (!qualifier.empty()) r.query.emplace_back("Qualifier", qualifier);
  auto response = send(std::move(r));
  if (!response) return fail(response.error());
  return {};
}

Result<void> LambdaClient::tag_resource(const std::string& arn, const std::map<std::string, std::string>& tags) {
  auto r = lambda_request("TagResource", "POST", tags_path(arn));
  set_json_body(r, build_tag_resource_body(tags));
  auto response = send(std::move(r));
  if (!response) return fail(response.error());
  return {};
}

Result<void> LambdaClient::untag_resource(const std::string& arn, const std::vector<std::string>& keys) {
  auto r = lambda_request("UntagResource", "DELETE", tags_path(arn));
  for (const auto& k : keys) r.query.emplace_back("tagKeys", k);
  auto response = send(std::move(r));
  if (!response) return fail(response.error());
  return {};
}

Result<std::map<std::string, std::string>> LambdaClient::list_tags(const std::string& arn) {
  auto r = lambda_request("ListTags", "GET", tags_path(arn));
  return parse_with<std::map<std::string, std::string>>(send(std::move(r)), parse_tags);
}

Result<AccountSettings> LambdaClient::get_account_settings() {
  return parse_with<AccountSettings>(send(lambda_request("GetAccountSettings", "GET", "/2016-08-19/account-settings/")),
                                     parse_account_settings);
}

}  // namespace lcd::clients
