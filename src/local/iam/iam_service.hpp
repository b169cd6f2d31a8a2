#pragma once
// IAM on the local endpoint (query protocol, API 2010-05-08). IAM is global: requests are signed
// for us-east-1 (any region is accepted) and ARNs carry no region; every request works on its own
// account's roles and policies (RequestContext::account_id). Roles (CreateRole, GetRole, ListRoles,
// UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy, DeleteRole, TagRole, UntagRole,
// ListRoleTags, Put/DeleteRolePermissionsBoundary), inline role policies (Put/Get/Delete/
// ListRolePolicies), attached managed policies (Attach/Detach/ListAttachedRolePolicies; AWS managed
// ARNs are taken as existing), customer managed policies and their versions (Create/Get/Delete/
// ListPolicies, Create/Get/List/DeletePolicyVersion, SetDefaultPolicyVersion, TagPolicy,
// UntagPolicy, ListPolicyTags, ListEntitiesForPolicy). The typed operations below are what the API
// actions, CloudFormation's provisioning and STS share, so each check is made in one place.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "local/iam/iam_store.hpp"
#include "local/protocol/api_error.hpp"
#include "local/protocol/http_types.hpp"
#include "local/protocol/query_request.hpp"
#include "local/protocol/request_context.hpp"

namespace lcd::local::iam {

struct IamServiceOptions {
  std::filesystem::path state_dir;  // the endpoint's state (state_layout.hpp)
};

struct NewRole {
  std::string name;
  std::string path = "/";
  std::string trust_policy;
  std::string description;
  int max_session_duration = 3600;
  std::string permissions_boundary;
  Tags tags;
};

struct NewPolicy {
  std::string name;
  std::string path = "/";
  std::string description;
  std::string document;
  Tags tags;
};

class IamService final : public Service {
 public:
  static constexpr const char* k_xmlns = "https://iam.amazonaws.com/doc/2010-05-08/";

  static ApiResult<std::unique_ptr<IamService>> open(IamServiceOptions options);

  // Form-encoded POST (or GET) with Action=...; never throws.
  HttpResponse handle(const HttpRequest& request, const RequestContext& context) override;

  // The actions answered (for routing unsigned requests).
  static const std::vector<std::string>& actions();

  IamStore& store() { return *m_store; }

  // Typed operations, each with IAM's checks.
  ApiResult<RoleRecord> create_role(const std::string& account, const NewRole& role);
  ApiResult<void> update_assume_role_policy(const std::string& account, const std::string& role,
                                            const std::string& document);
  ApiResult<void> put_role_policy(const std::string& account, const std::string& role, const std::string& name,
                                  const std::string& document);
  ApiResult<void> attach_role_policy(const std::string& account, const std::string& role, const std::string& arn);
  ApiResult<ManagedPolicyRecord> create_policy(const std::string& account, const NewPolicy& policy);
  ApiResult<PolicyVersionRecord> create_policy_version(const std::string& account, const std::string& arn,
                                                       const std::string& document, bool set_default);
  // The role a role ARN names (its path must match too), or nullopt.
  ApiResult<std::optional<RoleRecord>> find_role_by_arn(const std::string& arn);

 private:
  struct Reply {
    std::string xml;     // inner XML of <{Action}Result>
    bool empty = false;  // the action has no output: no Result element
  };
  using Action = ApiResult<Reply> (IamService::*)(const QueryRequest& q, const std::string& account);

  explicit IamService(IamServiceOptions options) : m_options(std::move(options)) {}
  static const std::vector<std::pair<std::string, Action>>& action_table();

  ApiResult<void> check_trust_policy(const std::string& account, const std::string& document);
  ApiResult<void> check_managed_policy_arn(const std::string& account, const std::string& arn);

  // Roles (role_actions.cpp).
  ApiResult<Reply> create_role_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> get_role_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> list_roles_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> update_role_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> update_role_description_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> update_assume_role_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> delete_role_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> tag_role_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> untag_role_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> list_role_tags_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> put_role_permissions_boundary_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> delete_role_permissions_boundary_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> put_role_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> get_role_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> delete_role_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> list_role_policies_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> attach_role_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> detach_role_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> list_attached_role_policies_action(const QueryRequest& q, const std::string& account);

  // Managed policies (policy_actions.cpp).
  ApiResult<Reply> create_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> get_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> delete_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> list_policies_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> create_policy_version_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> get_policy_version_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> list_policy_versions_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> delete_policy_version_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> set_default_policy_version_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> tag_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> untag_policy_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> list_policy_tags_action(const QueryRequest& q, const std::string& account);
  ApiResult<Reply> list_entities_for_policy_action(const QueryRequest& q, const std::string& account);
  // A customer managed policy of `account`, or an AWS managed one (AttachmentCount from `account`).
  ApiResult<ManagedPolicyRecord> any_policy(const std::string& account, const std::string& arn);

  IamServiceOptions m_options;
  std::unique_ptr<IamStore> m_store;
};

}  // namespace lcd::local::iam
