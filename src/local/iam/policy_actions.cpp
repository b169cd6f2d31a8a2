// IAM's managed policy actions: customer managed policies, their versions and tags, and the AWS
// managed policies every account sees.
#include <algorithm>
#include <charconv>

#include "local/iam/aws_managed_policies.hpp"
#include "local/iam/iam_errors.hpp"
#include "local/iam/iam_identifiers.hpp"
#include "local/iam/iam_params.hpp"
#include "local/iam/iam_service.hpp"
#include "local/iam/iam_xml.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::iam {
namespace {

ApiResult<std::string> policy_arn_param(const QueryRequest& q) {
  auto arn = required_param(q, "PolicyArn", "policyArn");
  if (!arn) return api_fail(arn.error());
  auto parsed = parse_arn(*arn);
  if (!parsed || parsed->service != "iam" || !resource_path_and_name(*parsed, "policy")) {
    return api_fail(invalid_input("ARN " + *arn + " is not valid."));
  }
  return *arn;
}

ApiResult<std::string> version_id_param(const QueryRequest& q) {
  auto id = required_param(q, "VersionId", "versionId");
  if (!id) return api_fail(id.error());
  bool ok = id->size() >= 2 && (*id)[0] == 'v' && (*id)[1] >= '1' && (*id)[1] <= '9';
  for (size_t i = 2; ok && i < id->size(); ++i) ok = (*id)[i] >= '0' && (*id)[i] <= '9';
  if (!ok) {
    return api_fail(constraint_error(*id, "versionId",
                                     "Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?"));
  }
  return *id;
}

// Listing pages over an in-memory list: the marker is the index of the next item.
struct Window {
  size_t begin = 0;
  size_t end = 0;
  std::string next_marker;
};

ApiResult<Window> window(size_t total, const std::string& marker, int max_items) {
  Window w;
  if (!marker.empty()) {
    auto decoded = base64_decode(marker);
    size_t index = 0;
    if (!decoded) return api_fail(invalid_input("Invalid Marker."));
    auto [end, ec] = std::from_chars(decoded->data(), decoded->data() + decoded->size(), index);
    if (ec != std::errc() || end != decoded->data() + decoded->size()) return api_fail(invalid_input("Invalid Marker."));
    w.begin = std::min(index, total);
  }
  w.end = std::min(total, w.begin + static_cast<size_t>(max_items));
  if (w.end < total) w.next_marker = base64_encode(std::to_string(w.end));
  return w;
}

void write_marker(XmlWriter& x, const std::string& next_marker) {
  x.leaf("IsTruncated", next_marker.empty() ? "false" : "true");
  if (!next_marker.empty()) x.leaf("Marker", next_marker);
}

}  // namespace

