#include "local/iam/stack_provisioner.hpp"

#include <algorithm>

#include "local/iam/iam_params.hpp"
#include "util/strings.hpp"

namespace lcd::local::iam {
namespace {

constexpr int k_all = 1000;

bool contains_nocase(const std::vector<std::string>& names, const std::string& name) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return iequals(n, name); });
}

bool is_not_found(const ApiError& e) { return e.status == 404; }

}  // namespace

ApiResult<void> StackProvisioner::converge_policies(const std::string& account_id, const IamRoleSpec& spec) {
  IamStore& store = m_iam.store();
  auto inline_now = store.list_role_policies(account_id, spec.name, "", k_all);
  if (!inline_now) return api_fail(inline_now.error());
  std::vector<std::string> wanted;
  for (const auto& [name, document] : spec.inline_policies) wanted.push_back(name);
  for (const auto& name : inline_now->items) {
    if (contains_nocase(wanted, name)) continue;
    if (auto ok = store.delete_role_policy(account_id, spec.name, name); !ok) return ok;
  }
  for (const auto& [name, document] : spec.inline_policies) {
    if (auto ok = m_iam.put_role_policy(account_id, spec.name, name, document); !ok) return ok;
  }
  auto attached_now = store.list_attached_role_policies(account_id, spec.name, "", k_all);
  if (!attached_now) return api_fail(attached_now.error());
  for (const auto& arn : attached_now->items) {
    if (std::find(spec.managed_policy_arns.begin(), spec.managed_policy_arns.end(), arn) !=
        spec.managed_policy_arns.end()) {
      continue;
    }
    if (auto ok = store.detach_role_policy(account_id, spec.name, arn); !ok) return ok;
  }
  for (const auto& arn : spec.managed_policy_arns) {
    if (auto ok = m_iam.attach_role_policy(account_id, spec.name, arn); !ok) return ok;
  }
  return {};
}

ApiResult<IamRoleIds> StackProvisioner::create_role(const std::string& account_id, const IamRoleSpec& spec) {
  NewRole input;
  input.name = spec.name;
  input.path = spec.path;
  input.trust_policy = spec.assume_role_policy;
  input.description = spec.description;
  input.max_session_duration = spec.max_session_duration;
  input.permissions_boundary = spec.permissions_boundary;
  input.tags = spec.tags;
  auto role = m_iam.create_role(account_id, input);
  if (!role) return api_fail(role.error());
  if (auto ok = converge_policies(account_id, spec); !ok) {
    (void)delete_role(account_id, spec.name);
    return api_fail(ok.error());
  }
  return IamRoleIds{role->arn(), role->role_id};
}

ApiResult<IamRoleIds> StackProvisioner::update_role(const std::string& account_id, const IamRoleSpec& spec) {
  auto current = m_iam.store().require_role(account_id, spec.name);
  if (!current) return api_fail(current.error());
  if (current->trust_policy != spec.assume_role_policy) {
    if (auto ok = m_iam.update_assume_role_policy(account_id, spec.name, spec.assume_role_policy); !ok) {
      return api_fail(ok.error());
    }
  }
  if (auto ok = check_description(spec.description, "description"); !ok) return api_fail(ok.error());
  if (auto ok = check_max_session(spec.max_session_duration); !ok) return api_fail(ok.error());
  if (auto ok = check_tags(spec.tags); !ok) return api_fail(ok.error());
  auto updated = m_iam.store().update_role(account_id, spec.name, [&](RoleRecord& role) -> ApiResult<void> {
    role.description = spec.description;
    role.max_session_duration = spec.max_session_duration;
    role.permissions_boundary = spec.permissions_boundary;
    role.tags = spec.tags;
    return {};
  });
  if (!updated) return api_fail(updated.error());
  if (auto ok = converge_policies(account_id, spec); !ok) return api_fail(ok.error());
  return IamRoleIds{updated->arn(), updated->role_id};
}

ApiResult<void> StackProvisioner::delete_role(const std::string& account_id, const std::string& name) {
  IamStore& store = m_iam.store();
  auto role = store.find_role(account_id, name);
  if (!role) return api_fail(role.error());
  if (!*role) return {};
  IamRoleSpec nothing;
  nothing.name = name;
  if (auto ok = converge_policies(account_id, nothing); !ok) return ok;
  auto deleted = store.delete_role(account_id, name);
  if (!deleted && is_not_found(deleted.error())) return {};
  return deleted;
}

