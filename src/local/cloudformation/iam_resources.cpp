#include "local/cloudformation/iam_resources.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>

#include "util/crypto.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

std::string text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// A policy document property: a JSON object (the usual) or a string holding JSON.
std::string document_text(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

std::vector<std::string> strings(const json& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const auto& item : v) out.push_back(text(item));
  }
  return out;
}

Error handler_error(const ApiError& e) {
  return Error{ErrorKind::invalid, "Resource handler returned message: \"" + e.message + "\" (Service: Iam, Status Code: " +
                                       std::to_string(e.status) + ", Request ID: " + random_uuid() + ")"};
}

Error property_error(const std::string& message) { return Error{ErrorKind::invalid, "Properties validation failed for resource: " + message}; }

Result<IamRoleSpec> role_spec(const std::string& name, const json& p) {
  IamRoleSpec spec;
  spec.name = name;
  if (p.contains("Path")) spec.path = text(p["Path"]);
  if (!p.contains("AssumeRolePolicyDocument")) {
    return fail(property_error("#: required key [AssumeRolePolicyDocument] not found"));
  }
  spec.assume_role_policy = document_text(p["AssumeRolePolicyDocument"]);
  if (p.contains("Description")) spec.description = text(p["Description"]);
  if (p.contains("MaxSessionDuration")) {
    const auto& d = p["MaxSessionDuration"];
    spec.max_session_duration = d.is_number() ? d.get<int>() : std::atoi(text(d).c_str());
  }
  if (p.contains("PermissionsBoundary")) spec.permissions_boundary = text(p["PermissionsBoundary"]);
  if (p.contains("Tags") && p["Tags"].is_array()) {
    for (const auto& t : p["Tags"]) {
      if (t.is_object()) spec.tags.emplace_back(text(t.value("Key", json(""))), text(t.value("Value", json(""))));
    }
  }
  if (p.contains("Policies") && p["Policies"].is_array()) {
    for (const auto& policy : p["Policies"]) {
      if (!policy.is_object() || !policy.contains("PolicyName") || !policy.contains("PolicyDocument")) {
        return fail(property_error("#/Policies: each policy needs PolicyName and PolicyDocument"));
      }
      spec.inline_policies.emplace_back(text(policy["PolicyName"]), document_text(policy["PolicyDocument"]));
    }
  }
  if (p.contains("ManagedPolicyArns")) spec.managed_policy_arns = strings(p["ManagedPolicyArns"]);
  return spec;
}

ResourceOutcome role_outcome(const std::string& name, const IamRoleIds& ids) {
  ResourceOutcome out;
  out.physical_id = name;
  out.state.ref = name;
  out.state.attributes["Arn"] = ids.arn;
  out.state.attributes["RoleId"] = ids.role_id;
  return out;
}

std::string random_suffix(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* k_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (size_t i = 0; i < n; ++i) out += k_chars[rng() % 36];
  return out;
}

// Without IAM: the role is recorded only, its ARN derived (as before IAM joined the endpoint).
ResourceOutcome derived_role(const std::string& name, const json& p, const StackIdentity& stack) {
  std::string path = p.contains("Path") ? text(p["Path"]) : "/";
  IamRoleIds ids{"arn:aws:iam::" + stack.account_id + ":role" + path + name, "AROA" + random_suffix(17)};
  return role_outcome(name, ids);
}

Result<void> check_policy_targets(const json& p) {
  for (const char* key : {"Users", "Groups"}) {
    if (p.contains(key) && !strings(p[key]).empty()) {
      return fail(Error{ErrorKind::invalid, std::string("lambda-cd local attaches IAM policies to Roles only (") + key +
                                                " is not supported)"});
    }
  }
  return {};
}

IamManagedPolicySpec managed_spec(const std::string& name, const json& p) {
  IamManagedPolicySpec spec;
  spec.name = name;
  if (p.contains("Path")) spec.path = text(p["Path"]);
  if (p.contains("Description")) spec.description = text(p["Description"]);
  if (p.contains("PolicyDocument")) spec.document = document_text(p["PolicyDocument"]);
  if (p.contains("Roles")) spec.roles = strings(p["Roles"]);
  return spec;
}

ResourceOutcome managed_outcome(const IamManagedPolicyIds& ids, const json& p) {
  ResourceOutcome out;
  out.physical_id = ids.arn;
  out.state.ref = ids.arn;
  out.state.attributes["PolicyArn"] = ids.arn;
  out.state.attributes["PolicyId"] = ids.policy_id;
  out.state.attributes["DefaultVersionId"] = ids.default_version_id;
  out.state.attributes["IsAttachable"] = true;
  out.state.attributes["AttachmentCount"] = static_cast<int>(p.contains("Roles") ? strings(p["Roles"]).size() : 0);
  out.state.attributes["PermissionsBoundaryUsageCount"] = 0;
  return out;
}


Result<void> put_inline(IamProvisioner* iam, const StackIdentity& stack, const json& p) {
  std::string name = text(p.value("PolicyName", json("")));
  std::string document = p.contains("PolicyDocument") ? document_text(p["PolicyDocument"]) : "";
  for (const auto& role : strings(p.value("Roles", json::array()))) {
    if (auto ok = iam->put_role_policy(stack.account_id, role, name, document); !ok) return fail(handler_error(ok.error()));
  }
  return {};
}

