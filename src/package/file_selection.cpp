#include "package/file_selection.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <system_error>

#include "package/glob.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::package {
namespace fs = std::filesystem;

namespace {

struct Rules {
  std::vector<Glob> include;
  std::vector<Glob> exclude;
  std::vector<fs::path> never;  // canonical
  bool skip_node_modules = false;
  bool project_rules = true;
};

fs::path canonical_or_lexical(const fs::path& p) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(fs::absolute(p), ec);
  return ec ? fs::absolute(p).lexically_normal() : out;
}

bool within(const fs::path& inner, const fs::path& outer) {
  auto rel = inner.lexically_relative(outer);
  if (rel.empty()) return false;
  return *rel.begin() != "..";
}

bool is_version_control(std::string_view name) { return name == ".git" || name == ".hg" || name == ".svn"; }

const Glob* first_match(const std::vector<Glob>& globs, std::string_view path, bool dir) {
  for (const auto& g : globs)
    if (g.matches(path, dir)) return &g;
  return nullptr;
}

}  // namespace

const char* to_string(LeftOutReason reason) {
  switch (reason) {
    case LeftOutReason::secret: return "secret";
    case LeftOutReason::excluded: return "excluded";
    case LeftOutReason::builtin: return "builtin";
    case LeftOutReason::node_modules: return "node_modules";
    case LeftOutReason::symlink_outside: return "symlink_outside";
    case LeftOutReason::not_regular: return "not_regular";
  }
  return "unknown";
}

std::string LeftOut::describe() const {
  switch (reason) {
    case LeftOutReason::secret: return path + " (looks like a secret: " + detail + ")";
    case LeftOutReason::excluded: return path + " (excluded by '" + detail + "')";
    case LeftOutReason::builtin: return path + " (" + detail + ")";
    case LeftOutReason::node_modules: return path + " (production dependencies are installed fresh)";
    case LeftOutReason::symlink_outside: return path + " (symlink to outside the project: " + detail + ")";
    case LeftOutReason::not_regular: return path + " (not a regular file)";
  }
  return path;
}

