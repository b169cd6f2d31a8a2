#include "local/lambda_api.hpp"

#include <nlohmann/json.hpp>

#include "local/function_name.hpp"
#include "local/lambda_validation.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local {

using nlohmann::json;

LambdaApi::LambdaApi(LambdaApiOptions options, LambdaStore& store, BlobStore& blobs, Clock& clock,
                     FaultInjector* faults, InvokeBackend* invoker)
    : m_options(std::move(options)),
      m_store(store),
      m_blobs(blobs),
      m_clock(clock),
      m_faults(faults),
      m_invoker(invoker) {
  m_blob_referrer = m_blobs.add_referrer([this](const std::string& hex) -> Result<bool> {
    std::string code_sha = hex_to_code_sha(hex);
    if (code_sha.empty()) return false;
    return m_store.read([&] { return m_store.references_code(code_sha, now_ms()); });
  });
}

bool LambdaApi::owns_path(const std::string& raw_path) {
  for (const char* prefix : {"/2015-03-31/", "/2016-08-19/", "/2017-03-31/", "/2014-11-13/", "/2015-03-31",
                             "/_lambda-cd/code/"}) {
    if (starts_with(raw_path, prefix)) return true;
  }
  return false;
}

HttpResponse LambdaApi::handle(const HttpRequest& request, const RequestContext& context) {
  Call call{request, context, {}};
  std::string_view path = request.raw_path;
  for (const auto& raw : split(path, '/')) {
    if (raw.empty()) continue;
    auto decoded = uri_decode(raw);
    call.segments.push_back(decoded ? *decoded : raw);
  }
  Reply reply;
  try {
    reply = dispatch(call);
  } catch (const std::exception& e) {
    reply = api_fail(service_error(std::string("internal error: ") + e.what()));
  }
  HttpResponse response = reply ? std::move(*reply) : rest_json_error(reply.error(), context.request_id);
  response.set_header("x-amzn-RequestId", context.request_id);
  return response;
}

LambdaApi::Reply LambdaApi::dispatch(Call& call) {
  const auto& s = call.segments;
  const std::string& method = call.request.method;
  auto unknown = [&]() -> Reply {
    ApiError e;
    e.status = 404;
    e.code = "UnknownOperationException";
    e.message = "Unknown operation " + method + " " + call.request.raw_path;
    return api_fail(e);
  };
  if (s.size() == 3 && s[0] == "_lambda-cd" && s[1] == "code" && method == "GET") return download_code(call, s[2]);
  if (s.empty()) return unknown();
  if (s[0] == "2016-08-19" && s.size() == 2 && s[1] == "account-settings" && method == "GET") {
    return get_account_settings(call);
  }
  if (s[0] == "2017-03-31" && s.size() == 3 && s[1] == "tags") {
    if (method == "GET") return list_tags(call, s[2]);
    if (method == "POST") return tag_resource(call, s[2]);
    if (method == "DELETE") return untag_resource(call, s[2]);
    return unknown();
  }
  if (s[0] == "2014-11-13" && s.size() == 4 && s[1] == "functions" && s[3] == "invoke-async" && method == "POST") {
    return invoke(call, s[2], true);
  }
  if (s[0] != "2015-03-31" || s.size() < 2 || s[1] != "functions") return unknown();
  if (s.size() == 2) {
    if (method == "POST") return create_function(call);
    if (method == "GET") return list_functions(call);
    return unknown();
  }
  const std::string& name = s[2];
  if (s.size() == 3) {
    if (method == "GET") return get_function(call, name, false);
    if (method == "DELETE") return delete_function(call, name);
    return unknown();
  }
  const std::string& sub = s[3];
  if (s.size() == 4) {
    if (sub == "configuration" && method == "GET") return get_function(call, name, true);
    if (sub == "configuration" && method == "PUT") return update_function_configuration(call, name);
    if (sub == "code" && method == "PUT") return update_function_code(call, name);
    if (sub == "versions" && method == "POST") return publish_version(call, name);
    if (sub == "versions" && method == "GET") return list_versions(call, name);
    if (sub == "aliases" && method == "POST") return create_alias(call, name);
    if (sub == "aliases" && method == "GET") return list_aliases(call, name);
    if (sub == "invocations" && method == "POST") return invoke(call, name, false);
    return unknown();
  }
  if (s.size() == 5 && sub == "aliases") {
    if (method == "GET") return get_alias(call, name, s[4]);
    if (method == "PUT") return update_alias(call, name, s[4]);
    if (method == "DELETE") return delete_alias(call, name, s[4]);
  }
  return unknown();
}

