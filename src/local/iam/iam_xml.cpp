#include "local/iam/iam_xml.hpp"

#include "util/encoding.hpp"

namespace lcd::local::iam {

std::string encode_policy_document(std::string_view document) { return uri_encode(document); }

void write_tags(XmlWriter& x, const Tags& tags) {
  x.open("Tags");
  for (const auto& [key, value] : tags) x.open("member").leaf("Key", key).leaf("Value", value).close("member");
  x.close("Tags");
}

void write_role(XmlWriter& x, const RoleRecord& role, RoleView view, std::string_view element) {
  x.open(element)
      .leaf("Path", role.path)
      .leaf("RoleName", role.name)
      .leaf("RoleId", role.role_id)
      .leaf("Arn", role.arn())
      .leaf("CreateDate", role.create_date)
      .leaf("AssumeRolePolicyDocument", encode_policy_document(role.trust_policy))
      .optional_leaf("Description", role.description)
      .leaf("MaxSessionDuration", std::to_string(role.max_session_duration));
  if (view != RoleView::listing) {
    if (!role.permissions_boundary.empty()) {
      x.open("PermissionsBoundary")
          .leaf("PermissionsBoundaryType", "Policy")
          .leaf("PermissionsBoundaryArn", role.permissions_boundary)
          .close("PermissionsBoundary");
    }
    if (!role.tags.empty()) write_tags(x, role.tags);
  }
  if (view == RoleView::full) {
    x.open("RoleLastUsed");
    if (!role.last_used_date.empty()) {
      x.leaf("LastUsedDate", role.last_used_date).leaf("Region", role.last_used_region);
    }
    x.close("RoleLastUsed");
  }
  x.close(element);
}

void write_policy(XmlWriter& x, const ManagedPolicyRecord& policy, bool with_tags, std::string_view element) {
  x.open(element)
      .leaf("PolicyName", policy.name)
      .leaf("DefaultVersionId", policy.default_version)
      .leaf("PolicyId", policy.policy_id)
      .leaf("Path", policy.path)
      .leaf("Arn", policy.arn())
      .leaf("AttachmentCount", std::to_string(policy.attachment_count))
      .leaf("PermissionsBoundaryUsageCount", "0")
      .leaf("IsAttachable", "true")
      .optional_leaf("Description", policy.description)
      .leaf("CreateDate", policy.create_date)
      .leaf("UpdateDate", policy.update_date);
  if (with_tags && !policy.tags.empty()) write_tags(x, policy.tags);
  x.close(element);
}

void write_policy_version(XmlWriter& x, const PolicyVersionRecord& version, bool with_document) {
  if (with_document) x.leaf("Document", encode_policy_document(version.document));
  x.leaf("VersionId", version.version_id)
      .leaf("IsDefaultVersion", version.is_default ? "true" : "false")
      .leaf("CreateDate", version.create_date);
}

}  // namespace lcd::local::iam
