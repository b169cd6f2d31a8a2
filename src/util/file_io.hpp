#pragma once
// Whole-file reads and crash-safe writes.

#include <filesystem>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lcd {

Result<std::string> read_file(const std::filesystem::path& path);
// Writes to a temporary file beside `path`, fsyncs it, renames it over `path` and fsyncs the
// directory: readers see the old content or the new, never a torn file, and once this returns the
// new content survives a power loss.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);
// fsync of a file or a directory (for a directory: the entries created or renamed in it).
Result<void> sync_to_disk(const std::filesystem::path& path);
Result<void> ensure_directory(const std::filesystem::path& path);

// A directory under the system temp dir, removed with its contents on destruction.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "lambda-cd");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

}  // namespace lcd