ApiResult<void> StackProvisioner::put_role_policy(const std::string& account_id, const std::string& role,
                                                  const std::string& policy_name, const std::string& document) {
  return m_iam.put_role_policy(account_id, role, policy_name, document);
}

ApiResult<void> StackProvisioner::delete_role_policy(const std::string& account_id, const std::string& role,
                                                     const std::string& policy_name) {
  auto ok = m_iam.store().delete_role_policy(account_id, role, policy_name);
  if (!ok && is_not_found(ok.error())) return {};
  return ok;
}

ApiResult<void> StackProvisioner::converge_attachments(const std::string& account_id, const std::string& arn,
                                                       const std::vector<std::string>& roles) {
  IamStore& store = m_iam.store();
  auto attached = store.roles_attached_to(account_id, arn);
  if (!attached) return api_fail(attached.error());
  for (const auto& role : *attached) {
    if (contains_nocase(roles, role)) continue;
    if (auto ok = store.detach_role_policy(account_id, role, arn); !ok && !is_not_found(ok.error())) return ok;
  }
  for (const auto& role : roles) {
    if (auto ok = m_iam.attach_role_policy(account_id, role, arn); !ok) return ok;
  }
  return {};
}

ApiResult<IamManagedPolicyIds> StackProvisioner::create_managed_policy(const std::string& account_id,
                                                                       const IamManagedPolicySpec& spec) {
  NewPolicy input;
  input.name = spec.name;
  input.path = spec.path;
  input.description = spec.description;
  input.document = spec.document;
  auto policy = m_iam.create_policy(account_id, input);
  if (!policy) return api_fail(policy.error());
  if (auto ok = converge_attachments(account_id, policy->arn(), spec.roles); !ok) {
    (void)delete_managed_policy(account_id, policy->arn());
    return api_fail(ok.error());
  }
  return IamManagedPolicyIds{policy->arn(), policy->policy_id, policy->default_version};
}

ApiResult<IamManagedPolicyIds> StackProvisioner::update_managed_policy(const std::string& account_id,
                                                                       const std::string& arn,
                                                                       const IamManagedPolicySpec& spec) {
  IamStore& store = m_iam.store();
  auto policy = store.require_policy(account_id, arn);
  if (!policy) return api_fail(policy.error());
  auto current = store.get_policy_version(account_id, arn, policy->default_version);
  if (!current) return api_fail(current.error());
  if (current->document != spec.document) {
    // Make room as CloudFormation does: the oldest version that is not the default goes.
    auto versions = store.list_policy_versions(account_id, arn);
    if (!versions) return api_fail(versions.error());
    if (versions->size() >= static_cast<size_t>(IamStore::k_max_policy_versions)) {
      for (auto it = versions->rbegin(); it != versions->rend(); ++it) {
        if (it->is_default) continue;
        if (auto ok = store.delete_policy_version(account_id, arn, it->version_id); !ok) return api_fail(ok.error());
        break;
      }
    }
    auto created = m_iam.create_policy_version(account_id, arn, spec.document, true);
    if (!created) return api_fail(created.error());
  }
  if (auto ok = converge_attachments(account_id, arn, spec.roles); !ok) return api_fail(ok.error());
  auto updated = store.require_policy(account_id, arn);
  if (!updated) return api_fail(updated.error());
  return IamManagedPolicyIds{arn, updated->policy_id, updated->default_version};
}

ApiResult<void> StackProvisioner::delete_managed_policy(const std::string& account_id, const std::string& arn) {
  IamStore& store = m_iam.store();
  auto policy = store.require_policy(account_id, arn);
  if (!policy) return is_not_found(policy.error()) ? ApiResult<void>() : api_fail(policy.error());
  if (auto ok = converge_attachments(account_id, arn, {}); !ok) return ok;
  auto versions = store.list_policy_versions(account_id, arn);
  if (!versions) return api_fail(versions.error());
  for (const auto& v : *versions) {
    if (v.is_default) continue;
    if (auto ok = store.delete_policy_version(account_id, arn, v.version_id); !ok) return ok;
  }
  auto deleted = store.delete_policy(account_id, arn);
  if (!deleted && is_not_found(deleted.error())) return {};
  return deleted;
}

}  // namespace lcd::local::iam
