#include "local/runtime/code_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/flock.hpp"
#include "util/zip_reader.hpp"

namespace lcd::local::runtime {
namespace {

// A lost race with a removal costs one extraction; this many in a row means something else is wrong.
constexpr int k_pin_attempts = 5;

// The package's directory name, known without reading it when CodeSha256 is well formed.
std::optional<std::string> name_from_sha(const FunctionSnapshot& function) {
  if (auto raw = base64_decode(function.code_sha256); raw && raw->size() == 32) return hex_encode(*raw);
  return std::nullopt;
}

bool is_package_name(const std::string& name) {
  return name.size() == 64 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool same_directory(int fd, const std::filesystem::path& dir) {
  struct stat opened {};
  struct stat named {};
  return ::fstat(fd, &opened) == 0 && ::stat(dir.c_str(), &named) == 0 && opened.st_dev == named.st_dev &&
         opened.st_ino == named.st_ino;
}

// `dir` opened and locked with `operation`, if it exists and is still at its path once locked;
// -1 otherwise (missing, locked against a non-blocking request, or renamed away meanwhile).
int open_locked(const std::filesystem::path& dir, int operation) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  if (flock_retrying(fd, operation) != 0 || !same_directory(fd, dir)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::shared_ptr<const CodePin> pin_existing(const std::filesystem::path& dir) {
  int fd = open_locked(dir, LOCK_SH);
  if (fd < 0) return nullptr;
  ::futimens(fd, nullptr);  // its modification time is its last use: what trim() keeps
  return std::make_shared<const CodePin>(dir, fd);
}

void remove_quietly(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace

CodePin::~CodePin() {
  if (m_fd >= 0) ::close(m_fd);
}

CodeCache::CodeCache(std::filesystem::path root, size_t max_packages)
    : m_root(std::move(root)), m_max_packages(max_packages) {}

bool CodeCache::join() {
  auto users = DirectoryUsers::open(m_root);
  if (!users) return false;
  auto sole = users->claim();
  if (!sole) return false;
  if (*sole) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(m_root, ec)) {
      if (entry.path().filename() != ".users") remove_quietly(entry.path());
    }
    if (!users->share()) return false;  // closing the file lets other processes in
  }
  m_users = std::move(*users);
  return true;
}

Result<std::shared_ptr<const CodePin>> CodeCache::pin(const FunctionSnapshot& function) {
  for (int attempt = 0; attempt < k_pin_attempts; ++attempt) {
    if (auto name = name_from_sha(function)) {
      if (auto pinned = pin_existing(m_root / *name)) return pinned;
    }
    std::unique_lock lock(m_extract_mutex);
    auto bytes = read_file(function.code_zip);
    if (!bytes) return fail(ErrorKind::io, "cannot read the function's package: " + bytes.error().message);
    auto dir = m_root / name_from_sha(function).value_or(hex_encode(sha256(*bytes)));
    if (auto pinned = pin_existing(dir)) return pinned;
    if (auto made = ensure_directory(m_root); !made) return fail(made.error());
    auto tmp = m_root / (dir.filename().string() + ".tmp-" + random_hex(6));
    if (auto extracted = extract_zip(*bytes, tmp); !extracted) {
      remove_quietly(tmp);
      return fail(ErrorKind::invalid, "cannot extract the function's package: " + extracted.error().message);
    }
    std::error_code placing;
    std::filesystem::rename(tmp, dir, placing);
    if (placing) remove_quietly(tmp);  // another process placed it first, or the rename failed
    auto pinned = pin_existing(dir);
    lock.unlock();
    if (pinned) {
      trim();
      return pinned;
    }
    std::error_code ec;
    if (placing && !std::filesystem::is_directory(dir, ec)) {
      return fail(ErrorKind::io, "cannot place the extracted package in " + dir.string() + ": " + placing.message());
    }
    // Removed by another process's trim() between placing and pinning: extract again.
  }
  return fail(ErrorKind::io, "the extracted package in " + m_root.string() + " was removed " +
                                 std::to_string(k_pin_attempts) + " times while it was being opened");
}

size_t CodeCache::trim() {
  struct Package {
    std::filesystem::path dir;
    std::filesystem::file_time_type last_used;
  };
  std::vector<Package> packages;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(m_root, ec)) {
    std::error_code entry_ec;
    if (!is_package_name(entry.path().filename().string()) || !entry.is_directory(entry_ec)) continue;
    auto time = entry.last_write_time(entry_ec);
    if (!entry_ec) packages.push_back({entry.path(), time});
  }
  if (packages.size() <= m_max_packages) return 0;
  std::sort(packages.begin(), packages.end(),
            [](const Package& a, const Package& b) { return a.last_used < b.last_used; });
  size_t excess = packages.size() - m_max_packages;
  size_t removed = 0;
  for (const auto& package : packages) {
    if (removed == excess) break;
    int fd = open_locked(package.dir, LOCK_EX | LOCK_NB);
    if (fd < 0) continue;  // pinned here or by another process, or already gone
    // Renamed while locked: a pin that was waiting for the lock then finds its path gone.
    auto doomed = m_root / (package.dir.filename().string() + ".removing-" + random_hex(6));
    std::error_code rename_ec;
    std::filesystem::rename(package.dir, doomed, rename_ec);
    ::close(fd);
    if (rename_ec) continue;
    remove_quietly(doomed);
    ++removed;
  }
  return removed;
}

}  // namespace lcd::local::runtime
