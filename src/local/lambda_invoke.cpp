// Invoke: qualifier resolution, alias routing, payload limits and the hand-off to the engine.
#include <nlohmann/json.hpp>

#include <fmt/format.h>

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

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at `p`, or 0.
size_t utf8_sequence(const unsigned char* p, size_t left) {
  unsigned char c = p[0];
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || n > left) return 0;
  for (size_t i = 1; i < n; ++i) {
    if (!is_continuation(p[i])) return 0;
  }
  return n;
}

// The detail of an unparseable payload in the form AWS's JSON parser (Jackson) gives it:
// "<problem>\n at [Source: REDACTED (...); line: L, column: C]" (recorded from AWS, 2025).
std::string payload_parse_detail(const std::string& payload) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(payload.data());
  // Where parsing stops: the first byte that is not valid UTF-8, or where the JSON parser stops.
  size_t stop = payload.size();
  bool bad_utf8 = false;
  for (size_t i = 0; i < payload.size();) {
    size_t n = utf8_sequence(bytes + i, payload.size() - i);
    if (n == 0) {
      stop = i;
      bad_utf8 = true;
      break;
    }
    i += n;
  }
  std::string problem;
  if (!bad_utf8) {
    try {
      (void)json::parse(payload);
    } catch (const json::parse_error& e) {
      stop = e.byte > 0 ? e.byte - 1 : 0;
    }
  }
  size_t line = 1, column = 1;
  for (size_t i = 0; i < stop && i < payload.size(); ++i) {
    if (payload[i] == '\n') {
      ++line;
      column = 1;
    } else if (!is_continuation(bytes[i])) {
      ++column;
    }
  }
  if (stop >= payload.size()) {
    problem = "Unexpected end-of-input";
  } else {
    unsigned char c = bytes[stop];
    if (bad_utf8 && c >= 0x80 && c <= 0xBF) {
      problem = fmt::format("Invalid UTF-8 start byte 0x{:02x}", c);
      ++column;  // Jackson reports the position after the byte it could not decode
    } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || bad_utf8) {
      problem = fmt::format(
          "Unexpected character ((CTRL-CHAR, code {})): expected a valid value (JSON String, Number, Array, Object or "
          "token 'null', 'true' or 'false')",
          static_cast<int>(c));
    } else {
      problem = fmt::format(
          "Unexpected character ('{}' (code {})): expected a valid value (JSON String, Number, Array, Object or token "
          "'null', 'true' or 'false')",
          static_cast<char>(c), static_cast<int>(c));
    }
  }
  return problem + "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: " +
         std::to_string(line) + ", column: " + std::to_string(column) + "]";
}

}  // namespace

LambdaApi::Reply LambdaApi::invoke(Call& call, const std::string& name_segment, bool legacy_async) {
  auto ref = function_ref(call, name_segment, NameShape::namespaced);
  if (!ref) return api_fail(ref.error());
  std::string type = legacy_async ? "Event" : call.request.header("X-Amz-Invocation-Type");
  if (type.empty()) type = "RequestResponse";
  std::string log_type = call.request.header("X-Amz-Log-Type");
  Violations violations;
  if (type != "RequestResponse" && type != "Event" && type != "DryRun") {
    violations.add(type, "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
  }
  if (!log_type.empty() && log_type != "None" && log_type != "Tail") {
    violations.add(log_type, "logType", "Member must satisfy enum value set: [None, Tail]");
  }
  if (!violations.empty()) return api_fail(violations.error());
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
    e.message = "Could not parse request body into json: Could not parse payload into json: " +
                payload_parse_detail(payload);
    return api_fail(e);
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

  const Scope scope = call.scope;
  double draw = random_unit();
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
  runtime::InvokeRequest request;
  request.function = *snapshot;
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
