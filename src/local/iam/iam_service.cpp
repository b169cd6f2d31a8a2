#include "local/iam/iam_service.hpp"

#include "local/iam/aws_managed_policies.hpp"
#include "local/iam/iam_errors.hpp"
#include "local/iam/iam_identifiers.hpp"
#include "local/iam/iam_params.hpp"
#include "local/iam/policy_document.hpp"
#include "local/protocol/error_response.hpp"
#include "local/protocol/xml_writer.hpp"

namespace lcd::local::iam {
namespace {

constexpr size_t k_max_trust_policy_size = 2048;
constexpr size_t k_max_managed_policy_size = 6144;

}  // namespace

const std::vector<std::pair<std::string, IamService::Action>>& IamService::action_table() {
  static const std::vector<std::pair<std::string, Action>> table = {
      {"CreateRole", &IamService::create_role_action},
      {"GetRole", &IamService::get_role_action},
      {"ListRoles", &IamService::list_roles_action},
      {"UpdateRole", &IamService::update_role_action},
      {"UpdateRoleDescription", &IamService::update_role_description_action},
      {"UpdateAssumeRolePolicy", &IamService::update_assume_role_policy_action},
      {"DeleteRole", &IamService::delete_role_action},
      {"TagRole", &IamService::tag_role_action},
      {"UntagRole", &IamService::untag_role_action},
      {"ListRoleTags", &IamService::list_role_tags_action},
      {"PutRolePermissionsBoundary", &IamService::put_role_permissions_boundary_action},
      {"DeleteRolePermissionsBoundary", &IamService::delete_role_permissions_boundary_action},
      {"PutRolePolicy", &IamService::put_role_policy_action},
      {"GetRolePolicy", &IamService::get_role_policy_action},
      {"DeleteRolePolicy", &IamService::delete_role_policy_action},
      {"ListRolePolicies", &IamService::list_role_policies_action},
      {"AttachRolePolicy", &IamService::attach_role_policy_action},
      {"DetachRolePolicy", &IamService::detach_role_policy_action},
      {"ListAttachedRolePolicies", &IamService::list_attached_role_policies_action},
      {"CreatePolicy", &IamService::create_policy_action},
      {"GetPolicy", &IamService::get_policy_action},
      {"DeletePolicy", &IamService::delete_policy_action},
      {"ListPolicies", &IamService::list_policies_action},
      {"CreatePolicyVersion", &IamService::create_policy_version_action},
      {"GetPolicyVersion", &IamService::get_policy_version_action},
      {"ListPolicyVersions", &IamService::list_policy_versions_action},
      {"DeletePolicyVersion", &IamService::delete_policy_version_action},
      {"SetDefaultPolicyVersion", &IamService::set_default_policy_version_action},
      {"TagPolicy", &IamService::tag_policy_action},
      {"UntagPolicy", &IamService::untag_policy_action},
      {"ListPolicyTags", &IamService::list_policy_tags_action},
      {"ListEntitiesForPolicy", &IamService::list_entities_for_policy_action},
  };
  return table;
}

const std::vector<std::string>& IamService::actions() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, action] : action_table()) out.push_back(name);
    return out;
  }();
  return names;
}

ApiResult<std::unique_ptr<IamService>> IamService::open(IamServiceOptions options) {
  std::unique_ptr<IamService> service(new IamService(std::move(options)));
  auto store = IamStore::open(service->m_options.state_dir);
  if (!store) return api_fail(store.error());
  service->m_store = std::move(*store);
  return service;
}

HttpResponse IamService::handle(const HttpRequest& request, const RequestContext& context) {
  QueryRequest q(request);
  const std::string& name = q.action();
  ApiResult<Reply> reply =
      api_fail(make_api_error(400, "InvalidAction", "Could not find operation " + name + " for version 2010-05-08"));
  try {
    for (const auto& [action_name, action] : action_table()) {
      if (action_name == name) {
        reply = (this->*action)(q, context.account_id);
        break;
      }
    }
  } catch (const std::exception& e) {
    reply = api_fail(make_api_error(500, "ServiceFailure", e.what()));
  }
  if (!reply) return query_error(reply.error(), context.request_id, k_xmlns);
  HttpResponse response;
  response.content_type = "text/xml";
  response.set_header("x-amzn-RequestId", context.request_id);
  response.body = query_response_xml(name, reply->xml, context.request_id, k_xmlns, reply->empty);
  return response;
}

