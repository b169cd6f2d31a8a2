#pragma once
// The object bytes of a PutObject/UploadPart request: aws-chunked decoding, then every integrity
// check the request asks for (x-amz-content-sha256, Content-MD5, x-amz-checksum-* headers and
// trailers, x-amz-decoded-content-length). Pure; errors carry S3 codes.

#include <string>
#include <utility>
#include <vector>

#include "local/protocol/http_types.hpp"
#include "util/result.hpp"

namespace lcd::local::s3 {

struct ObjectBody {
  std::string bytes;
  std::vector<std::pair<std::string, std::string>> checksums;  // verified (algorithm, base64)
};

Result<ObjectBody> decode_object_body(const HttpRequest& request);

// Content-Type, Content-Encoding (without aws-chunked), Content-Disposition, Content-Language,
// Cache-Control, Expires and x-amz-meta-* (lowercased) from the request, as stored with an object.
std::vector<std::pair<std::string, std::string>> stored_headers(const HttpRequest& request);

}  // namespace lcd::local::s3
