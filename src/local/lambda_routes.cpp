#include "local/lambda_routes.hpp"

#include <set>

#include "util/strings.hpp"

namespace lcd::local {
namespace {

struct RouteTemplate {
  const char* method;
  const char* uri;  // path template, optionally "?name=value" the route requires
  const char* operation;
};

// Generated from the service model (botocore 1.43.11): method, requestUri, operation name.
constexpr RouteTemplate k_routes[] = {
    {"POST", "/2014-11-13/functions/{FunctionName}/invoke-async", "InvokeAsync"},
    {"POST", "/2015-03-31/event-source-mappings", "CreateEventSourceMapping"},
    {"GET", "/2015-03-31/event-source-mappings", "ListEventSourceMappings"},
    {"DELETE", "/2015-03-31/event-source-mappings/{UUID}", "DeleteEventSourceMapping"},
    {"GET", "/2015-03-31/event-source-mappings/{UUID}", "GetEventSourceMapping"},
    {"PUT", "/2015-03-31/event-source-mappings/{UUID}", "UpdateEventSourceMapping"},
    {"POST", "/2015-03-31/functions", "CreateFunction"},
    {"GET", "/2015-03-31/functions", "ListFunctions"},
    {"DELETE", "/2015-03-31/functions/{FunctionName}", "DeleteFunction"},
    {"GET", "/2015-03-31/functions/{FunctionName}", "GetFunction"},
    {"POST", "/2015-03-31/functions/{FunctionName}/aliases", "CreateAlias"},
    {"GET", "/2015-03-31/functions/{FunctionName}/aliases", "ListAliases"},
    {"DELETE", "/2015-03-31/functions/{FunctionName}/aliases/{Name}", "DeleteAlias"},
    {"GET", "/2015-03-31/functions/{FunctionName}/aliases/{Name}", "GetAlias"},
    {"PUT", "/2015-03-31/functions/{FunctionName}/aliases/{Name}", "UpdateAlias"},
    {"PUT", "/2015-03-31/functions/{FunctionName}/code", "UpdateFunctionCode"},
    {"GET", "/2015-03-31/functions/{FunctionName}/configuration", "GetFunctionConfiguration"},
    {"PUT", "/2015-03-31/functions/{FunctionName}/configuration", "UpdateFunctionConfiguration"},
    {"POST", "/2015-03-31/functions/{FunctionName}/invocations", "Invoke"},
    {"POST", "/2015-03-31/functions/{FunctionName}/policy", "AddPermission"},
    {"GET", "/2015-03-31/functions/{FunctionName}/policy", "GetPolicy"},
    {"DELETE", "/2015-03-31/functions/{FunctionName}/policy/{StatementId}", "RemovePermission"},
    {"GET", "/2015-03-31/functions/{FunctionName}/versions", "ListVersionsByFunction"},
    {"POST", "/2015-03-31/functions/{FunctionName}/versions", "PublishVersion"},
    {"GET", "/2016-08-19/account-settings", "GetAccountSettings"},
    {"GET", "/2017-03-31/tags/{Resource}", "ListTags"},
    {"POST", "/2017-03-31/tags/{Resource}", "TagResource"},
    {"DELETE", "/2017-03-31/tags/{Resource}", "UntagResource"},
    {"DELETE", "/2017-10-31/functions/{FunctionName}/concurrency", "DeleteFunctionConcurrency"},
    {"PUT", "/2017-10-31/functions/{FunctionName}/concurrency", "PutFunctionConcurrency"},
    {"GET", "/2018-10-31/layers", "ListLayers"},
    {"GET", "/2018-10-31/layers/{LayerName}/versions", "ListLayerVersions"},
    {"POST", "/2018-10-31/layers/{LayerName}/versions", "PublishLayerVersion"},
    {"DELETE", "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}", "DeleteLayerVersion"},
    {"GET", "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}", "GetLayerVersion"},
    {"POST", "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy", "AddLayerVersionPermission"},
    {"GET", "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy", "GetLayerVersionPolicy"},
    {"DELETE", "/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy/{StatementId}", "RemoveLayerVersionPermission"},
    {"GET", "/2018-10-31/layers?find=LayerVersion", "GetLayerVersionByArn"},
    {"DELETE", "/2019-09-25/functions/{FunctionName}/event-invoke-config", "DeleteFunctionEventInvokeConfig"},
    {"GET", "/2019-09-25/functions/{FunctionName}/event-invoke-config", "GetFunctionEventInvokeConfig"},
    {"PUT", "/2019-09-25/functions/{FunctionName}/event-invoke-config", "PutFunctionEventInvokeConfig"},
    {"POST", "/2019-09-25/functions/{FunctionName}/event-invoke-config", "UpdateFunctionEventInvokeConfig"},
    {"GET", "/2019-09-25/functions/{FunctionName}/event-invoke-config/list", "ListFunctionEventInvokeConfigs"},
    {"GET", "/2019-09-30/functions/{FunctionName}/concurrency", "GetFunctionConcurrency"},
    {"DELETE", "/2019-09-30/functions/{FunctionName}/provisioned-concurrency", "DeleteProvisionedConcurrencyConfig"},
    {"GET", "/2019-09-30/functions/{FunctionName}/provisioned-concurrency", "GetProvisionedConcurrencyConfig"},
    {"PUT", "/2019-09-30/functions/{FunctionName}/provisioned-concurrency", "PutProvisionedConcurrencyConfig"},
    {"GET", "/2019-09-30/functions/{FunctionName}/provisioned-concurrency?List=ALL", "ListProvisionedConcurrencyConfigs"},
    {"POST", "/2020-04-22/code-signing-configs", "CreateCodeSigningConfig"},
    {"GET", "/2020-04-22/code-signing-configs", "ListCodeSigningConfigs"},
    {"DELETE", "/2020-04-22/code-signing-configs/{CodeSigningConfigArn}", "DeleteCodeSigningConfig"},
    {"GET", "/2020-04-22/code-signing-configs/{CodeSigningConfigArn}", "GetCodeSigningConfig"},
    {"PUT", "/2020-04-22/code-signing-configs/{CodeSigningConfigArn}", "UpdateCodeSigningConfig"},
    {"GET", "/2020-04-22/code-signing-configs/{CodeSigningConfigArn}/functions", "ListFunctionsByCodeSigningConfig"},
    {"DELETE", "/2020-06-30/functions/{FunctionName}/code-signing-config", "DeleteFunctionCodeSigningConfig"},
    {"GET", "/2020-06-30/functions/{FunctionName}/code-signing-config", "GetFunctionCodeSigningConfig"},
    {"PUT", "/2020-06-30/functions/{FunctionName}/code-signing-config", "PutFunctionCodeSigningConfig"},
    {"GET", "/2021-07-20/functions/{FunctionName}/runtime-management-config", "GetRuntimeManagementConfig"},
    {"PUT", "/2021-07-20/functions/{FunctionName}/runtime-management-config", "PutRuntimeManagementConfig"},
    {"POST", "/2021-10-31/functions/{FunctionName}/url", "CreateFunctionUrlConfig"},
    {"DELETE", "/2021-10-31/functions/{FunctionName}/url", "DeleteFunctionUrlConfig"},
    {"GET", "/2021-10-31/functions/{FunctionName}/url", "GetFunctionUrlConfig"},
    {"PUT", "/2021-10-31/functions/{FunctionName}/url", "UpdateFunctionUrlConfig"},
    {"GET", "/2021-10-31/functions/{FunctionName}/urls", "ListFunctionUrlConfigs"},
    {"POST", "/2021-11-15/functions/{FunctionName}/response-streaming-invocations", "InvokeWithResponseStream"},
    {"GET", "/2024-08-31/functions/{FunctionName}/recursion-config", "GetFunctionRecursionConfig"},
    {"PUT", "/2024-08-31/functions/{FunctionName}/recursion-config", "PutFunctionRecursionConfig"},
    {"POST", "/2025-11-30/capacity-providers", "CreateCapacityProvider"},
    {"GET", "/2025-11-30/capacity-providers", "ListCapacityProviders"},
    {"DELETE", "/2025-11-30/capacity-providers/{CapacityProviderName}", "DeleteCapacityProvider"},
    {"GET", "/2025-11-30/capacity-providers/{CapacityProviderName}", "GetCapacityProvider"},
    {"PUT", "/2025-11-30/capacity-providers/{CapacityProviderName}", "UpdateCapacityProvider"},
    {"GET", "/2025-11-30/capacity-providers/{CapacityProviderName}/function-versions", "ListFunctionVersionsByCapacityProvider"},
    {"GET", "/2025-11-30/functions/{FunctionName}/function-scaling-config", "GetFunctionScalingConfig"},
    {"PUT", "/2025-11-30/functions/{FunctionName}/function-scaling-config", "PutFunctionScalingConfig"},
    {"POST", "/2025-12-01/durable-execution-callbacks/{CallbackId}/fail", "SendDurableExecutionCallbackFailure"},
    {"POST", "/2025-12-01/durable-execution-callbacks/{CallbackId}/heartbeat", "SendDurableExecutionCallbackHeartbeat"},
    {"POST", "/2025-12-01/durable-execution-callbacks/{CallbackId}/succeed", "SendDurableExecutionCallbackSuccess"},
    {"GET", "/2025-12-01/durable-executions/{DurableExecutionArn}", "GetDurableExecution"},
    {"POST", "/2025-12-01/durable-executions/{DurableExecutionArn}/checkpoint", "CheckpointDurableExecution"},
    {"GET", "/2025-12-01/durable-executions/{DurableExecutionArn}/history", "GetDurableExecutionHistory"},
    {"GET", "/2025-12-01/durable-executions/{DurableExecutionArn}/state", "GetDurableExecutionState"},
    {"POST", "/2025-12-01/durable-executions/{DurableExecutionArn}/stop", "StopDurableExecution"},
    {"GET", "/2025-12-01/functions/{FunctionName}/durable-executions", "ListDurableExecutionsByFunction"},
};

struct Parsed {
  std::vector<std::string> segments;
  std::string query_name;
  std::string query_value;
};

Parsed parse_template(std::string_view uri) {
  Parsed p;
  auto q = uri.find('?');
  std::string_view path = uri.substr(0, q);
  if (q != std::string_view::npos) {
    std::string_view query = uri.substr(q + 1);
    auto eq = query.find('=');
    p.query_name = std::string(query.substr(0, eq));
    p.query_value = eq == std::string_view::npos ? "" : std::string(query.substr(eq + 1));
  }
  for (auto& s : split(path, '/')) {
    if (!s.empty()) p.segments.push_back(std::move(s));
  }
  return p;
}

const std::vector<Parsed>& parsed_routes() {
  static const std::vector<Parsed> parsed = [] {
    std::vector<Parsed> out;
    for (const auto& r : k_routes) out.push_back(parse_template(r.uri));
    return out;
  }();
  return parsed;
}

}  // namespace

const std::string& LambdaRoute::label(std::string_view name) const {
  static const std::string none;
  for (const auto& [key, value] : labels) {
    if (key == name) return value;
  }
  return none;
}

std::optional<LambdaRoute> match_lambda_route(const std::string& method, const std::vector<std::string>& segments,
                                              const HttpRequest& request) {
  const auto& parsed = parsed_routes();
  std::optional<LambdaRoute> without_query;  // a route whose query requirement is absent loses to one that has it met
  for (size_t i = 0; i < parsed.size(); ++i) {
    const auto& t = parsed[i];
    if (method != k_routes[i].method || t.segments.size() != segments.size()) continue;
    LambdaRoute route;
    route.operation = k_routes[i].operation;
    bool ok = true;
    for (size_t s = 0; s < segments.size() && ok; ++s) {
      const std::string& part = t.segments[s];
      if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
        if (segments[s].empty()) ok = false;
        route.labels.emplace_back(std::string_view(part).substr(1, part.size() - 2), segments[s]);
      } else {
        ok = part == segments[s];
      }
    }
    if (!ok) continue;
    if (t.query_name.empty()) {
      if (!without_query) without_query = std::move(route);
      continue;
    }
    if (request.query_param(t.query_name) == t.query_value) return route;
  }
  return without_query;
}

bool is_lambda_api_path(std::string_view raw_path) {
  static const std::set<std::string, std::less<>> prefixes = [] {
    std::set<std::string, std::less<>> out;
    for (const auto& t : parsed_routes()) out.insert("/" + t.segments.front() + "/");
    return out;
  }();
  if (raw_path.size() < 12) return false;
  return prefixes.count(raw_path.substr(0, 12)) > 0;
}

}  // namespace lcd::local
