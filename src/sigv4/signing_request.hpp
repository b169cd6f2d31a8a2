#pragma once
// What SigV4 needs to know about an HTTP request, independent of any HTTP library.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace lcd::sigv4 {

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;

inline constexpr const char* k_algorithm = "AWS4-HMAC-SHA256";
inline constexpr const char* k_unsigned_payload = "UNSIGNED-PAYLOAD";
inline constexpr const char* k_empty_payload_hash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct SigningRequest {
  std::string method;        // "GET", "POST", ...
  std::string path;          // as sent on the wire (percent-encoded), without '?' and query
  QueryList query;           // decoded names and values, in any order
  HeaderList headers;        // names in any case; duplicates allowed; must include Host
  std::string payload_hash;  // lowercase hex SHA-256 of the body, or UNSIGNED-PAYLOAD; empty = empty body
};

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

// Path rules differ between S3 and every other service (aws-api-notes §10.1).
struct CanonicalOptions {
  bool normalize_path = true;      // remove "." / ".." segments and empty segments
  bool double_encode_path = true;  // percent-encode the already-encoded path once more
};

// S3 (and "s3-*" signing names) neither normalize nor double-encode; everything else does both.
CanonicalOptions canonical_options_for_service(std::string_view service);

}  // namespace lcd::sigv4
