#pragma once
// S3 state: buckets, objects, multipart uploads and parts as rows in the endpoint's one SQLite
// database (state_layout.hpp; its own connection, synchronous=FULL), object and part bytes in the
// blob store shared with Lambda. A blob is written before any row refers to it and released when
// the last S3 row referring to it goes; the blob store removes it only when no other service
// (Lambda) refers to it either, so a failed upload leaves nothing behind and shared bytes stay.
// Errors carry S3's code and HTTP status (Error::code, Error::http_status).
//
// State from releases that kept S3 apart (<state>/s3/s3.sqlite3 and <state>/s3/blobs) is imported
// on open, once: blobs first, then every row in one transaction, then the old database is renamed
// to s3.sqlite3.migrated (and the old blob directory to blobs.migrated).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "local/blob_store.hpp"
#include "local/s3/object_listing.hpp"
#include "local/s3/s3_xml.hpp"
#include "local/sqlite_db.hpp"
#include "util/result.hpp"

namespace lcd::local::s3 {

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

struct ObjectMeta {
  std::string bucket;
  std::string key;
  std::string blob;           // hex sha256 in the blob store
  int64_t size = 0;
  std::string etag;           // quoted
  std::string last_modified;  // ISO-8601 ms
  int64_t last_modified_ms = 0;
  HeaderPairs headers;        // Content-Type, Content-Encoding, ..., x-amz-meta-* as stored
  HeaderPairs checksums;      // (algorithm, base64) verified at upload
};

struct UploadPart {
  int part_number = 0;
  std::string blob;
  int64_t size = 0;
  std::string md5_hex;
};

// Makes an S3-shaped error.
Error s3_error(int status, std::string code, std::string message);

class S3Store {
 public:
  // `blobs` (shared with the other services, see blob_store.hpp) must outlive the store.
  static Result<std::unique_ptr<S3Store>> open(const std::filesystem::path& state_dir, BlobStore& blobs);

  Result<void> create_bucket(const std::string& name, const std::string& region);
  Result<std::optional<std::string>> bucket_region(const std::string& name);  // nullopt: no such bucket
  Result<void> delete_bucket(const std::string& name);
  Result<std::vector<BucketSummary>> list_buckets();

  // Stores the bytes, then the row; replaces an existing key.
  Result<ObjectMeta> put_object(const std::string& bucket, const std::string& key, std::string_view bytes,
                                HeaderPairs headers, HeaderPairs checksums);
  Result<ObjectMeta> head_object(const std::string& bucket, const std::string& key);
  Result<std::string> read_blob(const ObjectMeta& meta);
  Result<void> delete_object(const std::string& bucket, const std::string& key);
  // Every object whose key starts with `prefix`, in byte order of key.
  Result<std::vector<ObjectEntry>> list_objects(const std::string& bucket, const std::string& prefix);
  // New row for `key` pointing at the source's blob.
  Result<ObjectMeta> copy_object(const ObjectMeta& source, const std::string& bucket, const std::string& key,
                                 std::optional<HeaderPairs> replace_headers);

  Result<std::string> create_upload(const std::string& bucket, const std::string& key, HeaderPairs headers);
  // The quoted part ETag.
  Result<std::string> put_part(const std::string& bucket, const std::string& key, const std::string& upload_id,
                               int part_number, std::string_view bytes);
  Result<ObjectMeta> complete_upload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                     const std::vector<CompletedPart>& parts);
  Result<void> abort_upload(const std::string& bucket, const std::string& key, const std::string& upload_id);

 private:
  S3Store() = default;
  Result<void> require_bucket(const std::string& bucket);
  explicit S3Store(BlobStore& blobs) : m_blobs(&blobs) {}
  Result<void> import_legacy(const std::filesystem::path& state_dir);
  Result<bool> references(const std::string& blob);
  // Removes blob files nothing refers to any more (see BlobStore::release).
  void release_blobs(const std::vector<std::string>& blobs) { m_blobs->release(blobs); }

  std::unique_ptr<SqliteDb> m_db;
  BlobStore* m_blobs;
  BlobStore::Referrer m_referrer;
};

}  // namespace lcd::local::s3
