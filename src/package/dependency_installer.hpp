#pragma once
// Production dependencies of a Node.js project: `npm ci --omit=dev` when package-lock.json exists,
// else `npm install --omit=dev`, run in a staging folder. The resulting node_modules is kept in a
// cache keyed by sha256 of the lockfile, package.json, the npm command and node's major version, so
// an unchanged lockfile costs no npm run. Cache entries are immutable once complete (built under a
// temporary name, then renamed into place).

#include <chrono>
#include <functional>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "package/package_observer.hpp"
#include "util/result.hpp"

namespace lcd::package {

struct NpmSettings {
  std::filesystem::path npm = "npm";    // a path, or a name looked up in PATH
  std::filesystem::path node = "node";  // for the major version in the cache key
  std::filesystem::path cache_dir;      // required
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
};

struct DependencyInstall {
  bool npm_ran = false;
  std::vector<std::string> command;  // e.g. {"npm", "ci", "--omit=dev", ...}
  std::string cache_key;             // hex
  // The installed node_modules to package (inside the cache); nullopt when npm installed nothing.
  std::optional<std::filesystem::path> node_modules;
};

// `project` holds package.json; `staging` is an empty folder the caller filled with the project's
// selected files (needed only when npm runs: `stage` is called then, lazily).
Result<DependencyInstall> install_production_dependencies(const std::filesystem::path& project,
                                                          const NpmSettings& settings, PackageObserver& observer,
                                                          const std::function<Result<std::filesystem::path>()>& stage);

// Node's major version ("20"), memoized in the cache by the binary's identity; "none" without node.
std::string node_major_version(const std::filesystem::path& node, const std::filesystem::path& cache_dir);

}  // namespace lcd::package
