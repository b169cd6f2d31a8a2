#pragma once
// The flexible checksums S3 accepts (x-amz-checksum-<algorithm>, base64 of the big-endian digest)
// and the MD5-based ETags it returns. All pure.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace lcd::local::s3 {

uint32_t crc32(std::string_view data);
uint32_t crc32c(std::string_view data);
std::string sha1(std::string_view data);  // raw 20 bytes

// "crc32", "crc32c", "sha1", "sha256" (lowercase) -> base64 digest; nullopt for an unknown name.
std::optional<std::string> checksum_base64(std::string_view algorithm, std::string_view data);

// Checks every x-amz-checksum-* header or trailer against `payload`; `headers` names may be any case.
// Mismatch -> Error{invalid, code "BadDigest"}; unknown algorithm -> code "InvalidRequest".
// Returns the verified (algorithm, value) pairs for echoing back.
Result<std::vector<std::pair<std::string, std::string>>> verify_checksums(
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view payload);

// Content-MD5 check: bad base64/length -> code "InvalidDigest"; mismatch -> "BadDigest".
Result<void> verify_content_md5(std::string_view content_md5_base64, std::string_view payload);

// "\"<hex md5>\"" for a single-part object.
std::string single_part_etag(std::string_view payload);
// "\"<hex md5 of the concatenated raw part md5s>-<count>\"".
std::string multipart_etag(const std::vector<std::string>& raw_part_md5s);
// Strips surrounding quotes (clients send part ETags quoted or not).
std::string unquote_etag(std::string_view etag);

}  // namespace lcd::local::s3
