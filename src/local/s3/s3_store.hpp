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
// to s3.sqlite3.migrated (and the old blob directory to blobs.migrated). Buckets from before buckets
// had an owner belong to the default account given to open().

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "local/blob_store.hpp"
#include "local/s3/object_listing.hpp"
#include "local/s3/preconditions.hpp"
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

struct BucketInfo {
  std::string name;
  std::string region;
  std::string account;  // the owner
  std::string created;  // ISO-8601 ms
};

enum class BucketCreated { created, already_yours };

// Makes an S3-shaped error.
Error s3_error(int status, std::string code, std::string message);

class S3Store {
 public:
  // `blobs` (shared with the other services, see blob_store.hpp) must outlive the store.
  // `default_account` owns the buckets of state written before buckets had owners.
  static Result<std::unique_ptr<S3Store>> open(const std::filesystem::path& state_dir, BlobStore& blobs,
                                               const std::string& default_account = "000000000000");

  // Bucket names are one namespace across regions and accounts. A name taken by another account:
  // 409 BucketAlreadyExists; by `account`: 409 BucketAlreadyOwnedByYou, except that re-creating a
  // us-east-1 bucket in us-east-1 succeeds (AWS's legacy answer) as `already_yours`.
  Result<BucketCreated> create_bucket(const std::string& name, const std::string& region, const std::string& account);
  Result<std::optional<BucketInfo>> bucket_info(const std::string& name);  // nullopt: no such bucket
  Result<void> delete_bucket(const std::string& name);
  // The buckets `account` owns, by name; only those in `region` unless it is empty.
  Result<std::vector<BucketSummary>> list_buckets(const std::string& account, const std::string& region = "");

  // Stores the bytes, then the row; replaces an existing key. A `condition` is checked against the
  // object as the request found it (condition.observed, else read now: 412 / 404) and again in the
  // transaction that writes the row (no longer true: 409 ConditionalRequestConflict), so of two
  // racing creates exactly one succeeds.
  Result<ObjectMeta> put_object(const std::string& bucket, const std::string& key, std::string_view bytes,
                                HeaderPairs headers, HeaderPairs checksums, const WriteCondition& condition = {});
  // The current object's ETag; nullopt when the key has none (NoSuchBucket when the bucket is gone).
  Result<std::optional<std::string>> current_etag(const std::string& bucket, const std::string& key);
  Result<ObjectMeta> head_object(const std::string& bucket, const std::string& key);
  Result<std::string> read_blob(const ObjectMeta& meta);
  // With `condition.if_match` the delete is conditional (checked in the deleting transaction): 412
  // when the current object has another ETag, 404 NoSuchKey when there is none.
  Result<void> delete_object(const std::string& bucket, const std::string& key, const WriteCondition& condition = {});
  // Every object whose key starts with `prefix`, in byte order of key.
  Result<std::vector<ObjectEntry>> list_objects(const std::string& bucket, const std::string& prefix);
  // New row for `key` pointing at the source's blob.
  Result<ObjectMeta> copy_object(const ObjectMeta& source, const std::string& bucket, const std::string& key,
                                 std::optional<HeaderPairs> replace_headers, const WriteCondition& condition = {});

  Result<std::string> create_upload(const std::string& bucket, const std::string& key, HeaderPairs headers);
  // The quoted part ETag.
  Result<std::string> put_part(const std::string& bucket, const std::string& key, const std::string& upload_id,
                               int part_number, std::string_view bytes);
  Result<ObjectMeta> complete_upload(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                     const std::vector<CompletedPart>& parts, const WriteCondition& condition = {});
  Result<void> abort_upload(const std::string& bucket, const std::string& key, const std::string& upload_id);

 private:
  S3Store() = default;
  Result<void> require_bucket(const std::string& bucket);
  explicit S3Store(BlobStore& blobs) : m_blobs(&blobs) {}
  Result<void> import_legacy(const std::filesystem::path& state_dir);
  Result<void> migrate_bucket_owners(const std::string& default_account);
  // The first check of a conditional write (before its bytes are stored); fills condition.observed.
  Result<void> precheck(const std::string& bucket, const std::string& key, WriteCondition& condition);
  // The second, inside the writing transaction.
  Result<void> recheck(const std::string& bucket, const std::string& key, const WriteCondition& condition);
  Result<bool> references(const std::string& blob);
  // Removes blob files nothing refers to any more (see BlobStore::release).
  void release_blobs(const std::vector<std::string>& blobs) { m_blobs->release(blobs); }

  std::unique_ptr<SqliteDb> m_db;
  BlobStore* m_blobs;
  BlobStore::Referrer m_referrer;
};

}  // namespace lcd::local::s3
