// Invoke: qualifier resolution, alias routing, payload limits and the hand-off to the engine.
#include <nlohmann/json.hpp>

#include "local/function_name.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_validation.hpp"
#include "util/encoding.hpp"

namespace lcd::local {

using nlohmann::json;

namespace {

void fill_from_spec(runtime::FunctionSnapshot& snapshot, const std::string& spec_json) {
  json spec = json::parse(spec_json, nullptr, false);
  if (!spec.is_object()) return;
  snapshot.runtime = spec.value("Runtime", "");
  snapshot.handler = spec.value("Handler", "");
  snapshot.memory_mb = spec.value("MemorySize", 128);
  snapshot.timeout_s = spec.value("Timeout", 3);
  if (spec.contains("Environment") && spec["Environment"].contains("Variables")) {
    for (const auto& [key, value] : spec["Environment"]["Variables"].items()) {
      if (value.is_string()) snapshot.environment[key] = value.get<std::string>();
    }
  }
}

}  // namespace

LambdaApi::Reply LambdaApi::invoke(Call& call, const std::string& name_segment, bool legacy_async) {
  auto ref = function_ref(call, name_segment, NameShape::namespaced);
  if (!ref) return api_fail(ref.error());
  auto options = parse_invoke_options(call.request, legacy_async);
  if (!options) return api_fail(options.error());
  const std::string& type = options->type;
  const std::string& log_type = options->log_type;
  const std::string& client_context = options->client_context;
  const std::string& payload = call.request.body;

  const Scope scope = call.scope;
  double draw = random_unit();
  // The package the snapshot names stays until its code is extracted: an update committed meanwhile
  // (with no InProgress window to keep the old package) releases it only after that.
  auto package_hold = m_blobs.hold();
  auto snapshot = m_store.read([&]() -> ApiResult<runtime::FunctionSnapshot> {
    const std::string& qualifier = ref->qualifier;
    // Recorded from AWS (2025): an unqualified invoke of a missing function names $LATEST.
    auto row = require_function(scope, ref->name, qualifier.empty() ? "$LATEST" : qualifier);
    if (!row) return api_fail(row.error());
    std::string version = qualifier.empty() ? "$LATEST" : qualifier;
    auto missing = [&] {
      return not_found("Function not found: " + qualified_arn(scope.region, scope.account, ref->name, qualifier));
    };
    if (!qualifier.empty() && qualifier != "$LATEST" && !is_version_number(qualifier)) {
      if (!is_valid_alias_name(qualifier)) return api_fail(missing());
      auto alias = m_store.get_alias(scope, ref->name, qualifier);
      if (!alias) return api_fail(from_error(alias.error()));
      if (!*alias) return api_fail(missing());
      version = (*alias)->function_version;
      json weights = json::parse((*alias)->routing_json, nullptr, false);
      if (weights.is_object()) {
        double cumulative = 0;
        for (const auto& [extra, weight] : weights.items()) {
          cumulative += weight.get<double>();
          if (draw < cumulative) {
            version = extra;
            break;
          }
        }
      }
    }
    runtime::FunctionSnapshot s;
    s.function_name = row->name;
    s.function_arn = function_arn(scope.region, scope.account, row->name);
    s.region = scope.region;
    s.account_id = scope.account;
    s.version = version;
    s.reserved_concurrency = static_cast<int>(row->reserved_concurrency);
    auto reserved = m_store.total_reserved_concurrency(scope);
    if (!reserved) return api_fail(from_error(reserved.error()));
    s.account_reserved_concurrency = static_cast<int>(*reserved);
    if (version == "$LATEST") {
      if (now_ms() < row->busy_until_ms && row->creating) {
        return api_fail(conflict("The operation cannot be performed at this time. The function is currently in the "
                                 "following state: Pending"));
      }
      std::string spec_json = row->spec_json;
      s.code_sha256 = row->code_sha256;
      if (now_ms() < row->busy_until_ms) {
        // InProgress: invocations run the code and configuration from before the update.
        auto previous = m_store.get_latest_before_update(scope, row->name);
        if (!previous) return api_fail(from_error(previous.error()));
        if (*previous && (*previous)->until_ms == row->busy_until_ms) {
          spec_json = (*previous)->spec_json;
          s.code_sha256 = (*previous)->code_sha256;
        }
      }
      fill_from_spec(s, spec_json);
    } else {
      auto v = m_store.get_version(scope, ref->name, std::stoll(version));
      if (!v) return api_fail(from_error(v.error()));
      if (!*v) return api_fail(missing());
      fill_from_spec(s, (*v)->spec_json);
      s.code_sha256 = (*v)->code_sha256;
    }
    s.code_zip = m_blobs.path_of(code_sha_to_hex(s.code_sha256));
    return s;
  });
  if (!snapshot) return api_fail(snapshot.error());

  HttpResponse response;
  response.content_type.clear();
  if (type == "DryRun") {
    response.status = 204;
    return response;
  }
  if (!m_invoker) {
    return api_fail(service_error("The function execution engine is not available in this build of lambda-cd local"));
  }
  auto prepared = m_invoker->prepare_code(*snapshot);
  if (!prepared) return api_fail(from_error(prepared.error()));
  package_hold.unlock();
  runtime::InvokeRequest request;
  request.function = *snapshot;
  request.code = std::move(*prepared);
  request.invoked_arn = ref->qualifier.empty() ? snapshot->function_arn
                                               : qualified_arn(scope.region, scope.account, ref->name, ref->qualifier);
  request.payload = payload.empty() ? "{}" : payload;
  request.client_context_json = client_context;
  request.request_id = call.context.request_id;
  if (type == "Event") {
    // Lambda queues events and retries throttled ones itself: never a 429 here.
    m_invoker->invoke_async(std::move(request));
    response.status = 202;
    if (legacy_async) {
      response.body = R"({"Status":202})";
      response.content_type = "application/json";
    }
    return response;
  }
  auto result = m_invoker->invoke(request);
  if (!result) {
    const Error& e = result.error();
    if (e.kind == ErrorKind::throttled) {
      // Wire body recorded from AWS (2025): {"Reason": ..., "Type": "User", "message": "Rate Exceeded."}.
      ApiError throttled;
      throttled.status = 429;
      throttled.code = "TooManyRequestsException";
      throttled.message = "Rate Exceeded.";
      throttled.reason = runtime::throttle_reason(e);
      return api_fail(throttled);
    }
    return api_fail(from_error(e));
  }
  response.status = 200;
  response.body = std::move(result->payload);
  response.content_type = "application/json";
  response.set_header("X-Amz-Executed-Version", snapshot->version);
  if (!result->function_error.empty()) response.set_header("X-Amz-Function-Error", result->function_error);
  if (log_type == "Tail") response.set_header("X-Amz-Log-Result", base64_encode(result->log_tail));
  return response;
}

}  // namespace lcd::local
