// Reserved concurrency (Put/Get/DeleteFunctionConcurrency), account settings and the code
// storage limit (aws-api-notes-2 §18.1). The execution engine enforces the reservations; the
// limits reported here are the ones it enforces.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "local/function_name.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_validation.hpp"

namespace lcd::local {

using nlohmann::json;

namespace {

// What must stay unreserved: 100, or the whole limit on accounts with less (AWS reports [10] and
// [50] on such accounts).
int64_t minimum_unreserved(int64_t limit) { return std::min<int64_t>(100, limit); }

ApiError functions_only() {
  return invalid_parameter(
      "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. "
      "Please specify either a function name or an unqualified function ARN.");
}

}  // namespace

ApiResult<void> LambdaApi::check_code_storage(const Scope& scope, int64_t added_bytes) {
  if (added_bytes <= 0) return {};
  auto total = m_store.total_code_size(scope);
  if (!total) return api_fail(from_error(total.error()));
  if (*total + added_bytes <= m_options.code_storage_limit) return {};
  ApiError e;
  e.status = 400;
  e.code = "CodeStorageExceededException";
  e.message = "Code storage limit exceeded.";
  return api_fail(e);
}

LambdaApi::Reply LambdaApi::put_function_concurrency(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  Violations violations;
  if (!body->contains("ReservedConcurrentExecutions") || (*body)["ReservedConcurrentExecutions"].is_null()) {
    violations.add_null("reservedConcurrentExecutions");
  } else if (!(*body)["ReservedConcurrentExecutions"].is_number_integer()) {
    return api_fail(invalid_parameter("Invalid type for parameter ReservedConcurrentExecutions"));
  } else if ((*body)["ReservedConcurrentExecutions"].get<int64_t>() < 0) {
    violations.add(java_text((*body)["ReservedConcurrentExecutions"]), "reservedConcurrentExecutions",
                   "Member must have value greater than or equal to 0");
  }
  if (!violations.empty()) return api_fail(violations.error());
  if (!ref->qualifier.empty()) return api_fail(functions_only());
  const int64_t wanted = (*body)["ReservedConcurrentExecutions"].get<int64_t>();
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<json> {
    // Recorded from AWS (2025): a missing function is named as $LATEST here.
    auto row = require_function(scope, ref->name, "$LATEST");
    if (!row) return api_fail(row.error());
    auto others = m_store.total_reserved_concurrency(scope, ref->name);
    if (!others) return api_fail(from_error(others.error()));
    const int64_t limit = m_options.concurrency_limit;
    if (limit - (*others + wanted) < minimum_unreserved(limit)) {
      return api_fail(invalid_parameter(
          "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
          "below its minimum value of [" + std::to_string(minimum_unreserved(limit)) + "]."));
    }
    row->reserved_concurrency = wanted;
    if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    return json{{"ReservedConcurrentExecutions", wanted}};
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

LambdaApi::Reply LambdaApi::get_function_concurrency(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  if (!ref->qualifier.empty()) return api_fail(functions_only());
  const Scope scope = call.scope;
  auto result = m_store.read([&]() -> ApiResult<json> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    if (row->reserved_concurrency < 0) return json::object();
    return json{{"ReservedConcurrentExecutions", row->reserved_concurrency}};
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

LambdaApi::Reply LambdaApi::delete_function_concurrency(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  if (!ref->qualifier.empty()) return api_fail(functions_only());
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<bool> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    if (row->reserved_concurrency < 0) return false;
    row->reserved_concurrency = -1;
    if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    return true;
  });
  if (!result) return api_fail(result.error());
  return empty_response(204);
}

LambdaApi::Reply LambdaApi::get_account_settings(Call& call) {
  const Scope scope = call.scope;
  struct Usage {
    int64_t code_size = 0;
    int64_t functions = 0;
    int64_t reserved = 0;
  };
  auto usage = m_store.read([&]() -> Result<Usage> {
    Usage u;
    auto total = m_store.total_code_size(scope);
    if (!total) return fail(total.error());
    auto count = m_store.count_functions(scope);
    if (!count) return fail(count.error());
    auto reserved = m_store.total_reserved_concurrency(scope);
    if (!reserved) return fail(reserved.error());
    u.code_size = *total;
    u.functions = *count;
    u.reserved = *reserved;
    return u;
  });
  if (!usage) return api_fail(from_error(usage.error()));
  const int64_t limit = m_options.concurrency_limit;
  json body{{"AccountLimit",
             {{"TotalCodeSize", m_options.code_storage_limit},
              {"CodeSizeUnzipped", k_max_unzipped_bytes},
              {"CodeSizeZipped", k_max_zipped_bytes},
              {"ConcurrentExecutions", limit},
              {"UnreservedConcurrentExecutions", limit - usage->reserved}}},
            {"AccountUsage", {{"TotalCodeSize", usage->code_size}, {"FunctionCount", usage->functions}}}};
  return json_response(200, body);
}

}  // namespace lcd::local
