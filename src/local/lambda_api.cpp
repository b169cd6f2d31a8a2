#include "local/lambda_api.hpp"

#include <nlohmann/json.hpp>

#include "local/function_name.hpp"
#include "local/lambda_routes.hpp"
#include "local/lambda_validation.hpp"
#include "util/crypto.hpp"
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
  return is_lambda_api_path(raw_path) || starts_with(raw_path, "/_lambda-cd/code/");
}

HttpResponse LambdaApi::handle(const HttpRequest& request, const RequestContext& context) {
  Call call{request, context, {}, Scope{context.account_id, context.region}};
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
  if (s.size() == 3 && s[0] == "_lambda-cd" && s[1] == "code" && method == "GET") return download_code(call, s[2]);
  auto route = match_lambda_route(method, s, call.request);
  if (!route) {
    ApiError e;
    e.status = 404;
    e.code = "UnknownOperationException";
    e.message = "Unknown operation " + method + " " + call.request.raw_path;
    return api_fail(e);
  }
  const std::string_view op = route->operation;
  const std::string& fn = route->label("FunctionName");
  if (op == "CreateFunction") return create_function(call);
  if (op == "ListFunctions") return list_functions(call);
  if (op == "GetFunction") return get_function(call, fn, false);
  if (op == "GetFunctionConfiguration") return get_function(call, fn, true);
  if (op == "DeleteFunction") return delete_function(call, fn);
  if (op == "UpdateFunctionCode") return update_function_code(call, fn);
  if (op == "UpdateFunctionConfiguration") return update_function_configuration(call, fn);
  if (op == "PublishVersion") return publish_version(call, fn);
  if (op == "ListVersionsByFunction") return list_versions(call, fn);
  if (op == "CreateAlias") return create_alias(call, fn);
  if (op == "ListAliases") return list_aliases(call, fn);
  if (op == "GetAlias") return get_alias(call, fn, route->label("Name"));
  if (op == "UpdateAlias") return update_alias(call, fn, route->label("Name"));
  if (op == "DeleteAlias") return delete_alias(call, fn, route->label("Name"));
  if (op == "Invoke") return invoke(call, fn, false);
  if (op == "InvokeAsync") return invoke(call, fn, true);
  if (op == "TagResource") return tag_resource(call, route->label("Resource"));
  if (op == "UntagResource") return untag_resource(call, route->label("Resource"));
  if (op == "ListTags") return list_tags(call, route->label("Resource"));
  if (op == "AddPermission") return add_permission(call, fn);
  if (op == "RemovePermission") return remove_permission(call, fn, route->label("StatementId"));
  if (op == "GetPolicy") return get_policy(call, fn);
  if (op == "PutFunctionConcurrency") return put_function_concurrency(call, fn);
  if (op == "GetFunctionConcurrency") return get_function_concurrency(call, fn);
  if (op == "DeleteFunctionConcurrency") return delete_function_concurrency(call, fn);
  if (op == "GetAccountSettings") return get_account_settings(call);
  // Our choice (aws-api-notes-2 §18.4): 501 is retried by no SDK and names what is missing.
  ApiError e;
  e.status = 501;
  e.code = "NotImplementedException";
  e.message = std::string(op) + " is not implemented by the local endpoint";
  return api_fail(e);
}

int64_t LambdaApi::now_ms() const { return to_epoch_ms(m_clock.now()); }

std::string LambdaApi::now_lambda_time() const { return format_lambda_time(m_clock.now()); }

int64_t LambdaApi::busy_window_ms() {
  int64_t delay = m_options.update_delay_ms;
  if (m_faults) delay += m_faults->extra_update_delay_ms();
  return delay;
}

std::string LambdaApi::new_revision() { return random_uuid(); }

ApiResult<json> LambdaApi::parse_body(const HttpRequest& request) const {
  if (request.body.empty()) return json::object();
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    ApiError e = invalid_parameter("Could not parse request body into json: the request body is not a JSON object");
    return api_fail(e);
  }
  return body;
}