std::string secret_rule_for_name(std::string_view name, bool is_directory) {
  if (starts_with(name, ".env")) return ".env*";
  if (is_directory) return name == ".aws" ? ".aws/" : "";
  if (ends_with(name, ".pem")) return "*.pem";
  for (const char* key : {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"}) {
    if (starts_with(name, key) && !ends_with(name, ".pub")) return std::string(key) + "*";
  }
  return "";
}

std::string npmrc_credential(std::string_view content) {
  for (const char* key : {"_authToken", "_auth", "_password"}) {
    for (const auto& line : split(content, '\n')) {
      std::string_view l = trim(line);
      if (l.empty() || l.front() == '#' || l.front() == ';') continue;
      const size_t eq = l.find('=');
      std::string_view lhs = trim(l.substr(0, eq));
      if (ends_with(lhs, key)) return key;
    }
  }
  return "";
}

Result<Selection> select_files(const fs::path& root_in, const SelectionRules& in) {
  std::error_code ec;
  const fs::path root = canonical_or_lexical(root_in);
  if (!fs::is_directory(root, ec)) return fail(ErrorKind::invalid, "project folder not found: " + root_in.string());
  Rules rules;
  for (const auto& p : in.include) rules.include.emplace_back(p);
  for (const auto& p : in.exclude) rules.exclude.emplace_back(p);
  for (const auto& p : in.never) rules.never.push_back(canonical_or_lexical(p.is_absolute() ? p : root / p));
  rules.skip_node_modules = in.skip_node_modules;
  rules.project_rules = in.project_rules;

  Selection out;
  // Whether an ancestor folder matched an include pattern, per depth of the walk.
  std::vector<bool> included_by_dir;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  if (ec) return fail(ErrorKind::io, "cannot list " + root.string() + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return fail(ErrorKind::io, "cannot list " + root.string() + ": " + ec.message());
    const fs::directory_entry& entry = *it;
    const size_t depth = static_cast<size_t>(it.depth());
    included_by_dir.resize(depth + 1);
    const bool parent_included = depth == 0 ? rules.include.empty() : included_by_dir[depth - 1];

    const fs::path& abs = entry.path();
    const std::string rel = abs.lexically_relative(root).generic_string();
    const std::string name = abs.filename().string();
    const fs::file_status link_status = entry.symlink_status(ec);
    if (ec) return fail(ErrorKind::io, "cannot stat " + abs.string() + ": " + ec.message());
    const bool is_link = fs::is_symlink(link_status);
    const bool is_dir = fs::is_directory(link_status);
    const std::string shown = is_dir ? rel + "/" : rel;

    auto leave = [&](LeftOutReason reason, std::string detail) {
      out.left_out.push_back(LeftOut{shown, reason, std::move(detail)});
      if (is_dir) it.disable_recursion_pending();
    };

    // Built-in exclusions, whatever the patterns say.
    if (rules.project_rules && is_dir && is_version_control(name)) { leave(LeftOutReason::builtin, "version control"); continue; }
    if (rules.project_rules && depth == 0 && is_dir && name == "reports") { leave(LeftOutReason::builtin, "test reports"); continue; }
    if (rules.project_rules && depth == 0 && is_dir && name == ".lambda-cd") { leave(LeftOutReason::builtin, "lambda-cd state"); continue; }
    if (depth == 0 && is_dir && name == "node_modules" && rules.skip_node_modules) {
      leave(LeftOutReason::node_modules, "");
      continue;
    }
    {
      const fs::path canon = is_link ? abs.lexically_normal() : canonical_or_lexical(abs);
      bool never = false;
      for (const auto& n : rules.never) never = never || canon == n;
      if (never) { leave(LeftOutReason::builtin, "lambda-cd output"); continue; }
    }

    const bool self_included = parent_included || first_match(rules.include, rel, is_dir) != nullptr;
    if (const Glob* g = first_match(rules.exclude, rel, is_dir)) {
      // Only worth reporting when it would otherwise have been packaged.
      if (self_included || is_dir) leave(LeftOutReason::excluded, g->pattern());
      continue;
    }
    if (std::string rule = rules.project_rules ? secret_rule_for_name(name, is_dir) : ""; !rule.empty()) {
      if (self_included || is_dir) leave(LeftOutReason::secret, rule);
      continue;
    }
    if (is_dir) {
      included_by_dir[depth] = self_included;
      continue;
    }
    if (!self_included) continue;

    if (is_link) {
      const fs::path target = fs::read_symlink(abs, ec);
      if (ec) return fail(ErrorKind::io, "cannot read link " + abs.string() + ": " + ec.message());
      const fs::path dir = abs.parent_path();
      const fs::path lexical = (dir / target).lexically_normal();
      const fs::path physical = canonical_or_lexical(dir / target);
      if (target.is_absolute() || !within(lexical, root) || !within(physical, root) || !fs::exists(physical, ec)) {
        leave(LeftOutReason::symlink_outside, target.string());
        continue;
      }
      SelectedFile file;
      file.path = rel;
      file.source = abs;
      file.symlink = true;
      file.link_target = lexical.lexically_relative(dir).generic_string();
      file.size = file.link_target.size();
      out.total_size += file.size;
      out.files.push_back(std::move(file));
      continue;
    }
    if (!fs::is_regular_file(link_status)) {
      leave(LeftOutReason::not_regular, "");
      continue;
    }
    if (rules.project_rules && name == ".npmrc") {
      auto content = read_file(abs);
      if (!content) return fail(content.error());
      if (std::string key = npmrc_credential(*content); !key.empty()) {
        leave(LeftOutReason::secret, ".npmrc with " + key);
        continue;
      }
    }
    struct stat st {};
    if (::lstat(abs.c_str(), &st) != 0) return fail(ErrorKind::io, "cannot stat " + abs.string());
    SelectedFile file;
    file.path = rel;
    file.source = abs;
    file.size = static_cast<uint64_t>(st.st_size);
    file.executable = (st.st_mode & 0111) != 0;
    out.total_size += file.size;
    out.files.push_back(std::move(file));
  }
  std::sort(out.left_out.begin(), out.left_out.end(), [](const LeftOut& a, const LeftOut& b) { return a.path < b.path; });
  return out;
}

}  // namespace lcd::package
