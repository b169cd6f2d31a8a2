#include "local/iam/lambda_role_check.hpp"

#include "local/iam/iam_identifiers.hpp"
#include "local/iam/policy_document.hpp"

namespace lcd::local::iam {

ApiResult<std::string> LambdaRoleCheck::problem(const std::string& account_id, const std::string& role_arn) {
  auto arn = parse_arn(role_arn);
  if (!arn || arn->service != "iam" || !resource_path_and_name(*arn, "role")) return std::string("is not a role ARN");
  if (arn->account != account_id) return "belongs to account " + arn->account + ", not the caller's " + account_id;
  auto role = m_iam.find_role_by_arn(role_arn);
  if (!role) return api_fail(role.error());
  if (!*role) return std::string("does not exist in account " + account_id);
  TrustRequest request{"sts:AssumeRole", {{"Service", "lambda.amazonaws.com"}}};
  if (!trust_allows((*role)->trust_policy, request)) {
    return std::string("has a trust policy that does not let lambda.amazonaws.com assume it");
  }
  return std::string();
}

ApiResult<void> LambdaRoleCheck::check_lambda_role(const std::string& account_id, const std::string& role_arn) {
  auto why = problem(account_id, role_arn);
  if (!why) {
    if (m_strict) return api_fail(why.error());
    why = "could not be looked up (" + why.error().message + ")";
  }
  if (why->empty()) return {};
  if (m_strict) {
    return api_fail(make_api_error(400, "InvalidParameterValueException",
                                   "The role defined for the function cannot be assumed by Lambda."));
  }
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    first = m_warned.insert(role_arn).second;
  }
  if (first && m_warn) {
    m_warn("warning: execution role " + role_arn + " " + *why + "; accepted (lambda-cd local --strict-iam refuses it, "
           "as AWS does)");
  }
  return {};
}

}  // namespace lcd::local::iam
