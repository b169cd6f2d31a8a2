#include "local/function_name.hpp"

#include <cctype>
#include <vector>

#include "util/strings.hpp"

namespace lcd::local {
namespace {

constexpr std::string_view k_plain_pattern =
    "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
    "(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
constexpr std::string_view k_namespaced_pattern =
    "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
    "(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";
constexpr std::string_view k_qualifier_pattern = "\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+";

bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

bool all_of(std::string_view s, bool (*pred)(char)) {
  for (char c : s) {
    if (!pred(c)) return false;
  }
  return true;
}

// -[a-z]+-\d{1} to the end
bool region_tail(std::string_view s) {
  if (s.size() < 4 || s[0] != '-') return false;
  auto dash = s.find('-', 1);
  if (dash == std::string_view::npos || dash == 1) return false;
  if (!all_of(s.substr(1, dash - 1), is_lower)) return false;
  return s.size() == dash + 2 && is_digit(s[dash + 1]);
}

// ((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}
bool region_after_letters(std::string_view s) {
  if (region_tail(s)) return true;
  if (starts_with(s, "-gov") && region_tail(s.substr(4))) return true;
  if (starts_with(s, "-iso")) {
    if (region_tail(s.substr(4))) return true;
    if (s.size() > 4 && is_lower(s[4]) && region_tail(s.substr(5))) return true;
  }
  return false;
}

bool two_letters(std::string_view s) { return s.size() >= 2 && is_lower(s[0]) && is_lower(s[1]); }

// (eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}
bool is_region(std::string_view s) {
  if (starts_with(s, "eusc-") && two_letters(s.substr(5)) && region_after_letters(s.substr(7))) return true;
  return two_letters(s) && region_after_letters(s.substr(2));
}

bool is_account(std::string_view s) { return s.size() == 12 && all_of(s, is_digit); }

bool is_partition(std::string_view s) {
  if (s.empty()) return true;
  if (!starts_with(s, "aws")) return false;
  for (char c : s.substr(3)) {
    if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return true;
}

bool is_name(std::string_view s, NameShape shape) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(is_word(c) || (shape == NameShape::namespaced && c == '.'))) return false;
  }
  return true;
}

bool is_embedded_qualifier(std::string_view s, NameShape shape) {
  if (s == "$LATEST") return true;
  if (shape == NameShape::namespaced && s == "$LATEST.PUBLISHED") return true;
  return !s.empty() && all_of(s, is_word);
}

}  // namespace

std::string_view function_name_pattern(NameShape shape) {
  return shape == NameShape::plain ? k_plain_pattern : k_namespaced_pattern;
}

size_t function_name_max_length(NameShape shape) { return shape == NameShape::plain ? 140 : 256; }

std::string_view qualifier_pattern() { return k_qualifier_pattern; }

std::optional<FunctionRef> match_function_name(std::string_view text, NameShape shape) {
  const std::vector<std::string> tokens = split(text, ':');
  const size_t n = tokens.size();
  // The optional groups in pattern order, each tried present first: the capture a backtracking
  // regex engine reports for its first full match.
  for (int arn = 1; arn >= 0; --arn) {
    size_t i = 0;
    FunctionRef ref;
    if (arn) {
      if (n < 3 || tokens[0] != "arn" || !is_partition(tokens[1]) || tokens[2] != "lambda") continue;
      i = 3;
    }
    for (int region = 1; region >= 0; --region) {
      size_t j = i;
      if (region) {
        if (j >= n || !is_region(tokens[j])) continue;
        ++j;
      }
      for (int account = 1; account >= 0; --account) {
        size_t k = j;
        if (account) {
          if (k >= n || !is_account(tokens[k])) continue;
          ++k;
        }
        for (int function = 1; function >= 0; --function) {
          size_t m = k;
          if (function) {
            if (m >= n || tokens[m] != "function") continue;
            ++m;
          }
          if (m >= n || !is_name(tokens[m], shape)) continue;
          if (m + 1 == n) {
            return FunctionRef{tokens[m], "", region ? tokens[i] : "", account ? tokens[j] : ""};
          }
          if (m + 2 == n && is_embedded_qualifier(tokens[m + 1], shape)) {
            return FunctionRef{tokens[m], tokens[m + 1], region ? tokens[i] : "", account ? tokens[j] : ""};
          }
        }
      }
    }
  }
  return std::nullopt;
}

bool matches_qualifier_pattern(std::string_view q) {
  if (q == "$LATEST" || q == "$LATEST.PUBLISHED") return true;
  if (q.empty()) return false;
  for (char c : q) {
    if (!(is_word(c) || c == '$')) return false;
  }
  return true;
}

bool is_valid_alias_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  return all_of(name, is_word) && !all_of(name, is_digit);
}

bool is_version_number(std::string_view text) {
  if (text.empty() || text.size() > 18) return false;
  if (text.size() > 1 && text[0] == '0') return false;
  return all_of(text, is_digit);
}

std::string function_arn(const std::string& region, const std::string& account, const std::string& name) {
  return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
}

std::string qualified_arn(const std::string& region, const std::string& account, const std::string& name,
                          const std::string& qualifier) {
  return function_arn(region, account, name) + ":" + qualifier;
}

}  // namespace lcd::local
