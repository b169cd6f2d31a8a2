#pragma once
// IAM's answer to "may this role be a Lambda function's execution role" (execution_role_check.hpp):
// the role must exist in the caller's account and its trust policy must let lambda.amazonaws.com
// call sts:AssumeRole. Strict (`lambda-cd local --strict-iam`) refuses any other role as AWS
// does; otherwise the role is accepted and `warn` hears one line per role the first time.

#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "local/execution_role_check.hpp"
#include "local/iam/iam_service.hpp"

namespace lcd::local::iam {

class LambdaRoleCheck final : public ExecutionRoleCheck {
 public:
  LambdaRoleCheck(IamService& iam, bool strict, std::function<void(const std::string&)> warn)
      : m_iam(iam), m_strict(strict), m_warn(std::move(warn)) {}

  ApiResult<void> check_lambda_role(const std::string& account_id, const std::string& role_arn) override;

 private:
  // Why `role_arn` cannot serve, or "" when it can.
  ApiResult<std::string> problem(const std::string& account_id, const std::string& role_arn);

  IamService& m_iam;
  bool m_strict;
  std::function<void(const std::string&)> m_warn;
  std::mutex m_mutex;
  std::set<std::string> m_warned;  // role ARNs already warned about
};

}  // namespace lcd::local::iam
