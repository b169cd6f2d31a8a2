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
  auto ref = function_ref(call, name_segment, true);
  if (!ref) return api_fail(ref.error());
  std::string type = legacy_async ? "Event" : call.request.header("X-Amz-Invocation-Type");
  if (type.empty()) type = "RequestResponse";
  if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
    return api_fail(constraint_violation(type, "invocationType",
                                         "Member must satisfy enum value set: [Event, RequestResponse, DryRun]"));
  }
  const std::string& payload = call.request.body;
  if (type == "Event" && payload.size() > k_max_async_payload) {
    return api_fail(too_large(std::to_string(payload.size()) + " byte payload is too large for the Event invocation type (limit " +
                              std::to_string(k_max_async_payload) + " bytes)"));
  }
  if (payload.size() > k_max_invoke_payload) {
    return api_fail(too_large("Request must be smaller than " + std::to_string(k_max_invoke_payload) +
                              " bytes for the InvokeFunction operation"));
  }
  if (!payload.empty() && json::parse(payload, nullptr, false).is_discarded()) {
    ApiError e;
    e.status = 400;
    e.code = "InvalidRequestContentException";
    e.message = "Could not parse request body into json: Could not parse payload into json";
    return api_fail(e);
  }
  std::string log_type = call.request.header("X-Amz-Log-Type");
  if (!log_type.empty() && log_type != "None" && log_type != "Tail") {
    return api_fail(constraint_violation(log_type, "logType", "Member must satisfy enum value set: [None, Tail]"));
  }
  std::string client_context;
  if (call.request.has_header("X-Amz-Client-Context")) {
    auto decoded = base64_decode(call.request.header("X-Amz-Client-Context"));
    if (!decoded || json::parse(*decoded, nullptr, false).is_discarded()) {
      ApiError e;
      e.status = 400;
      e.code = "InvalidRequestContentException";
      e.message = "Client context must be a valid Base64-encoded JSON object.";
      return api_fail(e);
    }
    client_context = *decoded;
  }

  const std::string region = call.context.region;
  const std::string& account = m_options.account_id;
  double draw = random_unit();
  auto snapshot = m_store.read([&]() -> ApiResult<runtime::FunctionSnapshot> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    std::string qualifier = ref->qualifier;
    std::string version = qualifier.empty() ? "$LATEST" : qualifier;
    auto missing = [&] { return not_found("Function not found: " + qualified_arn(region, account, ref->name, qualifier)); };
    if (!qualifier.empty() && qualifier != "$LATEST" && !is_version_number(qualifier)) {
      auto alias = m_store.get_alias(region, ref->name, qualifier);
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
    s.function_arn = arn(region, row->name);
    s.region = region;
    s.account_id = account;
    s.version = version;
    if (version == "$LATEST") {
      if (now_ms() < row->busy_until_ms && row->creating) {
        return api_fail(conflict("The operation cannot be performed at this time. The function is currently in the "
                                 "following state: Pending"));
      }
      std::string spec_json = row->spec_json;
      s.code_sha256 = row->code_sha256;
      if (now_ms() < row->busy_until_ms) {
        // InProgress: invocations run the code and configuration from before the update.
        auto previous = m_store.get_latest_before_update(region, row->name);
        if (!previous) return api_fail(from_error(previous.error()));
        if (*previous && (*previous)->until_ms == row->busy_until_ms) {
          spec_json = (*previous)->spec_json;
          s.code_sha256 = (*previous)->code_sha256;
        }
      }
      fill_from_spec(s, spec_json);
    } else {
      auto v = m_store.get_version(region, ref->name, std::stoll(version));
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
  runtime::InvokeRequest request;
  request.function = *snapshot;
  request.invoked_arn = ref->qualifier.empty() ? arn(region, ref->name)
                                               : qualified_arn(region, account, ref->name, ref->qualifier);
  request.payload = payload.empty() ? "{}" : payload;
  request.client_context_json = client_context;
  request.request_id = call.context.request_id;
  if (type == "Event") {
    m_invoker->invoke_async(std::move(request));
    response.status = 202;
    if (legacy_async) {
      response.body = R"({"Status":202})";
      response.content_type = "application/json";
    }
    return response;
  }
  auto result = m_invoker->invoke(request);
  if (!result) return api_fail(from_error(result.error()));
  response.status = 200;
  response.body = std::move(result->payload);
  response.content_type = "application/json";
  response.set_header("X-Amz-Executed-Version", snapshot->version);
  if (!result->function_error.empty()) response.set_header("X-Amz-Function-Error", result->function_error);
  if (log_type == "Tail") response.set_header("X-Amz-Log-Result", base64_encode(result->log_tail));
  return response;
}

}  // namespace lcd::local
