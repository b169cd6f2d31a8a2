#pragma once
// IAM policy documents: the checks IAM makes before storing one (answering
// MalformedPolicyDocument in IAM's words), their size as IAM counts it, and the evaluation of a
// role's trust policy for "may this principal assume the role". Pure.
//
// Trust evaluation reads Effect, Action/NotAction and Principal; Condition blocks are not
// evaluated (a statement with conditions counts as matching), NotPrincipal never allows.

#include <string>
#include <string_view>
#include <vector>

#include "local/protocol/api_error.hpp"

namespace lcd::local::iam {

enum class PolicyKind {
  identity,  // inline and managed policies: Action and Resource, no Principal
  trust,     // a role's AssumeRolePolicyDocument: Principal and sts: actions, no Resource
  session,   // a session policy passed to AssumeRole: as identity
};

// OK, or 400 MalformedPolicyDocument with the message IAM gives for the first problem found.
ApiResult<void> validate_policy_document(std::string_view document, PolicyKind kind);

// Characters IAM counts against its size quotas: every character except whitespace.
size_t policy_size(std::string_view document);

// Someone asking to assume a role: the principals they are (any may match a statement) and the
// action they call.
struct TrustRequest {
  std::string action;  // "sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"
  // Principal type -> values: ("Service", "lambda.amazonaws.com"), ("AWS", "arn:aws:iam::1:root"),
  // ("AWS", "111122223333"), ("Federated", "accounts.google.com"). "*" in a statement matches all.
  std::vector<std::pair<std::string, std::string>> principals;
};

// True when an Allow statement matches the action and one of the principals and no Deny statement does.
bool trust_allows(std::string_view trust_policy, const TrustRequest& request);

// Every ("AWS", value) principal a trust policy names (for checking that same-account roles exist).
std::vector<std::string> aws_principals(std::string_view trust_policy);

// IAM's wildcard match (* and ?), case-insensitive as IAM compares actions.
bool action_matches(std::string_view pattern, std::string_view action);

}  // namespace lcd::local::iam