int64_t LambdaApi::now_ms() const { return to_epoch_ms(m_clock.now()); }

std::string LambdaApi::now_lambda_time() const { return format_lambda_time(m_clock.now()); }

int64_t LambdaApi::busy_window_ms() {
  int64_t delay = m_options.update_delay_ms;
  if (m_faults) delay += m_faults->extra_update_delay_ms();
  return delay;
}

std::string LambdaApi::arn(const std::string& region, const std::string& name) const {
  return function_arn(region, m_options.account_id, name);
}

ApiResult<json> LambdaApi::parse_body(const HttpRequest& request) const {
  if (request.body.empty()) return json::object();
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    ApiError e = invalid_parameter("Could not parse request body into json: the request body is not a JSON object");
    return api_fail(e);
  }
  return body;
}

ApiResult<void> LambdaApi::check_not_busy(const FunctionRow& row) {
  int64_t now = now_ms();
  if (now < row.busy_until_ms && row.creating) {
    return api_fail(conflict(
        "The operation cannot be performed at this time. The function is currently in the following state: Pending"));
  }
  if (now < row.busy_until_ms || (m_faults && m_faults->next_conflict())) {
    return api_fail(conflict("The operation cannot be performed at this time. An update is in progress for resource: " +
                             arn(row.region, row.name)));
  }
  return {};
}

ApiResult<FunctionRow> LambdaApi::require_function(const std::string& region, const std::string& name) {
  auto row = m_store.get_function(region, name);
  if (!row) return api_fail(from_error(row.error()));
  if (!*row) return api_fail(not_found("Function not found: " + arn(region, name)));
  return std::move(**row);
}

HttpResponse LambdaApi::json_response(int status, const json& body) const {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  response.content_type = "application/json";
  return response;
}

double LambdaApi::random_unit() {
  std::lock_guard lock(m_rng_mutex);
  return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
}

LambdaApi::Reply LambdaApi::get_account_settings(Call& call) {
  const std::string& region = call.context.region;
  auto usage = m_store.read([&]() -> Result<std::pair<int64_t, int64_t>> {
    auto total = m_store.total_code_size(region);
    if (!total) return fail(total.error());
    auto count = m_store.count_functions(region);
    if (!count) return fail(count.error());
    return std::make_pair(*total, *count);
  });
  if (!usage) return api_fail(from_error(usage.error()));
  json body{{"AccountLimit",
             {{"TotalCodeSize", 80530636800LL},
              {"CodeSizeUnzipped", 262144000},
              {"CodeSizeZipped", 52428800},
              {"ConcurrentExecutions", 1000},
              {"UnreservedConcurrentExecutions", 1000}}},
            {"AccountUsage", {{"TotalCodeSize", usage->first}, {"FunctionCount", usage->second}}}};
  return json_response(200, body);
}

LambdaApi::Reply LambdaApi::download_code(Call& call, const std::string& blob_name) {
  (void)call;
  std::string hex = blob_name;
  if (ends_with(hex, ".zip")) hex = hex.substr(0, hex.size() - 4);
  if (!m_blobs.contains(hex)) {
    ApiError e;
    e.status = 404;
    e.code = "NoSuchKey";
    e.message = "The specified key does not exist.";
    return api_fail(e);
  }
  auto bytes = m_blobs.get(hex);
  if (!bytes) return api_fail(from_error(bytes.error()));
  HttpResponse response;
  response.status = 200;
  response.body = std::move(*bytes);
  response.content_type = "application/zip";
  return response;
}

}  // namespace lcd::local
