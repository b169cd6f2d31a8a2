#pragma once
// The names IAM and STS give things: unique ids with AWS's type prefixes (AROA role, ANPA policy,
// ASIA temporary access key, ...), IAM ARNs (global: no region) and their parsing, and IAM's
// second-precision timestamps. Pure except for the random ids.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace lcd::local::iam {

// `prefix` followed by random characters of AWS's id alphabet (A-Z, 2-7) up to `length` in total.
// Roles, policies and users have 21-character ids, access keys 20.
std::string unique_id(std::string_view prefix, size_t length = 21);
// The same shape derived from `seed` (stable: the same seed gives the same id).
std::string derived_id(std::string_view prefix, std::string_view seed, size_t length = 21);
// `bytes` random bytes, base64-encoded (secret access keys: 30 bytes -> 40 characters; session tokens).
std::string random_base64(size_t bytes);

struct Arn {
  std::string partition;  // "aws"
  std::string service;    // "iam", "sts"
  std::string region;     // empty for IAM
  std::string account;    // 12 digits, or "aws" for AWS managed policies
  std::string resource;   // "role/path/name", "policy/name", "assumed-role/role/session"
};

// "arn:partition:service:region:account:resource"; nullopt when it has fewer parts or an empty
// partition, service or resource.
std::optional<Arn> parse_arn(std::string_view text);

// A role or policy ARN split into its path ("/" or "/a/b/") and name.
struct PathAndName {
  std::string path;
  std::string name;
};
// From an ARN's resource after the type: "role/a/b/name" with type "role" -> {"/a/b/", "name"}.
std::optional<PathAndName> resource_path_and_name(const Arn& arn, std::string_view type);

std::string role_arn(std::string_view account, std::string_view path, std::string_view name);
std::string policy_arn(std::string_view account, std::string_view path, std::string_view name);
std::string user_arn(std::string_view account, std::string_view path, std::string_view name);
std::string root_arn(std::string_view account);
std::string assumed_role_arn(std::string_view account, std::string_view role_name, std::string_view session);

// "arn:aws:iam::aws:policy/..." (AWS managed policies exist in every account).
bool is_aws_managed_policy_arn(std::string_view arn);

// Twelve decimal digits.
bool is_account_id(std::string_view text);

// "2026-11-26T12:00:00Z": IAM CreateDate and STS Expiration.
std::string format_iam_time(std::chrono::system_clock::time_point t);

}  // namespace lcd::local::iam