Result<void> delete_inline(IamProvisioner* iam, const StackIdentity& stack, const json& p,
                           const std::vector<std::string>& keep_roles = {}) {
  std::string name = text(p.value("PolicyName", json("")));
  for (const auto& role : strings(p.value("Roles", json::array()))) {
    if (std::find(keep_roles.begin(), keep_roles.end(), role) != keep_roles.end()) continue;
    if (auto ok = iam->delete_role_policy(stack.account_id, role, name); !ok) return fail(handler_error(ok.error()));
  }
  return {};
}

}  // namespace

bool is_iam_resource(const std::string& type) {
  return type == "AWS::IAM::Role" || type == "AWS::IAM::Policy" || type == "AWS::IAM::ManagedPolicy";
}

Result<ResourceOutcome> create_iam_resource(IamProvisioner* iam, const std::string& logical_id, const std::string& type,
                                            const json& properties, const StackIdentity& stack) {
  if (type == "AWS::IAM::Role") {
    std::string name = properties.contains("RoleName") ? text(properties["RoleName"])
                                                       : generated_name(stack.stack_name, logical_id, 64);
    if (!iam) return derived_role(name, properties, stack);
    auto spec = role_spec(name, properties);
    if (!spec) return fail(spec.error());
    auto ids = iam->create_role(stack.account_id, *spec);
    if (!ids) return fail(handler_error(ids.error()));
    return role_outcome(name, *ids);
  }
  if (!iam) return fail(Error{ErrorKind::invalid, "IAM is not available on this endpoint (" + type + ")"});
  if (auto ok = check_policy_targets(properties); !ok) return fail(ok.error());
  if (type == "AWS::IAM::Policy") {
    if (strings(properties.value("Roles", json::array())).empty()) {
      return fail(property_error("At least one of [Groups,Roles,Users] must be non-empty."));
    }
    if (auto ok = put_inline(iam, stack, properties); !ok) {
      (void)delete_inline(iam, stack, properties);
      return fail(ok.error());
    }
    ResourceOutcome out;
    out.physical_id = stack.stack_name.substr(0, 5) + "-" + logical_id.substr(0, 5) + "-" + random_suffix(12);
    out.state.ref = out.physical_id;
    out.state.attributes["Id"] = out.physical_id;
    return out;
  }
  // AWS::IAM::ManagedPolicy
  std::string name = properties.contains("ManagedPolicyName") ? text(properties["ManagedPolicyName"])
                                                              : generated_name(stack.stack_name, logical_id, 128);
  auto ids = iam->create_managed_policy(stack.account_id, managed_spec(name, properties));
  if (!ids) return fail(handler_error(ids.error()));
  return managed_outcome(*ids, properties);
}

Result<ResourceOutcome> update_iam_resource(IamProvisioner* iam, const std::string& logical_id, const std::string& type,
                                            const std::string& physical_id, const json& before, const json& after,
                                            const StackIdentity& stack) {
  (void)logical_id;
  if (type == "AWS::IAM::Role") {
    if (!iam) return derived_role(physical_id, after, stack);
    auto spec = role_spec(physical_id, after);
    if (!spec) return fail(spec.error());
    auto ids = iam->update_role(stack.account_id, *spec);
    if (!ids) return fail(handler_error(ids.error()));
    return role_outcome(physical_id, *ids);
  }
  if (!iam) return fail(Error{ErrorKind::invalid, "IAM is not available on this endpoint (" + type + ")"});
  if (auto ok = check_policy_targets(after); !ok) return fail(ok.error());
  if (type == "AWS::IAM::Policy") {
    bool renamed = before.value("PolicyName", json()) != after.value("PolicyName", json());
    auto keep = renamed ? std::vector<std::string>() : strings(after.value("Roles", json::array()));
    if (auto ok = delete_inline(iam, stack, before, keep); !ok) return fail(ok.error());
    if (auto ok = put_inline(iam, stack, after); !ok) return fail(ok.error());
    ResourceOutcome out;
    out.physical_id = physical_id;
    out.state.ref = physical_id;
    out.state.attributes["Id"] = physical_id;
    return out;
  }
  auto name = after.contains("ManagedPolicyName") ? text(after["ManagedPolicyName"]) : std::string();
  auto ids = iam->update_managed_policy(stack.account_id, physical_id, managed_spec(name, after));
  if (!ids) return fail(handler_error(ids.error()));
  return managed_outcome(*ids, after);
}

Result<void> remove_iam_resource(IamProvisioner* iam, const std::string& type, const std::string& physical_id,
                                 const json& properties, const StackIdentity& stack) {
  if (!iam || physical_id.empty()) return {};
  if (type == "AWS::IAM::Role") {
    if (auto ok = iam->delete_role(stack.account_id, physical_id); !ok) return fail(handler_error(ok.error()));
    return {};
  }
  if (type == "AWS::IAM::Policy") return delete_inline(iam, stack, properties);
  if (auto ok = iam->delete_managed_policy(stack.account_id, physical_id); !ok) return fail(handler_error(ok.error()));
  return {};
}

}  // namespace lcd::local::cloudformation
