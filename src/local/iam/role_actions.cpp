// IAM's role actions: roles, their tags and boundary, inline policies and attached managed policies.
#include "local/iam/aws_managed_policies.hpp"
#include "local/iam/iam_errors.hpp"
#include "local/iam/iam_identifiers.hpp"
#include "local/iam/iam_params.hpp"
#include "local/iam/iam_service.hpp"
#include "local/iam/iam_xml.hpp"
#include "util/strings.hpp"

namespace lcd::local::iam {
namespace {

void write_marker(XmlWriter& x, const std::string& next_marker) {
  x.leaf("IsTruncated", next_marker.empty() ? "false" : "true");
  if (!next_marker.empty()) x.leaf("Marker", next_marker);
}

ApiResult<int> session_duration_param(const QueryRequest& q, int fallback) {
  auto n = integer_param(q.get("MaxSessionDuration"), "maxSessionDuration", 3600, 43200, fallback);
  if (!n) return api_fail(n.error());
  return static_cast<int>(*n);
}

}  // namespace

ApiResult<IamService::Reply> IamService::create_role_action(const QueryRequest& q, const std::string& account) {
  NewRole input;
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  auto trust = required_param(q, "AssumeRolePolicyDocument", "assumeRolePolicyDocument");
  if (!trust) return api_fail(trust.error());
  auto duration = session_duration_param(q, 3600);
  if (!duration) return api_fail(duration.error());
  auto tags = tags_param(q);
  if (!tags) return api_fail(tags.error());
  input.name = *name;
  input.trust_policy = *trust;
  if (q.has("Path")) input.path = q.get("Path");
  input.description = q.get("Description");
  input.max_session_duration = *duration;
  input.permissions_boundary = q.get("PermissionsBoundary");
  input.tags = *tags;
  auto role = create_role(account, input);
  if (!role) return api_fail(role.error());
  XmlWriter x;
  write_role(x, *role, RoleView::created);
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::get_role_action(const QueryRequest& q, const std::string& account) {
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  auto role = m_store->require_role(account, *name);
  if (!role) return api_fail(role.error());
  XmlWriter x;
  write_role(x, *role, RoleView::full);
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::list_roles_action(const QueryRequest& q, const std::string& account) {
  auto max_items = max_items_param(q);
  if (!max_items) return api_fail(max_items.error());
  std::string prefix = q.has("PathPrefix") ? q.get("PathPrefix") : "/";
  auto page = m_store->list_roles(account, prefix, q.get("Marker"), *max_items);
  if (!page) return api_fail(page.error());
  XmlWriter x;
  x.open("Roles");
  for (const auto& role : page->items) write_role(x, role, RoleView::listing, "member");
  x.close("Roles");
  write_marker(x, page->next_marker);
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::update_role_action(const QueryRequest& q, const std::string& account) {
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  std::string description = q.get("Description");
  if (auto ok = check_description(description, "description"); !ok) return api_fail(ok.error());
  auto duration = session_duration_param(q, 0);
  if (!duration) return api_fail(duration.error());
  auto updated = m_store->update_role(account, *name, [&](RoleRecord& role) -> ApiResult<void> {
    if (q.has("Description")) role.description = description;
    if (*duration != 0) role.max_session_duration = *duration;
    return {};
  });
  if (!updated) return api_fail(updated.error());
  return Reply{""};
}

ApiResult<IamService::Reply> IamService::update_role_description_action(const QueryRequest& q,
                                                                        const std::string& account) {
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  auto description = required_param(q, "Description", "description");
  if (!description) return api_fail(description.error());
  if (auto ok = check_description(*description, "description"); !ok) return api_fail(ok.error());
  auto updated = m_store->update_role(account, *name, [&](RoleRecord& role) -> ApiResult<void> {
    role.description = *description;
    return {};
  });
  if (!updated) return api_fail(updated.error());
  XmlWriter x;
  write_role(x, *updated, RoleView::full);
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::update_assume_role_policy_action(const QueryRequest& q,
                                                                          const std::string& account) {
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  auto document = required_param(q, "PolicyDocument", "policyDocument");
  if (!document) return api_fail(document.error());
  if (auto ok = update_assume_role_policy(account, *name, *document); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::delete_role_action(const QueryRequest& q, const std::string& account) {
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  if (auto ok = m_store->delete_role(account, *name); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::tag_role_action(const QueryRequest& q, const std::string& account) {
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  auto tags = tags_param(q);
  if (!tags) return api_fail(tags.error());
  auto updated = m_store->update_role(account, *name, [&](RoleRecord& role) -> ApiResult<void> {
    for (const auto& [key, value] : *tags) {
      bool replaced = false;
      for (auto& existing : role.tags) {
        if (iequals(existing.first, key)) {
          existing = {key, value};
          replaced = true;
        }
      }
      if (!replaced) role.tags.emplace_back(key, value);
    }
    if (role.tags.size() > 50) return api_fail(limit_exceeded("Cannot exceed quota for TagsPerRole: 50"));
    return {};
  });
  if (!updated) return api_fail(updated.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::untag_role_action(const QueryRequest& q, const std::string& account) {
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  auto keys = q.list("TagKeys");
  auto updated = m_store->update_role(account, *name, [&](RoleRecord& role) -> ApiResult<void> {
    Tags kept;
    for (const auto& tag : role.tags) {
      bool removed = false;
      for (const auto& key : keys) removed = removed || iequals(tag.first, key);
      if (!removed) kept.push_back(tag);
    }
    role.tags = std::move(kept);
    return {};
  });
  if (!updated) return api_fail(updated.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::list_role_tags_action(const QueryRequest& q, const std::string& account) {
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  auto role = m_store->require_role(account, *name);
  if (!role) return api_fail(role.error());
  XmlWriter x;
  write_tags(x, role->tags);
  x.leaf("IsTruncated", "false");
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::put_role_permissions_boundary_action(const QueryRequest& q,
                                                                              const std::string& account) {
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  auto arn = required_param(q, "PermissionsBoundary", "permissionsBoundary");
  if (!arn) return api_fail(arn.error());
  if (auto ok = check_managed_policy_arn(account, *arn); !ok) return api_fail(ok.error());
  auto updated = m_store->update_role(account, *name, [&](RoleRecord& role) -> ApiResult<void> {
    role.permissions_boundary = *arn;
    return {};
  });
  if (!updated) return api_fail(updated.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::delete_role_permissions_boundary_action(const QueryRequest& q,
                                                                                 const std::string& account) {
  auto name = required_param(q, "RoleName", "roleName");
  if (!name) return api_fail(name.error());
  auto updated = m_store->update_role(account, *name, [&](RoleRecord& role) -> ApiResult<void> {
    role.permissions_boundary.clear();
    return {};
  });
  if (!updated) return api_fail(updated.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::put_role_policy_action(const QueryRequest& q, const std::string& account) {
  auto role = required_param(q, "RoleName", "roleName");
  if (!role) return api_fail(role.error());
  auto name = required_param(q, "PolicyName", "policyName");
  if (!name) return api_fail(name.error());
  auto document = required_param(q, "PolicyDocument", "policyDocument");
  if (!document) return api_fail(document.error());
  if (auto ok = put_role_policy(account, *role, *name, *document); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::get_role_policy_action(const QueryRequest& q, const std::string& account) {
  auto role = required_param(q, "RoleName", "roleName");
  if (!role) return api_fail(role.error());
  auto name = required_param(q, "PolicyName", "policyName");
  if (!name) return api_fail(name.error());
  auto found = m_store->require_role(account, *role);
  if (!found) return api_fail(found.error());
  auto document = m_store->get_role_policy(account, *role, *name);
  if (!document) return api_fail(document.error());
  XmlWriter x;
  x.leaf("RoleName", found->name).leaf("PolicyName", *name).leaf("PolicyDocument", encode_policy_document(*document));
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::delete_role_policy_action(const QueryRequest& q, const std::string& account) {
  auto role = required_param(q, "RoleName", "roleName");
  if (!role) return api_fail(role.error());
  auto name = required_param(q, "PolicyName", "policyName");
  if (!name) return api_fail(name.error());
  if (auto ok = m_store->delete_role_policy(account, *role, *name); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::list_role_policies_action(const QueryRequest& q, const std::string& account) {
  auto role = required_param(q, "RoleName", "roleName");
  if (!role) return api_fail(role.error());
  auto max_items = max_items_param(q);
  if (!max_items) return api_fail(max_items.error());
  auto page = m_store->list_role_policies(account, *role, q.get("Marker"), *max_items);
  if (!page) return api_fail(page.error());
  XmlWriter x;
  x.open("PolicyNames");
  for (const auto& name : page->items) x.leaf("member", name);
  x.close("PolicyNames");
  write_marker(x, page->next_marker);
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::attach_role_policy_action(const QueryRequest& q, const std::string& account) {
  auto role = required_param(q, "RoleName", "roleName");
  if (!role) return api_fail(role.error());
  auto arn = required_param(q, "PolicyArn", "policyArn");
  if (!arn) return api_fail(arn.error());
  if (auto ok = attach_role_policy(account, *role, *arn); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::detach_role_policy_action(const QueryRequest& q, const std::string& account) {
  auto role = required_param(q, "RoleName", "roleName");
  if (!role) return api_fail(role.error());
  auto arn = required_param(q, "PolicyArn", "policyArn");
  if (!arn) return api_fail(arn.error());
  if (auto ok = m_store->detach_role_policy(account, *role, *arn); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::list_attached_role_policies_action(const QueryRequest& q,
                                                                            const std::string& account) {
  auto role = required_param(q, "RoleName", "roleName");
  if (!role) return api_fail(role.error());
  auto max_items = max_items_param(q);
  if (!max_items) return api_fail(max_items.error());
  auto page = m_store->list_attached_role_policies(account, *role, q.get("Marker"), *max_items);
  if (!page) return api_fail(page.error());
  std::string prefix = q.get("PathPrefix");
  XmlWriter x;
  x.open("AttachedPolicies");
  for (const auto& arn : page->items) {
    auto parsed = parse_arn(arn);
    auto pn = parsed ? resource_path_and_name(*parsed, "policy") : std::nullopt;
    if (!pn) continue;
    if (!prefix.empty() && !starts_with(pn->path, prefix)) continue;
    x.open("member").leaf("PolicyName", pn->name).leaf("PolicyArn", arn).close("member");
  }
  x.close("AttachedPolicies");
  write_marker(x, page->next_marker);
  return Reply{x.str()};
}

}  // namespace lcd::local::iam
