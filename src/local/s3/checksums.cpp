#include "local/s3/checksums.hpp"

#include <openssl/sha.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::s3 {
namespace {

std::array<uint32_t, 256> make_crc32c_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (0x82F63B78u ^ (c >> 1)) : (c >> 1);
    table[i] = c;
  }
  return table;
}

std::string big_endian(uint32_t v) {
  std::string out(4, '\0');
  out[0] = static_cast<char>((v >> 24) & 0xff);
  out[1] = static_cast<char>((v >> 16) & 0xff);
  out[2] = static_cast<char>((v >> 8) & 0xff);
  out[3] = static_cast<char>(v & 0xff);
  return out;
}

Error s3_error(std::string code, std::string message) {
  Error e{ErrorKind::invalid, std::move(message)};
  e.code = std::move(code);
  e.http_status = 400;
  return e;
}

std::string to_upper_name(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

uint32_t crc32(std::string_view data) {
  uLong c = ::crc32(0L, Z_NULL, 0);
  const auto* p = reinterpret_cast<const Bytef*>(data.data());
  size_t left = data.size();
  while (left > 0) {
    auto n = static_cast<uInt>(std::min<size_t>(left, 1u << 30));
    c = ::crc32(c, p, n);
    p += n;
    left -= n;
  }
  return static_cast<uint32_t>(c);
}

uint32_t crc32c(std::string_view data) {
  static const auto table = make_crc32c_table();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string sha1(std::string_view data) {
  std::string out(SHA_DIGEST_LENGTH, '\0');
  SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::optional<std::string> checksum_base64(std::string_view algorithm, std::string_view data) {
  if (algorithm == "crc32") return base64_encode(big_endian(crc32(data)));
  if (algorithm == "crc32c") return base64_encode(big_endian(crc32c(data)));
  if (algorithm == "sha1") return base64_encode(sha1(data));
  if (algorithm == "sha256") return base64_encode(lcd::sha256(data));
  return std::nullopt;
}

Result<std::vector<std::pair<std::string, std::string>>> verify_checksums(
    const std::vector<std::pair<std::string, std::string>>& headers, std::string_view payload) {
  std::vector<std::pair<std::string, std::string>> verified;
  for (const auto& [name, value] : headers) {
    std::string lower = to_lower(name);
    if (!starts_with(lower, "x-amz-checksum-")) continue;
    std::string algorithm = lower.substr(15);
    if (algorithm == "type" || algorithm == "mode") continue;  // not digests
    auto expected = checksum_base64(algorithm, payload);
    if (!expected) return fail(s3_error("InvalidRequest", "Unsupported checksum algorithm: " + algorithm));
    if (*expected != trim(value)) {
      return fail(s3_error("BadDigest", "The " + to_upper_name(algorithm) +
                                            " you specified did not match the calculated checksum."));
    }
    verified.emplace_back(algorithm, *expected);
  }
  return verified;
}

Result<void> verify_content_md5(std::string_view content_md5_base64, std::string_view payload) {
  auto raw = base64_decode(trim(content_md5_base64));
  if (!raw || raw->size() != 16) return fail(s3_error("InvalidDigest", "The Content-MD5 you specified was invalid."));
  if (*raw != md5(payload)) return fail(s3_error("BadDigest", "The Content-MD5 you specified did not match what we received."));
  return {};
}

std::string single_part_etag(std::string_view payload) { return "\"" + hex_encode(md5(payload)) + "\""; }

std::string multipart_etag(const std::vector<std::string>& raw_part_md5s) {
  std::string concatenated;
  for (const auto& m : raw_part_md5s) concatenated += m;
  return "\"" + hex_encode(md5(concatenated)) + "-" + std::to_string(raw_part_md5s.size()) + "\"";
}

std::string unquote_etag(std::string_view etag) {
  etag = trim(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

}  // namespace lcd::local::s3
