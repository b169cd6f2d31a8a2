#pragma once
// Digests over OpenSSL. Results are raw bytes; hex_encode/base64_encode them as needed.

#include <string>
#include <string_view>

namespace lcd {

std::string sha256(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
std::string md5(std::string_view data);
// Only where a format demands it (the AWS SSO token cache names files by SHA-1); never for security.
std::string sha1(std::string_view data);

// Incremental SHA-256 for files and streams too large to hold twice.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string finish();  // raw 32 bytes; the object is spent afterwards

 private:
  void* m_ctx;
};

// 32 random bytes from the OS, hex-encoded to 64 characters (ids, revision ids).
std::string random_hex(size_t bytes);
// RFC 4122 version-4 UUID, lowercase.
std::string random_uuid();

}  // namespace lcd
