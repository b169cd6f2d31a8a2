#pragma once
// Reading zip archives safely (over libzip): listing, validation and extraction of
// deployment packages. Pure with respect to the archive bytes; extraction writes only below `dest`.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace lcd {

struct ZipEntryInfo {
  std::string name;          // as stored, '/'-separated
  uint64_t uncompressed_size = 0;
  uint32_t unix_mode = 0;    // from the external attributes; 0 when not recorded
  bool is_directory = false;
  bool is_symlink = false;
};

struct ZipInfo {
  std::vector<ZipEntryInfo> entries;
  uint64_t total_uncompressed = 0;
};

// Fails with ErrorKind::invalid when the bytes are not a zip, or an entry would escape the
// root ("../", absolute path, symlink pointing outside).
Result<ZipInfo> inspect_zip(std::string_view archive);

// Extracts every entry below `dest` (created if missing), keeping the executable bit.
// Same validation as inspect_zip; on failure nothing outside `dest` was written.
Result<void> extract_zip(std::string_view archive, const std::filesystem::path& dest);

}  // namespace lcd
