#include "pipeline/function_role.hpp"

#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {

bool role_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("+=,.@_-").find(c) != std::string_view::npos;
}

}  // namespace

bool is_arn(std::string_view text) { return starts_with(text, "arn:"); }

std::string role_problem(std::string_view role) {
  if (is_arn(role)) {
    return split(role, ':').size() >= 6 ? "" : "is not a role ARN (arn:aws:iam::<account>:role/<name>)";
  }
  if (role.empty()) return "is empty";
  auto segments = split(role, '/');
  for (const auto& segment : segments) {
    if (segment.empty()) return "has an empty path segment";
    for (char c : segment) {
      if (!role_name_char(c)) {
        return std::string("has '") + c + "': a role name has only letters, digits and +=,.@_- (or use the role's ARN)";
      }
    }
  }
  if (segments.back().size() > 64) return "is longer than IAM's 64 characters for a role name";
  return "";
}

std::string role_arn(std::string_view name, const clients::CallerIdentity& caller) {
  std::string partition = "aws";
  auto parts = split(caller.arn, ':');
  if (parts.size() > 2 && parts[0] == "arn" && !parts[1].empty()) partition = parts[1];
  return "arn:" + partition + ":iam::" + caller.account + ":role/" + std::string(name);
}

Result<std::string> resolve_role(const std::string& role, clients::StsClient& sts) {
  if (is_arn(role)) return role;
  auto caller = sts.get_caller_identity();
  if (!caller) {
    Error e = caller.error();
    e.message = "cannot make the ARN of role '" + role + "' without the account (STS GetCallerIdentity): " + e.message;
    return fail(std::move(e));
  }
  return role_arn(role, *caller);
}

}  // namespace lcd::pipeline