ApiResult<void> IamService::check_trust_policy(const std::string& account, const std::string& document) {
  if (auto ok = check_document_text(document, "assumeRolePolicyDocument"); !ok) return ok;
  if (auto ok = validate_policy_document(document, PolicyKind::trust); !ok) return ok;
  if (policy_size(document) > k_max_trust_policy_size) {
    return api_fail(limit_exceeded("Cannot exceed quota for ACLSizePerRole: " + std::to_string(k_max_trust_policy_size)));
  }
  // IAM resolves role principals of the account when the policy is stored: a role that does not
  // exist is an invalid principal.
  for (const auto& principal : aws_principals(document)) {
    auto arn = parse_arn(principal);
    if (!arn || arn->service != "iam" || arn->account != account) continue;
    auto role = resource_path_and_name(*arn, "role");
    if (!role) continue;
    auto found = find_role_by_arn(principal);
    if (!found) return api_fail(found.error());
    if (!*found) return api_fail(malformed_policy("Invalid principal in policy: \"AWS\":\"" + principal + "\""));
  }
  return {};
}

ApiResult<void> IamService::check_managed_policy_arn(const std::string& account, const std::string& arn) {
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->service != "iam") return api_fail(invalid_input("ARN " + arn + " is not valid."));
  if (is_aws_managed_policy_arn(arn)) return {};
  auto policy = m_store->require_policy(account, arn);
  if (!policy) {
    if (policy.error().status != 404) return api_fail(policy.error());
    return api_fail(no_such_entity("Policy " + arn + " does not exist or is not attachable."));
  }
  return {};
}

ApiResult<RoleRecord> IamService::create_role(const std::string& account, const NewRole& input) {
  if (auto ok = check_name(input.name, "roleName", 1, 64); !ok) return api_fail(ok.error());
  if (auto ok = check_path(input.path, "path"); !ok) return api_fail(ok.error());
  if (auto ok = check_description(input.description, "description"); !ok) return api_fail(ok.error());
  if (auto ok = check_max_session(input.max_session_duration); !ok) return api_fail(ok.error());
  if (auto ok = check_tags(input.tags); !ok) return api_fail(ok.error());
  if (auto ok = check_trust_policy(account, input.trust_policy); !ok) return api_fail(ok.error());
  if (!input.permissions_boundary.empty()) {
    if (auto ok = check_managed_policy_arn(account, input.permissions_boundary); !ok) return api_fail(ok.error());
  }
  RoleRecord role;
  role.account_id = account;
  role.name = input.name;
  role.path = input.path;
  role.role_id = unique_id("AROA");
  role.create_date = m_store->now();
  role.trust_policy = input.trust_policy;
  role.description = input.description;
  role.max_session_duration = input.max_session_duration;
  role.permissions_boundary = input.permissions_boundary;
  role.tags = input.tags;
  if (auto ok = m_store->create_role(role); !ok) return api_fail(ok.error());
  return role;
}

ApiResult<void> IamService::update_assume_role_policy(const std::string& account, const std::string& role,
                                                      const std::string& document) {
  if (auto ok = check_trust_policy(account, document); !ok) return ok;
  auto updated = m_store->update_role(account, role, [&](RoleRecord& r) -> ApiResult<void> {
    r.trust_policy = document;
    return {};
  });
  if (!updated) return api_fail(updated.error());
  return {};
}

ApiResult<void> IamService::put_role_policy(const std::string& account, const std::string& role,
                                            const std::string& name, const std::string& document) {
  if (auto ok = check_name(name, "policyName", 1, 128); !ok) return ok;
  if (auto ok = check_document_text(document, "policyDocument"); !ok) return ok;
  if (auto ok = validate_policy_document(document, PolicyKind::identity); !ok) return ok;
  return m_store->put_role_policy(account, role, name, document);
}

