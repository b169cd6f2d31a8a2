#pragma once
// <state>/code: the extracted function packages, one directory per CodeSha256 (64 hex digits),
// shared by every `lambda-cd local` on the same state directory.
//
// A package in use is pinned: the pin holds a shared flock on the package's directory. A package is
// removed only by a process that takes that lock exclusively (no environment of any process runs
// from it), by renaming it away first, and a pin checks after locking that its path still names the
// directory it locked, so nobody starts from a package half-removed.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "local/runtime/invoke_engine.hpp"
#include "util/directory_users.hpp"
#include "util/result.hpp"

namespace lcd::local::runtime {

class CodePin {
 public:
  CodePin(std::filesystem::path dir, int fd) : m_dir(std::move(dir)), m_fd(fd) {}
  CodePin(const CodePin&) = delete;
  CodePin& operator=(const CodePin&) = delete;
  ~CodePin();  // closing the directory releases the lock

  const std::filesystem::path& dir() const { return m_dir; }

 private:
  std::filesystem::path m_dir;
  int m_fd;
};

class CodeCache {
 public:
  // Packages beyond `max_packages` are removed, least recently pinned first, after each extraction;
  // pinned ones stay, so the cache holds at most max_packages plus the packages environments run from.
  CodeCache(std::filesystem::path root, size_t max_packages);

  // Registers this process as a user of the cache (held while the cache lives). When no other
  // process uses it, no package is in use, so it is emptied first (with any half-extracted or
  // half-removed one a crash left). False when the cache cannot be locked (it is then left as it is).
  bool join();

  // The function's package, extracted once (into a temporary directory renamed into place, so
  // concurrent cold starts never see half a package) and pinned while the result lives.
  Result<std::shared_ptr<const CodePin>> pin(const FunctionSnapshot& function);

  // Removes unpinned packages, least recently pinned first, until at most max_packages remain.
  // Returns how many it removed.
  size_t trim();

  const std::filesystem::path& root() const { return m_root; }

 private:
  std::filesystem::path m_root;
  size_t m_max_packages;
  std::mutex m_extract_mutex;  // one extraction at a time in this process
  std::optional<DirectoryUsers> m_users;
};

}  // namespace lcd::local::runtime
