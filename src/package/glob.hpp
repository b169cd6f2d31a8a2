#pragma once
// Glob patterns for the package include/exclude lists, matched against '/'-separated paths
// relative to the project root, with gitignore-like meaning:
//   `*` any run of characters except '/', `?` one such character, `[abc]`/`[a-z]`/`[!x]` a class,
//   `**` any run including '/' (as a whole component: `a/**/b`, `**/x`, `dir/**`);
//   a pattern without '/' matches the name at any depth (`*.pem`); one with '/' is anchored at
//   the root (a leading '/' is allowed); a trailing '/' matches only directories.
// A pattern that matches a directory also covers everything below it.

#include <string>
#include <string_view>

namespace lcd::package {

class Glob {
 public:
  explicit Glob(std::string pattern);
  const std::string& pattern() const { return m_original; }
  // `path` relative, without leading or trailing '/'.
  bool matches(std::string_view path, bool is_directory) const;

 private:
  std::string m_original;
  std::string m_body;  // anchored form without the leading/trailing '/'
  bool m_directory_only = false;
  bool m_anchored = false;
};

// Plain glob match of a whole string, where `*` and `?` do not cross '/' and `**` does.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace lcd::package
