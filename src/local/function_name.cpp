#include "local/function_name.hpp"

#include <cctype>
#include <vector>

#include "util/strings.hpp"

namespace lcd::local {
namespace {

bool is_name_char(char c, bool allow_dot) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || (allow_dot && c == '.');
}

bool is_valid_name(std::string_view name, bool allow_dot) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!is_name_char(c, allow_dot)) return false;
  }
  return true;
}

bool is_account(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// [a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}
bool is_region(std::string_view s) {
  auto parts = split(s, '-');
  if (parts.size() < 3) return false;
  if (parts[0].size() != 2) return false;
  for (const auto& p : parts) {
    if (p.empty()) return false;
  }
  const auto& last = parts.back();
  if (last.size() != 1 || !std::isdigit(static_cast<unsigned char>(last[0]))) return false;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    for (char c : parts[i]) {
      if (!std::islower(static_cast<unsigned char>(c))) return false;
    }
  }
  return true;
}

}  // namespace

bool is_valid_qualifier(std::string_view qualifier) {
  if (qualifier.empty() || qualifier.size() > 128) return false;
  for (char c : qualifier) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '$')) return false;
  }
  return true;
}

bool is_valid_alias_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  bool all_digits = true;
  for (char c : name) {
    if (!is_name_char(c, false)) return false;
    if (!std::isdigit(static_cast<unsigned char>(c))) all_digits = false;
  }
  return !all_digits;
}

bool is_version_number(std::string_view text) {
  if (text.empty() || text.size() > 18) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Result<FunctionRef> parse_function_ref(std::string_view text, bool allow_dot) {
  auto bad = [&] { return fail(ErrorKind::invalid, "invalid function name: " + std::string(text)); };
  if (text.empty() || text.size() > (allow_dot ? 256u : 140u)) return bad();
  std::vector<std::string> parts = split(text, ':');
  FunctionRef ref;
  size_t i = 0;
  if (parts[0] == "arn") {
    // arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]
    if (parts.size() < 7 || parts.size() > 8) return bad();
    if (parts[1].rfind("aws", 0) != 0 || parts[2] != "lambda") return bad();
    if (!is_region(parts[3]) || !is_account(parts[4]) || parts[5] != "function") return bad();
    ref.region = parts[3];
    ref.account = parts[4];
    i = 6;
  } else {
    if (i < parts.size() && parts.size() - i > 1 && is_region(parts[i])) {
      ref.region = parts[i];
      ++i;
    }
    if (i < parts.size() && parts.size() - i > 1 && is_account(parts[i])) {
      ref.account = parts[i];
      ++i;
    }
    if (i < parts.size() && parts.size() - i > 1 && parts[i] == "function") ++i;
  }
  if (i >= parts.size() || parts.size() - i > 2) return bad();
  if (!is_valid_name(parts[i], allow_dot)) return bad();
  ref.name = parts[i];
  if (parts.size() - i == 2) {
    if (!is_valid_qualifier(parts[i + 1])) return bad();
    ref.qualifier = parts[i + 1];
  }
  return ref;
}

std::string function_arn(const std::string& region, const std::string& account, const std::string& name) {
  return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
}

std::string qualified_arn(const std::string& region, const std::string& account, const std::string& name,
                          const std::string& qualifier) {
  return function_arn(region, account, name) + ":" + qualifier;
}

}  // namespace lcd::local
