#pragma once
// Content-addressed storage shared by Lambda packages and S3 objects and parts:
// <dir>/<hex sha256>.zip, written atomically (temp file, fsync, rename) before any metadata refers
// to it, so a crash never leaves a reference to a torn blob.
//
// Sharing: the same bytes stored by two services are one file. Every service that refers to blobs
// registers a Referrer (does any of my rows refer to this blob?). A writer holds hold() from put()
// until the row referring to the blob is committed; release() removes a blob only under the
// exclusive lock and only when no referrer refers to it, so a blob is never removed between a
// writer finding it present and committing its reference.

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "util/directory_users.hpp"
#include "util/result.hpp"

namespace lcd::local {

class BlobStore {
 public:
  // true when some row of the referrer refers to the blob (hex sha256).
  using ReferenceCheck = std::function<Result<bool>(const std::string& hex_sha256)>;

  // Registration of a ReferenceCheck; unregisters when destroyed.
  class Referrer {
   public:
    Referrer() = default;
    Referrer(Referrer&& other) noexcept;
    Referrer& operator=(Referrer&& other) noexcept;
    Referrer(const Referrer&) = delete;
    Referrer& operator=(const Referrer&) = delete;
    ~Referrer();

   private:
    friend class BlobStore;
    Referrer(BlobStore* store, uint64_t id) : m_store(store), m_id(id) {}
    void reset();
    BlobStore* m_store = nullptr;
    uint64_t m_id = 0;
  };

  explicit BlobStore(std::filesystem::path dir);
  ~BlobStore();
  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;

  // Stores `bytes` (no-op when present); returns the hex sha256. Call while holding hold() when
  // a row will refer to the blob.
  Result<std::string> put(std::string_view bytes);
  Result<std::string> get(const std::string& hex_sha256) const;
  // Where the blob lives; empty when `hex_sha256` is not 64 lowercase hex digits.
  std::filesystem::path path_of(const std::string& hex_sha256) const;
  bool contains(const std::string& hex_sha256) const;

  // Shared: blobs are neither removed nor found absent-then-removed while it is held.
  std::shared_lock<std::shared_mutex> hold() const { return std::shared_lock(m_lock); }
  [[nodiscard]] Referrer add_referrer(ReferenceCheck check);
  // Removes each blob that no referrer refers to; keeps it when a check fails.
  void release(const std::vector<std::string>& hex_sha256s);

  // Startup clean-up, called once every referrer is registered and before any request is served.
  // A crash can leave blob files no row refers to (between storing a blob and committing the row
  // that would refer to it, or between removing a row and release()) and temporary files of the
  // atomic write: when no other process uses the directory, removes them all; otherwise (another
  // endpoint on the same state: its writes in progress are invisible here) removes nothing. Either
  // way this process is then registered as a user of the directory (a shared flock on
  // <dir>/.users, held until the store is destroyed or the process dies) so that a later sweep by
  // another process leaves this one's writes alone. Returns how many files were removed.
  Result<size_t> sweep_unreferenced();

  // Takes over the blob files of `legacy_dir` (<hex>.zip; hard links, copies across file
  // systems), made durable before returning. Files with other names are left alone.
  Result<void> adopt_directory(const std::filesystem::path& legacy_dir);

  const std::filesystem::path& dir() const { return m_dir; }

 private:
  std::filesystem::path m_dir;
  std::optional<DirectoryUsers> m_users;  // registered once sweep_unreferenced() ran
  mutable std::shared_mutex m_lock;
  std::mutex m_writing_mutex;  // one writer per blob: the atomic write's temp name is per process
  std::condition_variable m_writing_cv;
  std::set<std::string> m_writing;
  std::mutex m_referrers_mutex;  // taken inside m_lock when both are needed
  uint64_t m_next_referrer = 1;
  std::map<uint64_t, ReferenceCheck> m_referrers;
};

// base64 CodeSha256 <-> hex blob name; empty on malformed input.
std::string code_sha_to_hex(const std::string& base64_sha);
std::string hex_to_code_sha(const std::string& hex_sha256);

}  // namespace lcd::local
