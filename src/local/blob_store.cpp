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

BlobStore::Referrer::Referrer(Referrer&& other) noexcept : m_store(other.m_store), m_id(other.m_id) {
  other.m_store = nullptr;
}

BlobStore::Referrer& BlobStore::Referrer::operator=(Referrer&& other) noexcept {
  if (this != &other) {
    reset();
    m_store = other.m_store;
    m_id = other.m_id;
    other.m_store = nullptr;
  }
  return *this;
}

BlobStore::Referrer::~Referrer() { reset(); }

void BlobStore::Referrer::reset() {
  if (!m_store) return;
  std::lock_guard lock(m_store->m_referrers_mutex);
  m_store->m_referrers.erase(m_id);
  m_store = nullptr;
}

BlobStore::BlobStore(std::filesystem::path dir) : m_dir(std::move(dir)) {}

BlobStore::~BlobStore() = default;

Result<std::string> BlobStore::put(std::string_view bytes) {
  std::string hex = hex_encode(sha256(bytes));
  {
    std::unique_lock lock(m_writing_mutex);
    m_writing_cv.wait(lock, [&] { return m_writing.count(hex) == 0; });
    if (contains(hex)) return hex;
    m_writing.insert(hex);
  }
  Result<void> written;
  if (auto made = ensure_directory(m_dir); !made) {
    written = fail(made.error());
  } else {
    written = write_file_atomic(path_of(hex), bytes);
  }
  {
    std::lock_guard lock(m_writing_mutex);
    m_writing.erase(hex);
  }
  m_writing_cv.notify_all();
  if (!written) return fail(written.error());
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

BlobStore::Referrer BlobStore::add_referrer(ReferenceCheck check) {
  std::lock_guard lock(m_referrers_mutex);
  uint64_t id = m_next_referrer++;
  m_referrers.emplace(id, std::move(check));
  return Referrer(this, id);
}

void BlobStore::release(const std::vector<std::string>& hex_sha256s) {
  std::unique_lock lock(m_lock);
  std::lock_guard referrers(m_referrers_mutex);
  for (const auto& hex : hex_sha256s) {
    auto path = path_of(hex);
    if (path.empty()) continue;
    bool referenced = false;
    for (const auto& [id, check] : m_referrers) {
      auto refers = check(hex);
      if (!refers || *refers) {
        referenced = true;  // unknown counts as referenced: a leaked file beats a lost one
        break;
      }
    }
    if (referenced) continue;
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
}

Result<size_t> BlobStore::sweep_unreferenced() {
  if (auto made = ensure_directory(m_dir); !made) return fail(made.error());
  if (!m_users) {
    auto users = DirectoryUsers::open(m_dir);
    if (!users) return fail(users.error());
    m_users = std::move(*users);
  }
  auto sole = m_users->claim();
  if (!sole) return fail(ErrorKind::io, "the blob directory: " + sole.error().message);
  if (!*sole) return size_t{0};  // another process uses the directory
  size_t removed = 0;
  std::vector<std::string> blobs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(m_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() >= 64 + 4 && name.compare(64, 4, ".zip") == 0 && is_hex_digest(name.substr(0, 64))) {
      if (name.size() == 64 + 4) {
        blobs.push_back(name.substr(0, 64));
      } else if (name.compare(68, 5, ".tmp.") == 0) {
        std::error_code gone;  // an atomic write that never reached its rename: no writer is left
        if (std::filesystem::remove(entry.path(), gone)) ++removed;
      }
    }
  }
  if (ec) return fail(ErrorKind::io, "cannot list " + m_dir.string() + ": " + ec.message());
  for (const auto& hex : blobs) {
    release({hex});
    if (!contains(hex)) ++removed;
  }
  if (auto shared = m_users->share(); !shared) return fail(ErrorKind::io, "the blob directory: " + shared.error().message);
  return removed;
}

Result<void> BlobStore::adopt_directory(const std::filesystem::path& legacy_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(legacy_dir, ec)) return {};
  if (auto made = ensure_directory(m_dir); !made) return made;
  std::vector<std::filesystem::path> linked;
  for (const auto& entry : std::filesystem::directory_iterator(legacy_dir, ec)) {
    const auto& from = entry.path();
    if (from.extension() != ".zip" || !entry.is_regular_file(ec)) continue;
    auto to = path_of(from.stem().string());
    if (to.empty()) continue;
    if (contains(from.stem().string())) continue;
    std::error_code link_error;
    std::filesystem::create_hard_link(from, to, link_error);
    if (!link_error) {
      linked.push_back(to);
      continue;
    }
    auto bytes = read_file(from);
    if (!bytes) return fail(bytes.error());
    if (auto written = write_file_atomic(to, *bytes); !written) return written;
  }
  if (ec) return fail(ErrorKind::io, "cannot list " + legacy_dir.string() + ": " + ec.message());
  // A new link is durable once both the inode (its link count) and the directory entry are.
  for (const auto& path : linked) {
    if (auto synced = sync_to_disk(path); !synced) return synced;
  }
  return sync_to_disk(m_dir);
}

std::string code_sha_to_hex(const std::string& base64_sha) {
  auto raw = base64_decode(base64_sha);
  if (!raw || raw->size() != 32) return {};
  return hex_encode(*raw);
}

std::string hex_to_code_sha(const std::string& hex_sha256) {
  if (!is_hex_digest(hex_sha256)) return {};
  std::string raw;
  raw.reserve(32);
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i < hex_sha256.size(); i += 2) {
    raw += static_cast<char>(nibble(hex_sha256[i]) * 16 + nibble(hex_sha256[i + 1]));
  }
  return base64_encode(raw);
}

}  // namespace lcd::local
