// The local S3's request bodies: CompleteMultipartUpload, DeleteObjects, CreateBucketConfiguration.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "local/s3/s3_xml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  if (auto parts = lcd::local::s3::parse_complete_multipart(body)) {
    for (const auto& p : *parts) {
      if (p.part_number < 1 || p.part_number > 10000) __builtin_trap();
    }
  }
  if (auto del = lcd::local::s3::parse_delete_objects(body)) {
    if (del->keys.empty() || del->keys.size() > lcd::local::s3::k_delete_objects_max_keys) __builtin_trap();
  }
  (void)lcd::local::s3::parse_location_constraint(body);
  return 0;
}
