#include "local/iam/iam_store.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

#include "local/iam/iam_errors.hpp"
#include "local/iam/iam_identifiers.hpp"
#include "local/iam/policy_document.hpp"
#include "local/state_layout.hpp"
#include "local/string_pairs_json.hpp"
#include "util/clock.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::iam {
namespace {

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS iam_roles (
  account TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE, path TEXT NOT NULL, role_id TEXT NOT NULL,
  create_date TEXT NOT NULL, trust_policy TEXT NOT NULL, description TEXT NOT NULL, max_session INTEGER NOT NULL,
  boundary TEXT NOT NULL, tags_json TEXT NOT NULL, last_used_date TEXT NOT NULL DEFAULT '',
  last_used_region TEXT NOT NULL DEFAULT '', PRIMARY KEY (account, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS iam_role_policies (
  account TEXT NOT NULL, role TEXT NOT NULL COLLATE NOCASE, name TEXT NOT NULL COLLATE NOCASE,
  document TEXT NOT NULL, PRIMARY KEY (account, role, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS iam_role_attachments (
  account TEXT NOT NULL, role TEXT NOT NULL COLLATE NOCASE, policy_arn TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (account, role, policy_arn)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS iam_role_attachments_arn ON iam_role_attachments(account, policy_arn);
CREATE TABLE IF NOT EXISTS iam_policies (
  account TEXT NOT NULL, name TEXT NOT NULL COLLATE NOCASE, path TEXT NOT NULL, policy_id TEXT NOT NULL,
  description TEXT NOT NULL, default_version TEXT NOT NULL, next_version INTEGER NOT NULL,
  create_date TEXT NOT NULL, update_date TEXT NOT NULL, tags_json TEXT NOT NULL,
  PRIMARY KEY (account, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS iam_policy_versions (
  account TEXT NOT NULL, policy TEXT NOT NULL COLLATE NOCASE, version_id TEXT NOT NULL, document TEXT NOT NULL,
  create_date TEXT NOT NULL, PRIMARY KEY (account, policy, version_id)) WITHOUT ROWID;
)sql";

constexpr size_t k_max_inline_size = 10240;

constexpr const char* k_role_columns =
    "account, name, path, role_id, create_date, trust_policy, description, max_session, boundary, tags_json, "
    "last_used_date, last_used_region";

RoleRecord role_from_row(const SqlRow& r) {
  RoleRecord role;
  role.account_id = text_of(r[0]);
  role.name = text_of(r[1]);
  role.path = text_of(r[2]);
  role.role_id = text_of(r[3]);
  role.create_date = text_of(r[4]);
  role.trust_policy = text_of(r[5]);
  role.description = text_of(r[6]);
  role.max_session_duration = static_cast<int>(int_of(r[7]));
  role.permissions_boundary = text_of(r[8]);
  role.tags = parse_string_pairs_json(text_of(r[9]));
  role.last_used_date = text_of(r[10]);
  role.last_used_region = text_of(r[11]);
  return role;
}

constexpr const char* k_policy_columns =
    "account, name, path, policy_id, description, default_version, next_version, create_date, update_date, tags_json";

ManagedPolicyRecord policy_from_row(const SqlRow& r) {
  ManagedPolicyRecord p;
  p.account_id = text_of(r[0]);
  p.name = text_of(r[1]);
  p.path = text_of(r[2]);
  p.policy_id = text_of(r[3]);
  p.description = text_of(r[4]);
  p.default_version = text_of(r[5]);
  p.next_version = static_cast<int>(int_of(r[6]));
  p.create_date = text_of(r[7]);
  p.update_date = text_of(r[8]);
  p.tags = parse_string_pairs_json(text_of(r[9]));
  return p;
}

// Markers are opaque to clients: the last name of the previous page, base64-encoded.
std::string encode_marker(const std::string& last) { return base64_encode(last); }
std::optional<std::string> decode_marker(const std::string& marker) {
  if (marker.empty()) return std::string();
  return base64_decode(marker);
}

ApiError bad_marker() { return invalid_input("Invalid Marker."); }

ApiError service_failure(const Error& e) { return make_api_error(500, "ServiceFailure", e.message); }

// The customer managed policy an ARN names in `account`: its name, or nullopt.
std::optional<std::string> customer_policy_name(const std::string& account, const std::string& arn) {
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->service != "iam" || parsed->account != account) return std::nullopt;
  auto pn = resource_path_and_name(*parsed, "policy");
  if (!pn) return std::nullopt;
  return pn->name;
}

}  // namespace

std::string RoleRecord::arn() const { return role_arn(account_id, path, name); }
std::string ManagedPolicyRecord::arn() const { return policy_arn(account_id, path, name); }

ApiError no_such_role(const std::string& name) { return no_such_entity("The role with name " + name + " cannot be found."); }
ApiError no_such_policy(const std::string& arn) { return no_such_entity("Policy " + arn + " was not found."); }

ApiResult<std::unique_ptr<IamStore>> IamStore::open(const std::filesystem::path& state_dir) {
  std::unique_ptr<IamStore> store(new IamStore());
  auto db = SqliteDb::open(state_database(state_dir), k_schema);
  if (!db) return api_fail(service_failure(db.error()));
  store->m_db = std::move(*db);
  store->m_now = [] { return format_iam_time(system_clock().now()); };
  return store;
}

ApiResult<void> IamStore::write(const std::function<ApiResult<void>()>& body) {
  std::optional<ApiError> failure;
  auto done = m_db->transaction([&]() -> Result<void> {
    auto ok = body();
    if (!ok) {
      failure = ok.error();
      return fail(ErrorKind::conflict, "rolled back");
    }
    return {};
  });
  if (failure) return api_fail(*failure);
  if (!done) return api_fail(service_failure(done.error()));
  return {};
}

ApiResult<std::vector<SqlRow>> IamStore::query(const std::string& sql, const std::vector<SqlValue>& params) {
  auto rows = m_db->query(sql, params);
  if (!rows) return api_fail(service_failure(rows.error()));
  return std::move(*rows);
}

ApiResult<void> IamStore::exec(const std::string& sql, const std::vector<SqlValue>& params) {
  auto ok = m_db->exec(sql, params);
  if (!ok) return api_fail(service_failure(ok.error()));
  return {};
}

// ---- Roles -------------------------------------------------------------------------------------

ApiResult<void> IamStore::create_role(const RoleRecord& role) {
  return write([&]() -> ApiResult<void> {
    auto existing = find_role(role.account_id, role.name);
    if (!existing) return api_fail(existing.error());
    if (*existing) return api_fail(entity_already_exists("Role with name " + role.name + " already exists."));
    auto count = query("SELECT COUNT(*) FROM iam_roles WHERE account = ?", {role.account_id});
    if (!count) return api_fail(count.error());
    if (int_of((*count)[0][0]) >= k_max_roles_per_account) {
      return api_fail(limit_exceeded("Cannot exceed quota for RolesPerAccount: " +
                                     std::to_string(k_max_roles_per_account)));
    }
    return exec(std::string("INSERT INTO iam_roles (") + k_role_columns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {role.account_id, role.name, role.path, role.role_id, role.create_date, role.trust_policy,
                 role.description, static_cast<int64_t>(role.max_session_duration), role.permissions_boundary,
                 string_pairs_json(role.tags), role.last_used_date, role.last_used_region});
  });
}

ApiResult<std::optional<RoleRecord>> IamStore::find_role(const std::string& account, const std::string& name) {
  auto rows = query(std::string("SELECT ") + k_role_columns + " FROM iam_roles WHERE account = ? AND name = ?",
                    {account, name});
  if (!rows) return api_fail(rows.error());
  if (rows->empty()) return std::optional<RoleRecord>();
  return std::optional<RoleRecord>(role_from_row((*rows)[0]));
}

ApiResult<RoleRecord> IamStore::require_role(const std::string& account, const std::string& name) {
  auto role = find_role(account, name);
  if (!role) return api_fail(role.error());
  if (!*role) return api_fail(no_such_role(name));
  return std::move(**role);
}

ApiResult<RoleRecord> IamStore::update_role(const std::string& account, const std::string& name,
                                            const std::function<ApiResult<void>(RoleRecord&)>& change) {
  RoleRecord updated;
  auto ok = write([&]() -> ApiResult<void> {
    auto role = require_role(account, name);
    if (!role) return api_fail(role.error());
    updated = std::move(*role);
    if (auto changed = change(updated); !changed) return changed;
    return exec(
        "UPDATE iam_roles SET trust_policy = ?, description = ?, max_session = ?, boundary = ?, tags_json = ?, "
        "last_used_date = ?, last_used_region = ? WHERE account = ? AND name = ?",
        {updated.trust_policy, updated.description, static_cast<int64_t>(updated.max_session_duration),
         updated.permissions_boundary, string_pairs_json(updated.tags), updated.last_used_date, updated.last_used_region,
         account, name});
  });
  if (!ok) return api_fail(ok.error());
  return updated;
}

ApiResult<void> IamStore::delete_role(const std::string& account, const std::string& name) {
  return write([&]() -> ApiResult<void> {
    if (auto role = require_role(account, name); !role) return api_fail(role.error());
    auto inline_policies = query("SELECT 1 FROM iam_role_policies WHERE account = ? AND role = ? LIMIT 1", {account, name});
    if (!inline_policies) return api_fail(inline_policies.error());
    if (!inline_policies->empty()) return api_fail(delete_conflict("Cannot delete entity, must delete policies first."));
    auto attached = query("SELECT 1 FROM iam_role_attachments WHERE account = ? AND role = ? LIMIT 1", {account, name});
    if (!attached) return api_fail(attached.error());
    if (!attached->empty()) return api_fail(delete_conflict("Cannot delete entity, must detach all policies first."));
    return exec("DELETE FROM iam_roles WHERE account = ? AND name = ?", {account, name});
  });
}

ApiResult<Page<RoleRecord>> IamStore::list_roles(const std::string& account, const std::string& path_prefix,
                                                 const std::string& marker, int max_items) {
  auto after = decode_marker(marker);
  if (!after) return api_fail(bad_marker());
  auto rows = query(std::string("SELECT ") + k_role_columns +
                        " FROM iam_roles WHERE account = ? AND name > ? AND substr(path, 1, ?) = ? ORDER BY name LIMIT ?",
                    {account, *after, static_cast<int64_t>(path_prefix.size()), path_prefix,
                     static_cast<int64_t>(max_items) + 1});
  if (!rows) return api_fail(rows.error());
  Page<RoleRecord> page;
  for (const auto& r : *rows) page.items.push_back(role_from_row(r));
  if (page.items.size() > static_cast<size_t>(max_items)) {
    page.items.pop_back();
    page.next_marker = encode_marker(page.items.back().name);
  }
  return page;
}

// ---- Inline role policies ----------------------------------------------------------------------

ApiResult<void> IamStore::put_role_policy(const std::string& account, const std::string& role, const std::string& name,
                                          const std::string& document) {
  return write([&]() -> ApiResult<void> {
    auto found = require_role(account, role);
    if (!found) return api_fail(found.error());
    auto others = query("SELECT document FROM iam_role_policies WHERE account = ? AND role = ? AND name <> ?",
                        {account, role, name});
    if (!others) return api_fail(others.error());
    size_t total = policy_size(document);
    for (const auto& r : *others) total += policy_size(text_of(r[0]));
    if (total > k_max_inline_size) {
      return api_fail(limit_exceeded("Maximum policy size of " + std::to_string(k_max_inline_size) +
                                     " bytes exceeded for role " + found->name));
    }
    return exec("INSERT OR REPLACE INTO iam_role_policies (account, role, name, document) VALUES (?, ?, ?, ?)",
                {account, found->name, name, document});
  });
}

ApiResult<std::string> IamStore::get_role_policy(const std::string& account, const std::string& role,
                                                 const std::string& name) {
  if (auto found = require_role(account, role); !found) return api_fail(found.error());
  auto rows = query("SELECT document FROM iam_role_policies WHERE account = ? AND role = ? AND name = ?",
                    {account, role, name});
  if (!rows) return api_fail(rows.error());
  if (rows->empty()) return api_fail(no_such_entity("The role policy with name " + name + " cannot be found."));
  return text_of((*rows)[0][0]);
}

ApiResult<void> IamStore::delete_role_policy(const std::string& account, const std::string& role,
                                             const std::string& name) {
  return write([&]() -> ApiResult<void> {
    if (auto found = require_role(account, role); !found) return api_fail(found.error());
    if (auto ok = exec("DELETE FROM iam_role_policies WHERE account = ? AND role = ? AND name = ?", {account, role, name});
        !ok) {
      return ok;
    }
    if (m_db->changes() == 0) return api_fail(no_such_entity("The role policy with name " + name + " cannot be found."));
    return {};
  });
}

ApiResult<Page<std::string>> IamStore::list_role_policies(const std::string& account, const std::string& role,
                                                          const std::string& marker, int max_items) {
  if (auto found = require_role(account, role); !found) return api_fail(found.error());
  auto after = decode_marker(marker);
  if (!after) return api_fail(bad_marker());
  auto rows = query("SELECT name FROM iam_role_policies WHERE account = ? AND role = ? AND name > ? ORDER BY name LIMIT ?",
                    {account, role, *after, static_cast<int64_t>(max_items) + 1});
  if (!rows) return api_fail(rows.error());
  Page<std::string> page;
  for (const auto& r : *rows) page.items.push_back(text_of(r[0]));
  if (page.items.size() > static_cast<size_t>(max_items)) {
    page.items.pop_back();
    page.next_marker = encode_marker(page.items.back());
  }
  return page;
}

// ---- Attachments -------------------------------------------------------------------------------

ApiResult<void> IamStore::attach_role_policy(const std::string& account, const std::string& role,
                                             const std::string& arn) {
  return write([&]() -> ApiResult<void> {
    auto found = require_role(account, role);
    if (!found) return api_fail(found.error());
    if (!is_aws_managed_policy_arn(arn)) {
      auto policy = require_policy(account, arn);
      if (!policy) {
        if (policy.error().status != 404) return api_fail(policy.error());
        return api_fail(no_such_entity("Policy " + arn + " does not exist or is not attachable."));
      }
    }
    auto existing = query("SELECT 1 FROM iam_role_attachments WHERE account = ? AND role = ? AND policy_arn = ?",
                          {account, role, arn});
    if (!existing) return api_fail(existing.error());
    if (!existing->empty()) return {};
    auto count = query("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM iam_role_attachments WHERE account = ? AND role = ?",
                       {account, role});
    if (!count) return api_fail(count.error());
    if (int_of((*count)[0][0]) >= k_max_attached_per_role) {
      return api_fail(limit_exceeded("Cannot exceed quota for PoliciesPerRole: " + std::to_string(k_max_attached_per_role)));
    }
    return exec("INSERT INTO iam_role_attachments (account, role, policy_arn, seq) VALUES (?, ?, ?, ?)",
                {account, found->name, arn, int_of((*count)[0][1]) + 1});
  });
}

ApiResult<void> IamStore::detach_role_policy(const std::string& account, const std::string& role,
                                             const std::string& arn) {
  return write([&]() -> ApiResult<void> {
    if (auto found = require_role(account, role); !found) return api_fail(found.error());
    if (auto ok = exec("DELETE FROM iam_role_attachments WHERE account = ? AND role = ? AND policy_arn = ?",
                       {account, role, arn});
        !ok) {
      return ok;
    }
    if (m_db->changes() == 0) return api_fail(no_such_policy(arn));
    return {};
  });
}

ApiResult<Page<std::string>> IamStore::list_attached_role_policies(const std::string& account, const std::string& role,
                                                                   const std::string& marker, int max_items) {
  if (auto found = require_role(account, role); !found) return api_fail(found.error());
  auto after = decode_marker(marker);
  if (!after) return api_fail(bad_marker());
  int64_t after_seq = 0;
  if (!after->empty()) {
    auto [end, ec] = std::from_chars(after->data(), after->data() + after->size(), after_seq);
    if (ec != std::errc() || end != after->data() + after->size()) return api_fail(bad_marker());
  }
  auto rows = query("SELECT policy_arn, seq FROM iam_role_attachments WHERE account = ? AND role = ? AND seq > ? "
                    "ORDER BY seq LIMIT ?",
                    {account, role, after_seq, static_cast<int64_t>(max_items) + 1});
  if (!rows) return api_fail(rows.error());
  Page<std::string> page;
  int64_t last = 0;
  for (const auto& r : *rows) {
    if (page.items.size() == static_cast<size_t>(max_items)) {
      page.next_marker = encode_marker(std::to_string(last));
      break;
    }
    page.items.push_back(text_of(r[0]));
    last = int_of(r[1]);
  }
  return page;
}

ApiResult<std::vector<std::string>> IamStore::roles_attached_to(const std::string& account, const std::string& arn) {
  auto rows = query("SELECT role FROM iam_role_attachments WHERE account = ? AND policy_arn = ? ORDER BY role",
                    {account, arn});
  if (!rows) return api_fail(rows.error());
  std::vector<std::string> out;
  for (const auto& r : *rows) out.push_back(text_of(r[0]));
  return out;
}

// ---- Managed policies --------------------------------------------------------------------------

ApiResult<void> IamStore::create_policy(const ManagedPolicyRecord& policy, const std::string& document) {
  return write([&]() -> ApiResult<void> {
    auto existing = query("SELECT 1 FROM iam_policies WHERE account = ? AND name = ?", {policy.account_id, policy.name});
    if (!existing) return api_fail(existing.error());
    if (!existing->empty()) {
      return api_fail(entity_already_exists("A policy called " + policy.name +
                                            " already exists. Duplicate names are not allowed."));
    }
    auto count = query("SELECT COUNT(*) FROM iam_policies WHERE account = ?", {policy.account_id});
    if (!count) return api_fail(count.error());
    if (int_of((*count)[0][0]) >= k_max_policies_per_account) {
      return api_fail(limit_exceeded("Cannot exceed quota for PoliciesPerAccount: " +
                                     std::to_string(k_max_policies_per_account)));
    }
    if (auto ok = exec(std::string("INSERT INTO iam_policies (") + k_policy_columns +
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       {policy.account_id, policy.name, policy.path, policy.policy_id, policy.description,
                        policy.default_version, static_cast<int64_t>(policy.next_version), policy.create_date,
                        policy.update_date, string_pairs_json(policy.tags)});
        !ok) {
      return ok;
    }
    return exec("INSERT INTO iam_policy_versions (account, policy, version_id, document, create_date) VALUES (?, ?, ?, ?, ?)",
                {policy.account_id, policy.name, policy.default_version, document, policy.create_date});
  });
}

ApiResult<ManagedPolicyRecord> IamStore::require_policy(const std::string& account, const std::string& arn) {
  auto name = customer_policy_name(account, arn);
  if (!name) return api_fail(no_such_policy(arn));
  auto rows = query(std::string("SELECT ") + k_policy_columns + " FROM iam_policies WHERE account = ? AND name = ?",
                    {account, *name});
  if (!rows) return api_fail(rows.error());
  if (rows->empty()) return api_fail(no_such_policy(arn));
  ManagedPolicyRecord policy = policy_from_row((*rows)[0]);
  if (policy.arn() != arn) return api_fail(no_such_policy(arn));  // same name, another path
  auto count = query("SELECT COUNT(*) FROM iam_role_attachments WHERE account = ? AND policy_arn = ?", {account, arn});
  if (!count) return api_fail(count.error());
  policy.attachment_count = static_cast<int>(int_of((*count)[0][0]));
  return policy;
}

ApiResult<void> IamStore::update_policy(const ManagedPolicyRecord& policy) {
  return exec("UPDATE iam_policies SET tags_json = ?, update_date = ? WHERE account = ? AND name = ?",
              {string_pairs_json(policy.tags), policy.update_date, policy.account_id, policy.name});
}

ApiResult<void> IamStore::delete_policy(const std::string& account, const std::string& arn) {
  return write([&]() -> ApiResult<void> {
    auto policy = require_policy(account, arn);
    if (!policy) return api_fail(policy.error());
    if (policy->attachment_count > 0) return api_fail(delete_conflict("Cannot delete a policy attached to entities."));
    auto versions = query("SELECT COUNT(*) FROM iam_policy_versions WHERE account = ? AND policy = ?", {account, policy->name});
    if (!versions) return api_fail(versions.error());
    if (int_of((*versions)[0][0]) > 1) {
      return api_fail(delete_conflict("This policy has more than one version. Before you delete a policy, you must "
                                      "delete the policy's versions. The default version is deleted with the policy."));
    }
    if (auto ok = exec("DELETE FROM iam_policy_versions WHERE account = ? AND policy = ?", {account, policy->name}); !ok) {
      return ok;
    }
    return exec("DELETE FROM iam_policies WHERE account = ? AND name = ?", {account, policy->name});
  });
}

ApiResult<std::vector<ManagedPolicyRecord>> IamStore::list_policies(const std::string& account) {
  auto rows = query(std::string("SELECT ") + k_policy_columns + " FROM iam_policies WHERE account = ? ORDER BY name",
                    {account});
  if (!rows) return api_fail(rows.error());
  auto counts = attachment_counts(account);
  if (!counts) return api_fail(counts.error());
  std::vector<ManagedPolicyRecord> out;
  for (const auto& r : *rows) {
    ManagedPolicyRecord p = policy_from_row(r);
    for (const auto& [arn, n] : *counts) {
      if (arn == p.arn()) p.attachment_count = n;
    }
    out.push_back(std::move(p));
  }
  return out;
}

ApiResult<std::vector<std::pair<std::string, int>>> IamStore::attachment_counts(const std::string& account) {
  auto rows = query("SELECT policy_arn, COUNT(*) FROM iam_role_attachments WHERE account = ? GROUP BY policy_arn "
                    "ORDER BY policy_arn",
                    {account});
  if (!rows) return api_fail(rows.error());
  std::vector<std::pair<std::string, int>> out;
  for (const auto& r : *rows) out.emplace_back(text_of(r[0]), static_cast<int>(int_of(r[1])));
  return out;
}

ApiResult<PolicyVersionRecord> IamStore::create_policy_version(const std::string& account, const std::string& arn,
                                                               const std::string& document, bool set_default) {
  PolicyVersionRecord version;
  auto ok = write([&]() -> ApiResult<void> {
    auto policy = require_policy(account, arn);
    if (!policy) return api_fail(policy.error());
    auto count = query("SELECT COUNT(*) FROM iam_policy_versions WHERE account = ? AND policy = ?", {account, policy->name});
    if (!count) return api_fail(count.error());
    if (int_of((*count)[0][0]) >= k_max_policy_versions) {
      return api_fail(limit_exceeded("A managed policy can have up to " + std::to_string(k_max_policy_versions) +
                                     " versions. Before you create a new version, you must delete an existing version."));
    }
    version.version_id = "v" + std::to_string(policy->next_version);
    version.document = document;
    version.create_date = now();
    version.is_default = set_default;
    if (auto inserted = exec(
            "INSERT INTO iam_policy_versions (account, policy, version_id, document, create_date) VALUES (?, ?, ?, ?, ?)",
            {account, policy->name, version.version_id, document, version.create_date});
        !inserted) {
      return inserted;
    }
    std::string default_version = set_default ? version.version_id : policy->default_version;
    return exec("UPDATE iam_policies SET next_version = ?, default_version = ?, update_date = ? WHERE account = ? AND name = ?",
                {static_cast<int64_t>(policy->next_version + 1), default_version, version.create_date, account,
                 policy->name});
  });
  if (!ok) return api_fail(ok.error());
  return version;
}

ApiResult<PolicyVersionRecord> IamStore::get_policy_version(const std::string& account, const std::string& arn,
                                                            const std::string& version_id) {
  auto policy = require_policy(account, arn);
  if (!policy) return api_fail(policy.error());
  auto rows = query("SELECT version_id, document, create_date FROM iam_policy_versions WHERE account = ? AND policy = ? "
                    "AND version_id = ?",
                    {account, policy->name, version_id});
  if (!rows) return api_fail(rows.error());
  if (rows->empty()) {
    return api_fail(no_such_entity("Policy " + arn + " version " + version_id + " does not exist or is not attachable."));
  }
  PolicyVersionRecord v{text_of((*rows)[0][0]), text_of((*rows)[0][1]), text_of((*rows)[0][2]), false};
  v.is_default = v.version_id == policy->default_version;
  return v;
}

ApiResult<std::vector<PolicyVersionRecord>> IamStore::list_policy_versions(const std::string& account,
                                                                           const std::string& arn) {
  auto policy = require_policy(account, arn);
  if (!policy) return api_fail(policy.error());
  auto rows = query("SELECT version_id, document, create_date FROM iam_policy_versions WHERE account = ? AND policy = ? "
                    "ORDER BY CAST(substr(version_id, 2) AS INTEGER) DESC",
                    {account, policy->name});
  if (!rows) return api_fail(rows.error());
  std::vector<PolicyVersionRecord> out;
  for (const auto& r : *rows) {
    PolicyVersionRecord v{text_of(r[0]), text_of(r[1]), text_of(r[2]), false};
    v.is_default = v.version_id == policy->default_version;
    out.push_back(std::move(v));
  }
  return out;
}

ApiResult<void> IamStore::delete_policy_version(const std::string& account, const std::string& arn,
                                                const std::string& version_id) {
  return write([&]() -> ApiResult<void> {
    auto policy = require_policy(account, arn);
    if (!policy) return api_fail(policy.error());
    if (version_id == policy->default_version) {
      return api_fail(delete_conflict("Cannot delete the default version of a policy."));
    }
    if (auto ok = exec("DELETE FROM iam_policy_versions WHERE account = ? AND policy = ? AND version_id = ?",
                       {account, policy->name, version_id});
        !ok) {
      return ok;
    }
    if (m_db->changes() == 0) {
      return api_fail(no_such_entity("Policy " + arn + " version " + version_id + " does not exist or is not attachable."));
    }
    return {};
  });
}

ApiResult<void> IamStore::set_default_policy_version(const std::string& account, const std::string& arn,
                                                     const std::string& version_id) {
  return write([&]() -> ApiResult<void> {
    auto version = get_policy_version(account, arn, version_id);
    if (!version) return api_fail(version.error());
    auto policy = require_policy(account, arn);
    if (!policy) return api_fail(policy.error());
    return exec("UPDATE iam_policies SET default_version = ?, update_date = ? WHERE account = ? AND name = ?",
                {version_id, now(), account, policy->name});
  });
}

}  // namespace lcd::local::iam
