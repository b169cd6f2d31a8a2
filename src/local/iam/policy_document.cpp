#include "local/iam/policy_document.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <set>

#include "local/iam/iam_errors.hpp"
#include "util/strings.hpp"

namespace lcd::local::iam {
namespace {

using nlohmann::json;

const std::set<std::string>& top_level_keys() {
  static const std::set<std::string> keys = {"Version", "Id", "Statement"};
  return keys;
}

const std::set<std::string>& statement_keys() {
  static const std::set<std::string> keys = {"Sid",         "Effect",    "Action",   "NotAction", "Resource",
                                             "NotResource", "Principal", "NotPrincipal", "Condition"};
  return keys;
}

bool is_string_or_strings(const json& v) {
  if (v.is_string()) return true;
  if (!v.is_array()) return false;
  for (const auto& item : v) {
    if (!item.is_string()) return false;
  }
  return true;
}

std::vector<std::string> strings_of(const json& v) {
  std::vector<std::string> out;
  if (v.is_string()) out.push_back(v.get<std::string>());
  if (v.is_array()) {
    for (const auto& item : v) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

// The statements of a parsed policy (an object or a list of objects); false when malformed.
bool statements_of(const json& policy, std::vector<json>& out) {
  auto it = policy.find("Statement");
  if (it == policy.end()) return false;
  if (it->is_object()) {
    out.push_back(*it);
  } else if (it->is_array()) {
    for (const auto& s : *it) out.push_back(s);
  } else {
    return false;
  }
  return !out.empty();
}

// Structure and types: what IAM calls "Syntax errors in policy." (for trust policies, invalid Json).
bool well_formed(const json& policy) {
  if (!policy.is_object()) return false;
  for (const auto& [key, value] : policy.items()) {
    if (top_level_keys().count(key) == 0) return false;
  }
  if (policy.contains("Version")) {
    const auto& v = policy["Version"];
    if (!v.is_string() || (v != "2012-10-17" && v != "2008-10-17")) return false;
  }
  if (policy.contains("Id") && !policy["Id"].is_string()) return false;
  std::vector<json> statements;
  if (!statements_of(policy, statements)) return false;
  for (const auto& s : statements) {
    if (!s.is_object()) return false;
    for (const auto& [key, value] : s.items()) {
      if (statement_keys().count(key) == 0) return false;
    }
    if (!s.contains("Effect") || !s["Effect"].is_string()) return false;
    if (s.contains("Action") && s.contains("NotAction")) return false;
    if (s.contains("Resource") && s.contains("NotResource")) return false;
    for (const char* key : {"Action", "NotAction", "Resource", "NotResource"}) {
      if (s.contains(key) && !is_string_or_strings(s[key])) return false;
    }
    if (s.contains("Sid") && !s["Sid"].is_string()) return false;
    if (s.contains("Condition")) {
      if (!s["Condition"].is_object()) return false;
      for (const auto& [op, block] : s["Condition"].items()) {
        if (!block.is_object()) return false;
      }
    }
    for (const char* key : {"Principal", "NotPrincipal"}) {
      if (!s.contains(key)) continue;
      const auto& p = s[key];
      if (p.is_string()) {
        if (p != "*") return false;
      } else if (p.is_object()) {
        for (const auto& [type, values] : p.items()) {
          if (!is_string_or_strings(values)) return false;
        }
      } else {
        return false;
      }
    }
  }
  return true;
}

bool has_non_empty(const json& s, const char* a, const char* b) {
  for (const char* key : {a, b}) {
    if (s.contains(key) && !strings_of(s[key]).empty()) return true;
  }
  return false;
}

ApiResult<void> check_action_prefixes(const json& s) {
  for (const char* key : {"Action", "NotAction"}) {
    if (!s.contains(key)) continue;
    for (const auto& action : strings_of(s[key])) {
      if (action == "*") continue;
      auto parts = split(action, ':');
      if (parts.size() == 1) {
        return api_fail(malformed_policy("Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."));
      }
      if (parts.size() > 2) return api_fail(malformed_policy("Actions/Condition can contain only one colon."));
      for (char c : parts[0]) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') {
          return api_fail(malformed_policy("Vendor " + parts[0] + " is not valid"));
        }
      }
    }
  }
  return {};
}

ApiResult<void> check_resources(const json& s) {
  for (const char* key : {"Resource", "NotResource"}) {
    if (!s.contains(key)) continue;
    for (const auto& resource : strings_of(s[key])) {
      if (resource != "*" && resource.find(':') == std::string::npos) {
        return api_fail(malformed_policy("Resource " + resource + " must be in ARN format or \"*\"."));
      }
    }
  }
  return {};
}

ApiResult<void> validate_identity(const json& policy, const std::vector<json>& statements) {
  (void)policy;
  for (const auto& s : statements) {
    std::string effect = s["Effect"].get<std::string>();
    if (effect != "Allow" && effect != "Deny") return api_fail(malformed_policy("The policy failed legacy parsing"));
  }
  std::set<std::string> sids;
  for (const auto& s : statements) {
    if (!s.contains("Sid")) continue;
    std::string sid = s["Sid"].get<std::string>();
    if (!sid.empty() && !sids.insert(sid).second) {
      return api_fail(malformed_policy("Statement IDs (SID) in a single policy must be unique."));
    }
  }
  for (const auto& s : statements) {
    if (s.contains("Principal") || s.contains("NotPrincipal")) {
      return api_fail(malformed_policy("Policy document should not specify a principal."));
    }
  }
  for (const auto& s : statements) {
    if (!has_non_empty(s, "Action", "NotAction")) return api_fail(malformed_policy("Policy statement must contain actions."));
  }
  for (const auto& s : statements) {
    if (!has_non_empty(s, "Resource", "NotResource")) {
      return api_fail(malformed_policy("Policy statement must contain resources."));
    }
  }
  for (const auto& s : statements) {
    if (auto ok = check_resources(s); !ok) return ok;
    if (auto ok = check_action_prefixes(s); !ok) return ok;
  }
  return {};
}

ApiResult<void> validate_trust(const std::vector<json>& statements) {
  for (const auto& s : statements) {
    std::string effect = s["Effect"].get<std::string>();
    if (effect != "Allow" && effect != "Deny") return api_fail(malformed_policy("The policy failed legacy parsing"));
    if (s.contains("Resource") || s.contains("NotResource")) {
      return api_fail(malformed_policy(std::string("Has prohibited field ") +
                                       (s.contains("Resource") ? "Resource" : "NotResource")));
    }
    if (!s.contains("Principal") && !s.contains("NotPrincipal")) {
      return api_fail(malformed_policy("Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
                                       "The passed in policy has a statement with no principals!"));
    }
    if (!has_non_empty(s, "Action", "NotAction")) return api_fail(malformed_policy("Policy statement must contain actions."));
    if (auto ok = check_action_prefixes(s); !ok) return ok;
    if (s.contains("Action")) {
      for (const auto& action : strings_of(s["Action"])) {
        if (action != "*" && !starts_with(to_lower(action), "sts:")) {
          return api_fail(malformed_policy("AssumeRole policy may only specify STS AssumeRole actions."));
        }
      }
    }
  }
  return {};
}

bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || std::tolower(static_cast<unsigned char>(pattern[p])) ==
                                                        std::tolower(static_cast<unsigned char>(text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool statement_covers_action(const json& s, std::string_view action) {
  if (s.contains("Action")) {
    for (const auto& a : strings_of(s["Action"])) {
      if (glob_match(a, action)) return true;
    }
    return false;
  }
  if (s.contains("NotAction")) {
    for (const auto& a : strings_of(s["NotAction"])) {
      if (glob_match(a, action)) return false;
    }
    return true;
  }
  return false;
}

bool statement_names_principal(const json& s, const TrustRequest& request) {
  if (!s.contains("Principal")) return false;
  const auto& p = s["Principal"];
  if (p.is_string()) return p == "*";
  if (!p.is_object()) return false;
  for (const auto& [type, values] : p.items()) {
    for (const auto& value : strings_of(values)) {
      if (type == "AWS" && value == "*") return true;
      for (const auto& [want_type, want_value] : request.principals) {
        if (type == want_type && value == want_value) return true;
      }
    }
  }
  return false;
}

}  // namespace

ApiResult<void> validate_policy_document(std::string_view document, PolicyKind kind) {
  auto policy = json::parse(document, nullptr, false);
  bool ok = !policy.is_discarded() && well_formed(policy);
  if (!ok) {
    return api_fail(malformed_policy(kind == PolicyKind::trust ? "This policy contains invalid Json"
                                                               : "Syntax errors in policy."));
  }
  std::vector<json> statements;
  statements_of(policy, statements);
  if (kind == PolicyKind::trust) return validate_trust(statements);
  return validate_identity(policy, statements);
}

size_t policy_size(std::string_view document) {
  size_t n = 0;
  for (char c : document) {
    if (!std::isspace(static_cast<unsigned char>(c))) ++n;
  }
  return n;
}

bool action_matches(std::string_view pattern, std::string_view action) { return glob_match(pattern, action); }

bool trust_allows(std::string_view trust_policy, const TrustRequest& request) {
  auto policy = json::parse(trust_policy, nullptr, false);
  std::vector<json> statements;
  if (policy.is_discarded() || !policy.is_object() || !statements_of(policy, statements)) return false;
  bool allowed = false;
  for (const auto& s : statements) {
    if (!s.is_object() || !statement_covers_action(s, request.action) || !statement_names_principal(s, request)) {
      continue;
    }
    std::string effect = s.value("Effect", "");
    if (effect == "Deny") return false;
    if (effect == "Allow") allowed = true;
  }
  return allowed;
}

std::vector<std::string> aws_principals(std::string_view trust_policy) {
  std::vector<std::string> out;
  auto policy = json::parse(trust_policy, nullptr, false);
  std::vector<json> statements;
  if (policy.is_discarded() || !policy.is_object() || !statements_of(policy, statements)) return out;
  for (const auto& s : statements) {
    if (!s.is_object() || !s.contains("Principal") || !s["Principal"].is_object()) continue;
    auto it = s["Principal"].find("AWS");
    if (it == s["Principal"].end()) continue;
    for (auto& value : strings_of(*it)) out.push_back(std::move(value));
  }
  return out;
}

}  // namespace lcd::local::iam
