#include "package/glob.hpp"

namespace lcd::package {
namespace {

// Matches a bracket class at p[0] == '['; sets `consumed` to the pattern length. Returns nullopt-like
// -1 for a malformed class (then '[' is literal).
int match_class(std::string_view p, char c, size_t& consumed) {
  size_t i = 1;
  bool negate = false;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    negate = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  while (i < p.size() && (first || p[i] != ']')) {
    first = false;
    char lo = p[i];
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      char hi = p[i + 2];
      if (lo <= c && c <= hi) matched = true;
      i += 3;
    } else {
      if (lo == c) matched = true;
      ++i;
    }
  }
  if (i >= p.size()) return -1;
  consumed = i + 1;
  return (matched != negate) ? 1 : 0;
}

bool match_here(std::string_view p, std::string_view t) {
  while (!p.empty()) {
    if (p.substr(0, 2) == "**") {
      // "**/" also matches zero directories.
      std::string_view rest = p.substr(2);
      if (!rest.empty() && rest.front() == '/') {
        std::string_view after = rest.substr(1);
        if (match_here(after, t)) return true;
        for (size_t i = 0; i < t.size(); ++i)
          if (t[i] == '/' && match_here(after, t.substr(i + 1))) return true;
        return false;
      }
      for (size_t i = 0; i <= t.size(); ++i)
        if (match_here(rest, t.substr(i))) return true;
      return false;
    }
    const char c = p.front();
    if (c == '*') {
      std::string_view rest = p.substr(1);
      for (size_t i = 0; i <= t.size(); ++i) {
        if (match_here(rest, t.substr(i))) return true;
        if (i < t.size() && t[i] == '/') break;
      }
      return false;
    }
    if (t.empty()) return false;
    if (c == '?') {
      if (t.front() == '/') return false;
    } else if (c == '[') {
      size_t consumed = 0;
      int m = match_class(p, t.front(), consumed);
      if (m >= 0) {
        if (m == 0 || t.front() == '/') return false;
        p.remove_prefix(consumed);
        t.remove_prefix(1);
        continue;
      }
      if (t.front() != '[') return false;
    } else if (c == '\\' && p.size() > 1) {
      if (t.front() != p[1]) return false;
      p.remove_prefix(1);
    } else if (c != t.front()) {
      return false;
    }
    p.remove_prefix(1);
    t.remove_prefix(1);
  }
  return t.empty();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) { return match_here(pattern, text); }

Glob::Glob(std::string pattern) : m_original(std::move(pattern)) {
  std::string_view body = m_original;
  while (body.size() > 1 && body.back() == '/') {
    m_directory_only = true;
    body.remove_suffix(1);
  }
  if (!body.empty() && body.front() == '/') {
    m_anchored = true;
    body.remove_prefix(1);
  }
  if (body.substr(0, 2) == "./") {
    m_anchored = true;
    body.remove_prefix(2);
  }
  if (body.find('/') != std::string_view::npos) m_anchored = true;
  m_body = std::string(body);
}

bool Glob::matches(std::string_view path, bool is_directory) const {
  if (m_directory_only && !is_directory) return false;
  if (m_anchored) return glob_match(m_body, path);
  const size_t slash = path.rfind('/');
  return glob_match(m_body, slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace lcd::package