ApiResult<IamService::Reply> IamService::create_policy_action(const QueryRequest& q, const std::string& account) {
  auto name = required_param(q, "PolicyName", "policyName");
  if (!name) return api_fail(name.error());
  auto document = required_param(q, "PolicyDocument", "policyDocument");
  if (!document) return api_fail(document.error());
  auto tags = tags_param(q);
  if (!tags) return api_fail(tags.error());
  NewPolicy input;
  input.name = *name;
  input.document = *document;
  if (q.has("Path")) input.path = q.get("Path");
  input.description = q.get("Description");
  input.tags = *tags;
  auto policy = create_policy(account, input);
  if (!policy) return api_fail(policy.error());
  XmlWriter x;
  write_policy(x, *policy, true);
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::get_policy_action(const QueryRequest& q, const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  auto policy = any_policy(account, *arn);
  if (!policy) return api_fail(policy.error());
  XmlWriter x;
  write_policy(x, *policy, true);
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::delete_policy_action(const QueryRequest& q, const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  if (is_aws_managed_policy_arn(*arn)) {
    return api_fail(make_api_error(400, "UnmodifiableEntity", "Cannot delete an AWS managed policy."));
  }
  if (auto ok = m_store->delete_policy(account, *arn); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::list_policies_action(const QueryRequest& q, const std::string& account) {
  auto max_items = max_items_param(q);
  if (!max_items) return api_fail(max_items.error());
  std::string scope = q.has("Scope") ? q.get("Scope") : "All";
  if (scope != "All" && scope != "AWS" && scope != "Local") {
    return api_fail(constraint_error(scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]"));
  }
  bool only_attached = bool_param(q, "OnlyAttached");
  std::string prefix = q.has("PathPrefix") ? q.get("PathPrefix") : "/";
  std::vector<ManagedPolicyRecord> policies;
  if (scope != "Local") {
    auto counts = m_store->attachment_counts(account);
    if (!counts) return api_fail(counts.error());
    std::vector<std::string> arns;
    for (const auto& known : known_aws_managed_policies()) arns.push_back(known.arn);
    for (const auto& [arn, n] : *counts) {
      if (is_aws_managed_policy_arn(arn) && std::find(arns.begin(), arns.end(), arn) == arns.end()) arns.push_back(arn);
    }
    for (const auto& arn : arns) {
      auto policy = any_policy(account, arn);
      if (!policy) return api_fail(policy.error());
      policies.push_back(std::move(*policy));
    }
  }
  if (scope != "AWS") {
    auto local = m_store->list_policies(account);
    if (!local) return api_fail(local.error());
    for (auto& p : *local) policies.push_back(std::move(p));
  }
  std::vector<ManagedPolicyRecord> selected;
  for (auto& p : policies) {
    if (only_attached && p.attachment_count == 0) continue;
    if (!starts_with(p.path, prefix)) continue;
    selected.push_back(std::move(p));
  }
  std::stable_sort(selected.begin(), selected.end(),
                   [](const auto& a, const auto& b) { return to_lower(a.name) < to_lower(b.name); });
  auto w = window(selected.size(), q.get("Marker"), *max_items);
  if (!w) return api_fail(w.error());
  XmlWriter x;
  x.open("Policies");
  for (size_t i = w->begin; i < w->end; ++i) write_policy(x, selected[i], false, "member");
  x.close("Policies");
  write_marker(x, w->next_marker);
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::create_policy_version_action(const QueryRequest& q,
                                                                      const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  auto document = required_param(q, "PolicyDocument", "policyDocument");
  if (!document) return api_fail(document.error());
  auto version = create_policy_version(account, *arn, *document, bool_param(q, "SetAsDefault"));
  if (!version) return api_fail(version.error());
  XmlWriter x;
  x.open("PolicyVersion");
  write_policy_version(x, *version, false);
  x.close("PolicyVersion");
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::get_policy_version_action(const QueryRequest& q, const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  auto id = version_id_param(q);
  if (!id) return api_fail(id.error());
  PolicyVersionRecord version;
  if (is_aws_managed_policy_arn(*arn)) {
    auto known = find_aws_managed_policy(*arn);
    if (!known || *id != "v1") {
      return api_fail(no_such_entity("Policy " + *arn + " version " + *id +
                                     " does not exist or is not attachable. (lambda-cd local knows the documents of "
                                     "a few AWS managed policies only, as version v1.)"));
    }
    version = PolicyVersionRecord{"v1", known->document, k_aws_managed_policy_date, true};
  } else {
    auto found = m_store->get_policy_version(account, *arn, *id);
    if (!found) return api_fail(found.error());
    version = std::move(*found);
  }
  XmlWriter x;
  x.open("PolicyVersion");
  write_policy_version(x, version, true);
  x.close("PolicyVersion");
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::list_policy_versions_action(const QueryRequest& q,
                                                                     const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  auto max_items = max_items_param(q);
  if (!max_items) return api_fail(max_items.error());
  std::vector<PolicyVersionRecord> versions;
  if (is_aws_managed_policy_arn(*arn)) {
    versions.push_back(PolicyVersionRecord{"v1", "", k_aws_managed_policy_date, true});
  } else {
    auto found = m_store->list_policy_versions(account, *arn);
    if (!found) return api_fail(found.error());
    versions = std::move(*found);
  }
  auto w = window(versions.size(), q.get("Marker"), *max_items);
  if (!w) return api_fail(w.error());
  XmlWriter x;
  x.open("Versions");
  for (size_t i = w->begin; i < w->end; ++i) {
    x.open("member");
    write_policy_version(x, versions[i], false);
    x.close("member");
  }
  x.close("Versions");
  write_marker(x, w->next_marker);
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::delete_policy_version_action(const QueryRequest& q,
                                                                      const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  auto id = version_id_param(q);
  if (!id) return api_fail(id.error());
  if (is_aws_managed_policy_arn(*arn)) {
    return api_fail(make_api_error(400, "UnmodifiableEntity", "Cannot modify an AWS managed policy."));
  }
  if (auto ok = m_store->delete_policy_version(account, *arn, *id); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::set_default_policy_version_action(const QueryRequest& q,
                                                                           const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  auto id = version_id_param(q);
  if (!id) return api_fail(id.error());
  if (is_aws_managed_policy_arn(*arn)) {
    return api_fail(make_api_error(400, "UnmodifiableEntity", "Cannot modify an AWS managed policy."));
  }
  if (auto ok = m_store->set_default_policy_version(account, *arn, *id); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::tag_policy_action(const QueryRequest& q, const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  auto tags = tags_param(q);
  if (!tags) return api_fail(tags.error());
  auto policy = m_store->require_policy(account, *arn);
  if (!policy) return api_fail(policy.error());
  for (const auto& [key, value] : *tags) {
    auto it = std::find_if(policy->tags.begin(), policy->tags.end(), [&](const auto& t) { return iequals(t.first, key); });
    if (it != policy->tags.end()) {
      *it = {key, value};
    } else {
      policy->tags.emplace_back(key, value);
    }
  }
  if (policy->tags.size() > 50) return api_fail(limit_exceeded("Cannot exceed quota for TagsPerPolicy: 50"));
  if (auto ok = m_store->update_policy(*policy); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::untag_policy_action(const QueryRequest& q, const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  auto policy = m_store->require_policy(account, *arn);
  if (!policy) return api_fail(policy.error());
  auto keys = q.list("TagKeys");
  std::erase_if(policy->tags, [&](const auto& tag) {
    return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return iequals(k, tag.first); });
  });
  if (auto ok = m_store->update_policy(*policy); !ok) return api_fail(ok.error());
  return Reply{"", true};
}

ApiResult<IamService::Reply> IamService::list_policy_tags_action(const QueryRequest& q, const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  auto policy = m_store->require_policy(account, *arn);
  if (!policy) return api_fail(policy.error());
  XmlWriter x;
  write_tags(x, policy->tags);
  x.leaf("IsTruncated", "false");
  return Reply{x.str()};
}

ApiResult<IamService::Reply> IamService::list_entities_for_policy_action(const QueryRequest& q,
                                                                         const std::string& account) {
  auto arn = policy_arn_param(q);
  if (!arn) return api_fail(arn.error());
  if (auto policy = any_policy(account, *arn); !policy) return api_fail(policy.error());
  std::string filter = q.get("EntityFilter");
  std::vector<RoleRecord> roles;
  if (filter.empty() || filter == "Role") {
    auto names = m_store->roles_attached_to(account, *arn);
    if (!names) return api_fail(names.error());
    for (const auto& name : *names) {
      auto role = m_store->require_role(account, name);
      if (role) roles.push_back(std::move(*role));
    }
  }
  XmlWriter x;
  x.open("PolicyGroups").close("PolicyGroups").open("PolicyUsers").close("PolicyUsers").open("PolicyRoles");
  for (const auto& role : roles) x.open("member").leaf("RoleName", role.name).leaf("RoleId", role.role_id).close("member");
  x.close("PolicyRoles").leaf("IsTruncated", "false");
  return Reply{x.str()};
}

}  // namespace lcd::local::iam
