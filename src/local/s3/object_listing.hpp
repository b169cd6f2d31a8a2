#pragma once
// ListObjectsV2 semantics over a key-sorted snapshot: prefix, delimiter grouping into
// CommonPrefixes, start-after, continuation tokens and max-keys. Pure.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace lcd::local::s3 {

struct ObjectEntry {
  std::string key;
  int64_t size = 0;
  std::string etag;           // quoted
  std::string last_modified;  // ISO-8601 with milliseconds
};

struct ListParams {
  std::string prefix;
  std::string delimiter;
  int max_keys = 1000;             // clamped to [0, 1000]
  std::string continuation_token;  // opaque, from a previous NextContinuationToken
  std::string start_after;
};

struct ListPage {
  std::vector<ObjectEntry> contents;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_continuation_token;
  int key_count() const { return static_cast<int>(contents.size() + common_prefixes.size()); }
};

// `sorted` must be in ascending byte order of key. A token we did not issue -> Error code
// "InvalidArgument" ("The continuation token provided is incorrect").
Result<ListPage> list_objects(const std::vector<ObjectEntry>& sorted, const ListParams& params);

// Byte range of a GET. `satisfiable` false -> 416 InvalidRange; `whole` true -> ignore the header.
struct ByteRange {
  bool whole = true;
  bool satisfiable = true;
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
};
ByteRange parse_range(std::string_view header, uint64_t size);

// S3's bucket-naming rules; the error message says which rule failed.
Result<void> validate_bucket_name(std::string_view name);

}  // namespace lcd::local::s3
