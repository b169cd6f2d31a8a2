// SigV4 as the local endpoint reads it: the Authorization header (first line of the input) and a
// presigned query string (second line, raw); when either parses, the expected signature is
// recomputed over the path in the third line (canonical request, both path rule sets).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sigv4/authorization_parser.hpp"
#include "sigv4/canonical_request.hpp"
#include "util/encoding.hpp"

namespace {

std::string_view next_line(std::string_view& rest) {
  auto nl = rest.find('\n');
  std::string_view line = rest.substr(0, nl);
  rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  return line;
}

lcd::sigv4::QueryList split_query(std::string_view raw) {
  lcd::sigv4::QueryList out;
  while (!raw.empty()) {
    auto amp = raw.find('&');
    std::string_view pair = raw.substr(0, amp);
    raw.remove_prefix(amp == std::string_view::npos ? raw.size() : amp + 1);
    auto eq = pair.find('=');
    std::string name(pair.substr(0, eq));
    std::string value(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    auto dn = lcd::uri_decode(name);
    auto dv = lcd::uri_decode(value);
    out.emplace_back(dn ? *dn : name, dv ? *dv : value);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view header = next_line(rest);
  std::string_view query = next_line(rest);
  std::string_view path = next_line(rest);

  lcd::sigv4::SigningRequest request;
  request.method = "GET";
  request.path = path.empty() ? "/" : std::string(path);
  request.query = split_query(query);
  request.headers = {{"Host", "127.0.0.1:4566"}, {"X-Amz-Date", "20261127T120000Z"}};
  if (!header.empty()) request.headers.emplace_back("Authorization", std::string(header));
  request.payload_hash = lcd::sigv4::k_unsigned_payload;

  for (auto parsed : {lcd::sigv4::parse_authorization_header(header), lcd::sigv4::parse_presigned_query(request.query)}) {
    if (!parsed) continue;
    for (bool s3 : {false, true}) {
      auto options = lcd::sigv4::canonical_options_for_service(s3 ? "s3" : parsed->service);
      auto expected = lcd::sigv4::expected_signature(request, *parsed, "secret", options);
      if (expected.signature.size() != 64) __builtin_trap();
    }
  }
  if (auto any = lcd::sigv4::parse_request_authorization(request)) (void)any->has_value();
  return 0;
}
