#pragma once
// Seam between the pipeline and the packager (src/package): builds the deterministic zip.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lcd::pipeline {

struct PackageOutput {
  std::filesystem::path zip_path;
  int64_t zip_size = 0;
  int64_t unzipped_size = 0;
  std::string code_sha256;             // base64(sha256(zip bytes)), as Lambda reports it
  std::vector<std::string> left_out;   // files left out as likely secrets
  std::vector<std::string> notes;      // e.g. "dependencies from cache"
};

class PackageBuilder {
 public:
  virtual ~PackageBuilder() = default;
  virtual Result<PackageOutput> build() = 0;
};

}  // namespace lcd::pipeline
