#pragma once
// Typed S3 operations (path-style, REST-XML) over aws::ServiceCaller: buckets, single and
// multipart uploads, downloads, listings (every page), deletes. Object keys keep their '/'.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aws/service_caller.hpp"
#include "util/result.hpp"

namespace lcd::clients {

struct S3ObjectSummary {
  std::string key;
  std::string last_modified;
  std::string etag;  // as S3 sends it, quotes included
  int64_t size = 0;
  std::string storage_class;
};

struct S3ObjectInfo {
  int64_t content_length = 0;
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::map<std::string, std::string> metadata;  // x-amz-meta-* without the prefix, lowercase names
};

struct S3Object {
  S3ObjectInfo info;
  std::string body;
};

struct PutObjectResult {
  std::string etag;
  std::string version_id;
};

struct CompletedPart {
  int part_number = 0;
  std::string etag;
};

struct UploadProgress {
  uint64_t bytes_sent = 0;
  uint64_t bytes_total = 0;
  int parts_done = 0;
  int parts_total = 0;
};
using UploadProgressFn = std::function<void(const UploadProgress&)>;

struct PutOptions {
  std::string content_type = "application/octet-stream";
  std::map<std::string, std::string> metadata;  // sent as x-amz-meta-<name>
  // Conditional writes (aws-api-notes-2 §17.1): create only when no object has the key, or replace
  // only the object with this ETag. A false condition fails with 412 PreconditionFailed
  // (ErrorKind::precondition); a concurrent conditional write with 409 ConditionalRequestConflict.
  bool if_none_match = false;
  std::string if_match;
};

// Multipart part size; every part but the last has exactly this many bytes.
inline constexpr uint64_t k_s3_part_size = 8ULL * 1024 * 1024;
// At most this many parts in one upload (S3's limit).
inline constexpr int k_s3_max_parts = 10000;

// Reads `size` bytes at `offset` of the data being uploaded.
using PartReader = std::function<Result<std::string>(uint64_t offset, uint64_t size)>;

class S3Client {
 public:
  explicit S3Client(aws::ServiceCaller& caller) : m_caller(caller) {}

  // `region` other than us-east-1 (and non-empty) is sent as the LocationConstraint.
  Result<void> create_bucket(const std::string& bucket, const std::string& region = "");
  // not_found when the bucket does not exist (HEAD errors have no body: code "404").
  Result<void> head_bucket(const std::string& bucket);

  // One PUT with Content-MD5 (S3 rejects a corrupted body with BadDigest).
  Result<PutObjectResult> put_object(const std::string& bucket, const std::string& key, std::string_view body,
                                     const PutOptions& options = {});

  Result<std::string> create_multipart_upload(const std::string& bucket, const std::string& key,
                                              const PutOptions& options = {});
  // Returns the part's ETag.
  Result<std::string> upload_part(const std::string& bucket, const std::string& key, const std::string& upload_id,
                                  int part_number, std::string_view body);
  Result<PutObjectResult> complete_multipart_upload(const std::string& bucket, const std::string& key,
                                                    const std::string& upload_id,
                                                    const std::vector<CompletedPart>& parts);
  Result<void> abort_multipart_upload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id);

  // Multipart upload of `total` bytes read through `reader` in parts of `part_size`. Any failure
  // aborts the upload, so no partial object or orphaned parts remain; the error is the first one.
  Result<PutObjectResult> multipart_upload(const std::string& bucket, const std::string& key, uint64_t total,
                                           const PartReader& reader, const PutOptions& options = {},
                                           const UploadProgressFn& progress = {},
                                           uint64_t part_size = k_s3_part_size);
  // A file: one PUT when it fits in one part, multipart otherwise.
  Result<PutObjectResult> upload_file(const std::string& bucket, const std::string& key,
                                      const std::filesystem::path& file, const PutOptions& options = {},
                                      const UploadProgressFn& progress = {}, uint64_t part_size = k_s3_part_size);

  Result<S3Object> get_object(const std::string& bucket, const std::string& key);
  // Writes the object atomically (a temporary file renamed over `file`).
  Result<S3ObjectInfo> get_object_to_file(const std::string& bucket, const std::string& key,
                                          const std::filesystem::path& file);
  Result<S3ObjectInfo> head_object(const std::string& bucket, const std::string& key);
  // Every object under `prefix`, following NextContinuationToken to the last page.
  Result<std::vector<S3ObjectSummary>> list_objects(const std::string& bucket, const std::string& prefix = "");
  // Succeeds for a missing key too (S3 answers 204 either way). With `if_match` (an ETag) the delete
  // is conditional: 412 when the current object has another ETag, 404 when there is none.
  Result<void> delete_object(const std::string& bucket, const std::string& key, const std::string& if_match = "");

  static constexpr int k_max_pages = 10000;

 private:
  aws::ServiceCaller& m_caller;
};

// "/<bucket>/<key>" with the key percent-encoded except '/'.
std::string s3_object_path(const std::string& bucket, const std::string& key);

// Response bodies (pure).
struct ListObjectsPage {
  std::vector<S3ObjectSummary> objects;
  bool truncated = false;
  std::string next_continuation_token;
};
Result<ListObjectsPage> parse_list_objects_v2(std::string_view xml);
Result<std::string> parse_initiate_multipart_upload(std::string_view xml);  // the UploadId
Result<PutObjectResult> parse_complete_multipart_upload(std::string_view xml);
std::string build_complete_multipart_upload(const std::vector<CompletedPart>& parts);

}  // namespace lcd::clients
