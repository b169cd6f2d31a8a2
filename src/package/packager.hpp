#pragma once
// `package`: the project's selected files plus its production dependencies, as a deterministic zip,
// checked against Lambda's size limits before anything is uploaded. Independent of AWS and the CLI;
// progress goes to a PackageObserver.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "package/file_selection.hpp"
#include "package/package_observer.hpp"
#include "package/size_budget.hpp"
#include "util/result.hpp"

namespace lcd::package {

struct PackageConfig {
  std::vector<std::string> include;  // globs; empty: the whole project
  std::vector<std::string> exclude;  // globs
  std::filesystem::path output;      // the zip; empty: <project>/.lambda-cd/package.zip
  std::filesystem::path cache_dir;   // dependency cache; empty: <project>/.lambda-cd/cache
  std::filesystem::path npm_binary = "npm";
  std::filesystem::path node_binary = "node";
  std::chrono::milliseconds npm_timeout{std::chrono::minutes(10)};
  SizeLimits limits;
  unsigned zip_threads = 0;  // 0: automatic; the bytes never depend on it
};

struct PackageResult {
  std::filesystem::path zip_path;
  uint64_t zip_size = 0;
  std::string code_sha256;          // base64(sha256(zip bytes)), as Lambda reports CodeSha256
  uint64_t unzipped_size = 0;
  uint64_t file_count = 0;          // files and links (directories not counted)
  std::vector<LeftOut> left_out;    // what was not packaged and why (secrets first)
  bool npm_ran = false;
  bool dependencies_from_cache = false;  // package.json present and node_modules reused
  std::string npm_command;          // "npm ci --omit=dev", empty without package.json
  std::vector<FolderSize> biggest_folders;  // top 10 by unzipped size
  std::chrono::milliseconds duration{0};
};

class Packager {
 public:
  Packager(std::filesystem::path project_dir, PackageConfig config, PackageObserver* observer = nullptr);
  // Fails with ErrorKind::invalid on a size-budget breach (the zip is then removed) or a bad
  // project; ErrorKind::io / timeout when npm or the file system fails.
  Result<PackageResult> build();

 private:
  std::filesystem::path m_project;
  PackageConfig m_config;
  PackageObserver* m_observer;
};

}  // namespace lcd::package
