#pragma once
// Lambda's package size limits, checked before any upload, with a breakdown of what is big.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace lcd::package {

inline constexpr uint64_t k_max_zipped_direct_upload = 52'428'800;  // 50 MiB, zip in the request body
inline constexpr uint64_t k_max_unzipped = 262'144'000;             // 250 MiB, all layers included

struct SizeLimits {
  uint64_t zipped = k_max_zipped_direct_upload;
  uint64_t unzipped = k_max_unzipped;
};

struct FolderSize {
  std::string folder;  // "node_modules/aws-sdk/", "src/", "(top-level files)"
  uint64_t unzipped = 0;
  uint64_t zipped = 0;  // 0 when the zip was not written yet
  uint64_t files = 0;
};

// The folder a packaged path is counted under: its first component, or the package folder for
// node_modules ("node_modules/@scope/name/").
std::string budget_group(std::string_view path);

struct SizedPath {
  std::string path;
  uint64_t unzipped = 0;
  uint64_t zipped = 0;
};

// The `limit` biggest groups by unzipped size (ties by name).
std::vector<FolderSize> biggest_folders(const std::vector<SizedPath>& paths, size_t limit = 10);

// "12.3 MB" (decimal units, as Lambda's console shows them).
std::string human_size(uint64_t bytes);

// Fails with ErrorKind::invalid when a limit is broken; the message names the limit, the size and
// the breakdown. `zipped` is nullopt-like 0 when not known yet.
Result<void> check_size_budget(uint64_t zipped, uint64_t unzipped, const std::vector<FolderSize>& breakdown,
                               const SizeLimits& limits);

}  // namespace lcd::package
