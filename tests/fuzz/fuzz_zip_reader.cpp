// Uploaded packages: the zip reader (libzip) with its path, symlink and size checks, Lambda's
// package validation, and extraction into a scratch directory (only for archives that passed the
// checks and unpack to at most 1 MiB: extraction must then stay inside the directory).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unistd.h>

#include "local/lambda_validation.hpp"
#include "util/zip_reader.hpp"

namespace {

const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("lcd-fuzz-zip-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view archive(reinterpret_cast<const char*>(data), size);
  auto info = lcd::inspect_zip(archive);
  (void)lcd::local::validate_zip(std::string(archive));
  if (!info || info->total_uncompressed > (1u << 20)) return 0;
  std::error_code ec;
  const auto dest = scratch() / "x";
  std::filesystem::remove_all(dest, ec);
  (void)lcd::extract_zip(archive, dest);
  std::filesystem::remove_all(dest, ec);
  return 0;
}