ApiResult<FunctionRef> LambdaApi::function_ref(const Call& call, const std::string& text, NameShape shape) {
  Violations violations;
  if (text.size() > function_name_max_length(shape)) {
    violations.add(text, "functionName",
                   "Member must have length less than or equal to " + std::to_string(function_name_max_length(shape)));
  }
  auto ref = match_function_name(text, shape);
  if (!ref) {
    violations.add(text, "functionName",
                   "Member must satisfy regular expression pattern: " + std::string(function_name_pattern(shape)));
  }
  const bool has_qualifier = call.request.has_query_param("Qualifier");
  const std::string qualifier = call.request.query_param("Qualifier");
  if (has_qualifier) {
    if (qualifier.empty() || qualifier.size() > k_qualifier_max_length) {
      violations.add(qualifier, "qualifier",
                     qualifier.empty() ? "Member must have length greater than or equal to 1"
                                       : "Member must have length less than or equal to " +
                                             std::to_string(k_qualifier_max_length));
    }
    if (!qualifier.empty() && !matches_qualifier_pattern(qualifier)) {
      violations.add(qualifier, "qualifier",
                     "Member must satisfy regular expression pattern: " + std::string(qualifier_pattern()));
    }
  }
  if (!violations.empty()) return api_fail(violations.error());
  if (has_qualifier) {
    if (!ref->qualifier.empty() && ref->qualifier != qualifier) {
      return api_fail(
          invalid_parameter("The derived qualifier from the function name does not match the specified qualifier."));
    }
    ref->qualifier = qualifier;
  }
  // Texts recorded from AWS (2025): another region's function is not reachable; another
  // account's is AccessDeniedException without a message.
  if (!ref->region.empty() && ref->region != call.scope.region) {
    return api_fail(not_found("Functions from '" + ref->region + "' are not reachable in this region ('" +
                              call.scope.region + "')"));
  }
  if (!ref->account.empty() && ref->account != call.scope.account) {
    ApiError e;
    e.status = 403;
    e.code = "AccessDeniedException";
    e.null_message = true;
    return api_fail(e);
  }
  return std::move(*ref);
}

ApiError LambdaApi::revision_mismatch() const {
  return precondition_failed(
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve "
      "the latest Revision Id");
}

ApiResult<void> LambdaApi::check_not_busy(const FunctionRow& row) {
  int64_t now = now_ms();
  if (now < row.busy_until_ms && row.creating) {
    return api_fail(conflict(
        "The operation cannot be performed at this time. The function is currently in the following state: Pending"));
  }
  if (now < row.busy_until_ms || (m_faults && m_faults->next_conflict())) {
    return api_fail(conflict("The operation cannot be performed at this time. An update is in progress for resource: " +
                             function_arn(row.region, row.account, row.name)));
  }
  return {};
}

ApiResult<FunctionRow> LambdaApi::require_function(const Scope& scope, const std::string& name,
                                                   const std::string& qualifier) {
  auto row = m_store.get_function(scope, name);
  if (!row) return api_fail(from_error(row.error()));
  if (!*row) {
    std::string arn = qualifier.empty() ? function_arn(scope.region, scope.account, name)
                                        : qualified_arn(scope.region, scope.account, name, qualifier);
    return api_fail(not_found("Function not found: " + arn));
  }
  return std::move(**row);
}

HttpResponse LambdaApi::json_response(int status, const json& body) const {
  HttpResponse response;
  response.status = status;
  response.body = body.dump();
  response.content_type = "application/json";
  return response;
}

HttpResponse LambdaApi::empty_response(int status) {
  HttpResponse response;
  response.status = status;
  response.content_type.clear();
  return response;
}

double LambdaApi::random_unit() {
  std::lock_guard lock(m_rng_mutex);
  return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng);
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
