#pragma once
// Whether a role may be a Lambda function's execution role, asked by the Lambda service on
// CreateFunction and UpdateFunctionConfiguration and answered by IAM (implemented in
// src/local/iam; the Lambda service runs without it when IAM is not wired in).

#include <string>

#include "local/protocol/api_error.hpp"

namespace lcd::local {

class ExecutionRoleCheck {
 public:
  virtual ~ExecutionRoleCheck() = default;
  // OK when `role_arn` names a role of `account_id` whose trust policy lets lambda.amazonaws.com
  // assume it. Otherwise, under --strict-iam, 400 InvalidParameterValueException "The role defined
  // for the function cannot be assumed by Lambda."; without it OK, after a one-line warning.
  virtual ApiResult<void> check_lambda_role(const std::string& account_id, const std::string& role_arn) = 0;
};

}  // namespace lcd::local
