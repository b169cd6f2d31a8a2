#pragma once
// Content-addressed package storage: <dir>/<hex sha256>.zip, written atomically (temp file, fsync,
// rename) before any metadata refers to it, so a crash never leaves a reference to a torn blob.

#include <filesystem>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lcd::local {

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path dir);

  // Stores `bytes` (no-op when present); returns the hex sha256.
  Result<std::string> put(std::string_view bytes);
  Result<std::string> get(const std::string& hex_sha256) const;
  // Where the blob lives; empty when `hex_sha256` is not 64 lowercase hex digits.
  std::filesystem::path path_of(const std::string& hex_sha256) const;
  bool contains(const std::string& hex_sha256) const;

 private:
  std::filesystem::path m_dir;
};

// base64 CodeSha256 <-> hex blob name; empty on malformed input.
std::string code_sha_to_hex(const std::string& base64_sha);

}  // namespace lcd::local
