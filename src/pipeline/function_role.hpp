#pragma once
// [function] role as an ARN or as a role name: a name (optionally with a path, "service-role/x")
// becomes arn:<partition>:iam::<account>:role/<name> for the account and partition the credentials
// belong to (STS GetCallerIdentity), so one lambda-cd.toml works in every account.

#include <string>
#include <string_view>

#include "clients/sts_client.hpp"
#include "util/result.hpp"

namespace lcd::pipeline {

bool is_arn(std::string_view text);

// "" when `role` is an ARN or a valid role name (IAM: 1-64 of [A-Za-z0-9+=,.@_-], after an optional
// path of such segments); otherwise why it is neither.
std::string role_problem(std::string_view role);

// `role` unchanged when it is an ARN (no call); otherwise the ARN of that role name in the
// caller's account and partition.
Result<std::string> resolve_role(const std::string& role, clients::StsClient& sts);

// arn:<partition>:iam::<account>:role/<name>, the partition taken from `caller_arn`.
std::string role_arn(std::string_view name, const clients::CallerIdentity& caller);

}  // namespace lcd::pipeline
