#pragma once
// S3 REST-XML bodies: builders for the responses we send and parsers for the request bodies we
// accept (read through util/xml_document). Pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "local/s3/object_listing.hpp"
#include "util/result.hpp"
#include "util/encoding.hpp"

namespace lcd::local::s3 {

inline constexpr const char* k_s3_xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

using lcd::xml_escape;  // util/encoding.hpp

struct BucketSummary {
  std::string name;
  std::string creation_date;  // ISO-8601 with milliseconds
  std::string region;         // <BucketRegion>
};
std::string list_buckets_xml(const std::vector<BucketSummary>& buckets, std::string_view owner_id);

struct ListRequestEcho {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  int max_keys = 1000;
  std::string continuation_token;
  std::string start_after;
  bool url_encode = false;  // encoding-type=url
  bool v1 = false;          // ListObjects: Marker/NextMarker instead of KeyCount and the v2 tokens
  std::string next_marker;  // v1, when truncated
};
// ListObjectsV2, or ListObjects (v1) when request.v1.
std::string list_objects_xml(const ListRequestEcho& request, const ListPage& page);

std::string initiate_multipart_xml(std::string_view bucket, std::string_view key, std::string_view upload_id);
std::string complete_multipart_xml(std::string_view location, std::string_view bucket, std::string_view key,
                                   std::string_view etag);
std::string copy_object_xml(std::string_view etag, std::string_view last_modified);
std::string location_constraint_xml(std::string_view region);

struct CompletedPart {
  int part_number = 0;
  std::string etag;  // unquoted
};
// <CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"..."</ETag></Part>...</...>
// Errors carry S3 code "MalformedXML".
Result<std::vector<CompletedPart>> parse_complete_multipart(std::string_view body);

// The LocationConstraint of a CreateBucketConfiguration body; "" for an empty body or element.
Result<std::string> parse_location_constraint(std::string_view body);

// <Delete><Quiet>true</Quiet><Object><Key>k</Key></Object>...</Delete>: 1 to 1000 keys.
inline constexpr size_t k_delete_objects_max_keys = 1000;
struct DeleteRequest {
  bool quiet = false;
  std::vector<std::string> keys;
};
Result<DeleteRequest> parse_delete_objects(std::string_view body);

}  // namespace lcd::local::s3
