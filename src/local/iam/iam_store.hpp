#pragma once
// IAM state: roles, their inline policies and attached managed policies, customer managed
// policies and their versions — rows in the endpoint's one SQLite database (state_layout.hpp; own
// connection, synchronous=FULL), every row keyed by account, so each account has its own IAM and
// CloudFormation's IAM resources land in the same tables as the API's. Names are unique per
// account without regard to case, as IAM's are. Every check that must see a consistent state
// (exists, conflicts, quotas) runs inside the write's transaction. Errors are IAM's (ApiError).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "local/protocol/api_error.hpp"
#include "local/sqlite_db.hpp"

namespace lcd::local::iam {

using Tags = std::vector<std::pair<std::string, std::string>>;

struct RoleRecord {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string role_id;
  std::string create_date;
  std::string trust_policy;  // the document as sent (decoded JSON text)
  std::string description;
  int max_session_duration = 3600;
  std::string permissions_boundary;  // policy ARN or empty
  Tags tags;
  std::string last_used_date;        // empty until STS issues credentials for it
  std::string last_used_region;

  std::string arn() const;
};

struct ManagedPolicyRecord {
  std::string account_id;
  std::string name;
  std::string path = "/";
  std::string policy_id;
  std::string description;
  std::string default_version = "v1";
  int next_version = 2;
  std::string create_date;
  std::string update_date;
  Tags tags;
  int attachment_count = 0;  // filled by reads

  std::string arn() const;
};

struct PolicyVersionRecord {
  std::string version_id;
  std::string document;
  std::string create_date;
  bool is_default = false;
};

// One page of a listing and the marker of the next (empty when there is none).
template <class T>
struct Page {
  std::vector<T> items;
  std::string next_marker;
};

class IamStore {
 public:
  static constexpr int k_max_attached_per_role = 10;
  static constexpr int k_max_policy_versions = 5;
  static constexpr int k_max_roles_per_account = 1000;
  static constexpr int k_max_policies_per_account = 1500;

  static ApiResult<std::unique_ptr<IamStore>> open(const std::filesystem::path& state_dir);

  // Roles.
  ApiResult<void> create_role(const RoleRecord& role);  // EntityAlreadyExists, LimitExceeded
  ApiResult<std::optional<RoleRecord>> find_role(const std::string& account, const std::string& name);
  ApiResult<RoleRecord> require_role(const std::string& account, const std::string& name);  // NoSuchEntity
  // Applies `change` to the stored role inside one transaction (NoSuchEntity when absent).
  ApiResult<RoleRecord> update_role(const std::string& account, const std::string& name,
                                    const std::function<ApiResult<void>(RoleRecord&)>& change);
  // DeleteConflict while inline or attached policies remain.
  ApiResult<void> delete_role(const std::string& account, const std::string& name);
  ApiResult<Page<RoleRecord>> list_roles(const std::string& account, const std::string& path_prefix,
                                         const std::string& marker, int max_items);

  // Inline role policies. `max_total_size` bounds the role's inline policies together (IAM's
  // 10,240 characters without whitespace).
  ApiResult<void> put_role_policy(const std::string& account, const std::string& role, const std::string& name,
                                  const std::string& document);
  ApiResult<std::string> get_role_policy(const std::string& account, const std::string& role, const std::string& name);
  ApiResult<void> delete_role_policy(const std::string& account, const std::string& role, const std::string& name);
  ApiResult<Page<std::string>> list_role_policies(const std::string& account, const std::string& role,
                                                  const std::string& marker, int max_items);

  // Managed policies attached to roles (AWS managed ARNs are taken as existing).
  ApiResult<void> attach_role_policy(const std::string& account, const std::string& role, const std::string& arn);
  ApiResult<void> detach_role_policy(const std::string& account, const std::string& role, const std::string& arn);
  ApiResult<Page<std::string>> list_attached_role_policies(const std::string& account, const std::string& role,
                                                           const std::string& marker, int max_items);
  // The roles (names) a policy is attached to in `account`.
  ApiResult<std::vector<std::string>> roles_attached_to(const std::string& account, const std::string& arn);

  // Customer managed policies and their versions.
  ApiResult<void> create_policy(const ManagedPolicyRecord& policy, const std::string& document);
  ApiResult<ManagedPolicyRecord> require_policy(const std::string& account, const std::string& arn);
  ApiResult<void> update_policy(const ManagedPolicyRecord& policy);  // description-free fields: tags
  // DeleteConflict while attached or while it has versions besides the default.
  ApiResult<void> delete_policy(const std::string& account, const std::string& arn);
  // Every customer managed policy of the account, by name.
  ApiResult<std::vector<ManagedPolicyRecord>> list_policies(const std::string& account);
  // The managed policy ARNs attached to any role of the account (AWS managed ones included).
  ApiResult<std::vector<std::pair<std::string, int>>> attachment_counts(const std::string& account);
  // The new version (LimitExceeded at five versions).
  ApiResult<PolicyVersionRecord> create_policy_version(const std::string& account, const std::string& arn,
                                                       const std::string& document, bool set_default);
  ApiResult<PolicyVersionRecord> get_policy_version(const std::string& account, const std::string& arn,
                                                    const std::string& version_id);
  ApiResult<std::vector<PolicyVersionRecord>> list_policy_versions(const std::string& account, const std::string& arn);
  ApiResult<void> delete_policy_version(const std::string& account, const std::string& arn,
                                        const std::string& version_id);
  ApiResult<void> set_default_policy_version(const std::string& account, const std::string& arn,
                                             const std::string& version_id);

  // The clock's "now" in IAM's format, used for CreateDate/UpdateDate (tests may replace it).
  void set_now(std::function<std::string()> now) { m_now = std::move(now); }
  std::string now() const { return m_now(); }

 private:
  IamStore() = default;
  // Runs `body` in one transaction; its ApiError (or a database failure as ServiceFailure) is the result.
  ApiResult<void> write(const std::function<ApiResult<void>()>& body);
  ApiResult<std::vector<SqlRow>> query(const std::string& sql, const std::vector<SqlValue>& params);
  ApiResult<void> exec(const std::string& sql, const std::vector<SqlValue>& params);

  std::unique_ptr<SqliteDb> m_db;
  std::function<std::string()> m_now;
};

// AWS's NoSuchEntity texts, shared by the service and the store.
ApiError no_such_role(const std::string& name);
ApiError no_such_policy(const std::string& arn);

}  // namespace lcd::local::iam
