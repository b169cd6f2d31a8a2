#pragma once
// AWS managed policies (arn:aws:iam::aws:policy/...): every account may attach any of them, and
// the endpoint takes any such ARN as existing. A few that Lambda functions commonly use are known
// with their documents, so GetPolicy/GetPolicyVersion/ListPolicies can show them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lcd::local::iam {

// What CreateDate/UpdateDate say for AWS managed policies: a fixed date, since the endpoint does not
// know when AWS created or last changed them. Their one version here is "v1".
inline constexpr const char* k_aws_managed_policy_date = "2015-04-09T15:03:43Z";

struct AwsManagedPolicy {
  std::string arn;
  std::string name;
  std::string path;
  std::string description;
  std::string document;  // JSON text
};

// The known ones, by name.
const std::vector<AwsManagedPolicy>& known_aws_managed_policies();
std::optional<AwsManagedPolicy> find_aws_managed_policy(std::string_view arn);

}  // namespace lcd::local::iam