ApiResult<void> IamService::attach_role_policy(const std::string& account, const std::string& role,
                                               const std::string& arn) {
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->service != "iam") return api_fail(invalid_input("ARN " + arn + " is not valid."));
  return m_store->attach_role_policy(account, role, arn);
}

ApiResult<ManagedPolicyRecord> IamService::create_policy(const std::string& account, const NewPolicy& input) {
  if (auto ok = check_name(input.name, "policyName", 1, 128); !ok) return api_fail(ok.error());
  if (auto ok = check_path(input.path, "path"); !ok) return api_fail(ok.error());
  if (auto ok = check_description(input.description, "description"); !ok) return api_fail(ok.error());
  if (auto ok = check_tags(input.tags); !ok) return api_fail(ok.error());
  if (auto ok = check_document_text(input.document, "policyDocument"); !ok) return api_fail(ok.error());
  if (auto ok = validate_policy_document(input.document, PolicyKind::identity); !ok) return api_fail(ok.error());
  if (policy_size(input.document) > k_max_managed_policy_size) {
    return api_fail(limit_exceeded("Cannot exceed quota for PolicySize: " + std::to_string(k_max_managed_policy_size)));
  }
  ManagedPolicyRecord policy;
  policy.account_id = account;
  policy.name = input.name;
  policy.path = input.path;
  policy.policy_id = unique_id("ANPA");
  policy.description = input.description;
  policy.create_date = policy.update_date = m_store->now();
  policy.tags = input.tags;
  if (auto ok = m_store->create_policy(policy, input.document); !ok) return api_fail(ok.error());
  return policy;
}

ApiResult<PolicyVersionRecord> IamService::create_policy_version(const std::string& account, const std::string& arn,
                                                                 const std::string& document, bool set_default) {
  if (auto ok = check_document_text(document, "policyDocument"); !ok) return api_fail(ok.error());
  if (is_aws_managed_policy_arn(arn)) {
    return api_fail(make_api_error(400, "UnmodifiableEntity", "Cannot modify an AWS managed policy."));
  }
  if (auto ok = validate_policy_document(document, PolicyKind::identity); !ok) return api_fail(ok.error());
  if (policy_size(document) > k_max_managed_policy_size) {
    return api_fail(limit_exceeded("Cannot exceed quota for PolicySize: " + std::to_string(k_max_managed_policy_size)));
  }
  return m_store->create_policy_version(account, arn, document, set_default);
}

ApiResult<std::optional<RoleRecord>> IamService::find_role_by_arn(const std::string& arn) {
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->service != "iam" || !is_account_id(parsed->account)) return std::optional<RoleRecord>();
  auto name = resource_path_and_name(*parsed, "role");
  if (!name) return std::optional<RoleRecord>();
  auto role = m_store->find_role(parsed->account, name->name);
  if (!role) return api_fail(role.error());
  if (*role && (*role)->path != name->path) return std::optional<RoleRecord>();
  return role;
}

ApiResult<ManagedPolicyRecord> IamService::any_policy(const std::string& account, const std::string& arn) {
  if (!is_aws_managed_policy_arn(arn)) return m_store->require_policy(account, arn);
  auto parsed = parse_arn(arn);
  auto pn = resource_path_and_name(*parsed, "policy");
  if (!pn) return api_fail(no_such_policy(arn));
  ManagedPolicyRecord policy;
  policy.account_id = "aws";
  policy.name = pn->name;
  policy.path = pn->path;
  policy.policy_id = derived_id("ANPA", arn);
  policy.create_date = policy.update_date = k_aws_managed_policy_date;
  if (auto known = find_aws_managed_policy(arn)) policy.description = known->description;
  auto attached = m_store->roles_attached_to(account, arn);
  if (!attached) return api_fail(attached.error());
  policy.attachment_count = static_cast<int>(attached->size());
  return policy;
}

}  // namespace lcd::local::iam
