#pragma once
// Which files of a project go into the package, and which were left out and why. Secrets are
// always left out (`.env*`, `.aws/`, `*.pem`, SSH private keys `id_rsa*` and kin, `.npmrc` holding
// registry credentials), as are version control folders, `reports/`, the `.lambda-cd/` state
// folder and the output zip itself.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lcd::package {

struct SelectionRules {
  std::vector<std::string> include;  // globs (see glob.hpp); empty: everything
  std::vector<std::string> exclude;  // globs
  // Files or folders never packaged, e.g. the output zip and the dependency cache (any path form).
  std::vector<std::filesystem::path> never;
  // Leave out the project's own top-level node_modules/ (production dependencies are installed fresh).
  bool skip_node_modules = false;
  // Secrets and built-in exclusions apply; false for a tree npm installed (node_modules), which is
  // packaged as installed.
  bool project_rules = true;
};

enum class LeftOutReason {
  secret,           // looks like credentials
  excluded,         // matched an exclude pattern
  builtin,          // .git/, reports/, .lambda-cd/, the output zip, the cache
  node_modules,     // replaced by a fresh production install
  symlink_outside,  // a link whose target is outside the project
  not_regular,      // socket, fifo, device
};
const char* to_string(LeftOutReason reason);

struct LeftOut {
  std::string path;    // relative, '/'-separated; folders end with '/'
  LeftOutReason reason = LeftOutReason::excluded;
  std::string detail;  // the rule, e.g. "*.pem" or "contains _authToken"
  std::string describe() const;  // ".env (looks like a secret: .env*)"
};

struct SelectedFile {
  std::string path;               // relative, '/'-separated
  std::filesystem::path source;   // absolute path to read
  uint64_t size = 0;
  bool executable = false;
  bool symlink = false;
  std::string link_target;        // relative target, normalized (only leading "..")
};

struct Selection {
  std::vector<SelectedFile> files;  // in no particular order
  std::vector<LeftOut> left_out;    // sorted by path
  uint64_t total_size = 0;
};

Result<Selection> select_files(const std::filesystem::path& root, const SelectionRules& rules);

// The secret rule a file or folder name triggers (by name only), or empty.
std::string secret_rule_for_name(std::string_view name, bool is_directory);
// Whether an .npmrc's content holds credentials; returns the key found ("_authToken") or empty.
std::string npmrc_credential(std::string_view content);

}  // namespace lcd::package
