#pragma once
// Decoder for `Content-Encoding: aws-chunked` request bodies (S3 streaming uploads):
//   hex-size[;chunk-signature=sig]\r\n data \r\n ... 0[;chunk-signature=sig]\r\n [trailer:value\r\n]* \r\n
// Used for STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace lcd::local::s3 {

struct ChunkedBody {
  std::string payload;                                         // the decoded object bytes
  std::vector<std::pair<std::string, std::string>> trailers;  // names lowercased, values trimmed
  std::vector<std::string> chunk_signatures;                  // one per chunk (incl. the final 0-chunk), if signed
};

// Pure. ErrorKind::invalid with a message naming the defect on any framing error (bad size, missing
// CRLF, truncated data, trailing garbage).
Result<ChunkedBody> decode_aws_chunked(std::string_view body);

// True when the request's x-amz-content-sha256 marks an aws-chunked body.
bool is_streaming_payload(std::string_view content_sha256);

}  // namespace lcd::local::s3
