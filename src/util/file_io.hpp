#pragma once
// Whole-file reads and crash-safe writes.

#include <filesystem>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lcd {

Result<std::string> read_file(const std::filesystem::path& path);
// Writes to a temporary file beside `path`, fsyncs it, then renames it over `path`:
// readers see the old content or the new, never a torn file.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view content);
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
