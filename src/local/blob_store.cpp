#include "local/blob_store.hpp"

#include <system_error>

#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::local {
namespace {

bool is_hex_digest(const std::string& text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

BlobStore::BlobStore(std::filesystem::path dir) : m_dir(std::move(dir)) {}

Result<std::string> BlobStore::put(std::string_view bytes) {
  std::string hex = hex_encode(sha256(bytes));
  if (contains(hex)) return hex;
  if (auto made = ensure_directory(m_dir); !made) return fail(made.error());
  if (auto written = write_file_atomic(path_of(hex), bytes); !written) return fail(written.error());
  return hex;
}

Result<std::string> BlobStore::get(const std::string& hex_sha256) const {
  auto path = path_of(hex_sha256);
  if (path.empty()) return fail(ErrorKind::invalid, "not a sha256: " + hex_sha256);
  return read_file(path);
}

std::filesystem::path BlobStore::path_of(const std::string& hex_sha256) const {
  if (!is_hex_digest(hex_sha256)) return {};
  return m_dir / (hex_sha256 + ".zip");
}

bool BlobStore::contains(const std::string& hex_sha256) const {
  auto path = path_of(hex_sha256);
  std::error_code ec;
  return !path.empty() && std::filesystem::is_regular_file(path, ec);
}

std::string code_sha_to_hex(const std::string& base64_sha) {
  auto raw = base64_decode(base64_sha);
  if (!raw || raw->size() != 32) return {};
  return hex_encode(*raw);
}

}  // namespace lcd::local
