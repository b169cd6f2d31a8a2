#pragma once
// IAM's response elements (Role, Policy, PolicyVersion, Tags) in the query protocol's XML. Policy
// documents go out percent-encoded, as IAM returns them (botocore and the SDKs decode them). Pure.

#include <string>
#include <string_view>

#include "local/iam/iam_store.hpp"
#include "local/protocol/xml_writer.hpp"

namespace lcd::local::iam {

// What a Role element carries: GetRole everything; CreateRole all but RoleLastUsed; ListRoles
// leaves out Tags, PermissionsBoundary and RoleLastUsed.
enum class RoleView { full, created, listing };

// As <`element`> (<Role>, or <member> inside a list).
void write_role(XmlWriter& x, const RoleRecord& role, RoleView view, std::string_view element = "Role");
void write_tags(XmlWriter& x, const Tags& tags);
void write_policy(XmlWriter& x, const ManagedPolicyRecord& policy, bool with_tags, std::string_view element = "Policy");
// Document included unless `with_document` is false (ListPolicyVersions).
void write_policy_version(XmlWriter& x, const PolicyVersionRecord& version, bool with_document);

std::string encode_policy_document(std::string_view document);

}  // namespace lcd::local::iam
