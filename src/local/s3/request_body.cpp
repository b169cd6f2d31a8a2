#include "local/s3/request_body.hpp"

#include "local/s3/aws_chunked.hpp"
#include "local/s3/checksums.hpp"
#include "local/s3/s3_store.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::s3 {

Result<ObjectBody> decode_object_body(const HttpRequest& request) {
  ObjectBody out;
  std::string content_sha = request.header("x-amz-content-sha256");
  std::string encoding = to_lower(request.header("content-encoding"));
  std::vector<std::pair<std::string, std::string>> to_verify;
  for (const auto& [name, value] : request.headers) {
    if (starts_with(to_lower(name), "x-amz-checksum-")) to_verify.emplace_back(name, value);
  }
  if (is_streaming_payload(content_sha) || encoding.find("aws-chunked") != std::string::npos) {
    auto decoded = decode_aws_chunked(request.body);
    if (!decoded) return fail(s3_error(400, "IncompleteBody", decoded.error().message));
    out.bytes = std::move(decoded->payload);
    for (auto& t : decoded->trailers) {
      if (starts_with(t.first, "x-amz-checksum-")) to_verify.push_back(std::move(t));
    }
    if (request.has_header("x-amz-decoded-content-length")) {
      std::string declared = request.header("x-amz-decoded-content-length");
      if (declared != std::to_string(out.bytes.size())) {
        return fail(s3_error(400, "IncompleteBody",
                             "You did not provide the number of bytes specified by the "
                             "x-amz-decoded-content-length header (" +
                                 declared + "), got " + std::to_string(out.bytes.size())));
      }
    }
    // Trailer names announced but not sent mean a truncated upload.
    for (const auto& announced : split(request.header("x-amz-trailer"), ',')) {
      std::string name = to_lower(trim(announced));
      if (name.empty()) continue;
      bool present = false;
      for (const auto& t : to_verify) present = present || to_lower(t.first) == name;
      if (!present) return fail(s3_error(400, "MalformedTrailerError", "The request contained trailing data that was "
                                                                        "not well-formed or did not conform to our "
                                                                        "published schema. Missing " + name));
    }
  } else {
    out.bytes = request.body;
    if (content_sha.size() == 64 && hex_encode(sha256(out.bytes)) != to_lower(content_sha)) {
      return fail(s3_error(400, "XAmzContentSHA256Mismatch",
                           "The provided 'x-amz-content-sha256' header does not match what was computed."));
    }
  }
  if (request.has_header("content-md5")) {
    if (auto ok = verify_content_md5(request.header("content-md5"), out.bytes); !ok) {
      return fail(s3_error(400, ok.error().code, ok.error().message));
    }
  }
  auto verified = verify_checksums(to_verify, out.bytes);
  if (!verified) return fail(s3_error(400, verified.error().code, verified.error().message));
  out.checksums = std::move(*verified);
  return out;
}

std::vector<std::pair<std::string, std::string>> stored_headers(const HttpRequest& request) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string content_type = request.header("content-type");
  out.emplace_back("Content-Type", content_type.empty() ? "binary/octet-stream" : content_type);
  std::string encoding;
  for (const auto& part : split(request.header("content-encoding"), ',')) {
    auto p = std::string(trim(part));
    if (p.empty() || iequals(p, "aws-chunked")) continue;
    encoding += (encoding.empty() ? "" : ",") + p;
  }
  if (!encoding.empty()) out.emplace_back("Content-Encoding", encoding);
  for (const char* name : {"Content-Disposition", "Content-Language", "Cache-Control", "Expires"}) {
    if (request.has_header(name)) out.emplace_back(name, request.header(name));
  }
  for (const auto& [name, value] : request.headers) {
    std::string lower = to_lower(name);
    if (starts_with(lower, "x-amz-meta-")) out.emplace_back(lower, value);
  }
  return out;
}

}  // namespace lcd::local::s3
