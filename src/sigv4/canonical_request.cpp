#include "sigv4/canonical_request.hpp"

#include <algorithm>

#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::sigv4 {

CanonicalOptions canonical_options_for_service(std::string_view service) {
  if (service == "s3" || starts_with(service, "s3-")) return CanonicalOptions{false, false};
  return CanonicalOptions{true, true};
}

std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    bool last = end == path.size();
    if (segment.empty() || segment == ".") {
      if (last) trailing_slash = true;
    } else if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      if (last) trailing_slash = true;
    } else {
      segments.push_back(segment);
      if (last) trailing_slash = false;
    }
    start = end + 1;
  }
  std::string out;
  for (std::string_view segment : segments) {
    out.push_back('/');
    out.append(segment);
  }
  if (out.empty() || trailing_slash) out.push_back('/');
  return out;
}

std::string canonical_uri(std::string_view raw_path, const CanonicalOptions& options) {
  std::string path = options.normalize_path ? normalize_path(raw_path) : std::string(raw_path);
  if (path.empty()) path.push_back('/');
  if (options.double_encode_path) return uri_encode(path, /*keep_slash=*/true);
  return path;
}

std::string canonical_query_string(const QueryList& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(uri_encode(name), uri_encode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out.append(name);
    out.push_back('=');
    out.append(value);
  }
  return out;
}

std::string canonical_header_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
    if (space) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

bool is_unsigned_header(std::string_view name) {
  return name == "authorization" || name == "user-agent" || name == "expect" || name == "connection" ||
         name == "transfer-encoding" || name == "x-amzn-trace-id";
}

CanonicalHeaders canonical_headers(const HeaderList& headers, const std::vector<std::string>& only) {
  // Stable sort keeps duplicates in the order given, which is the order their values are joined in.
  std::vector<std::pair<std::string, std::string>> lowered;
  lowered.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    std::string lower = to_lower(name);
    if (only.empty() ? is_unsigned_header(lower) : std::find(only.begin(), only.end(), lower) == only.end())
      continue;
    lowered.emplace_back(std::move(lower), canonical_header_value(value));
  }
  std::stable_sort(lowered.begin(), lowered.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < lowered.size(); ++i) {
    if (i > 0 && lowered[i].first == lowered[i - 1].first) {
      out.block.back() = ',';  // replaces the previous line's '\n'
    } else {
      if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
      out.signed_headers.append(lowered[i].first);
      out.block.append(lowered[i].first);
      out.block.push_back(':');
    }
    out.block.append(lowered[i].second);
    out.block.push_back('\n');
  }
  return out;
}

std::string canonical_request(std::string_view method, std::string_view canonical_uri_line,
                              std::string_view canonical_query, const CanonicalHeaders& headers,
                              std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri_line.size() + canonical_query.size() + headers.block.size() +
              headers.signed_headers.size() + 72);
  out.append(method).push_back('\n');
  out.append(canonical_uri_line).push_back('\n');
  out.append(canonical_query).push_back('\n');
  out.append(headers.block).push_back('\n');
  out.append(headers.signed_headers).push_back('\n');
  out.append(payload_hash.empty() ? std::string_view(k_empty_payload_hash) : payload_hash);
  return out;
}

std::string credential_scope(std::string_view date, std::string_view region, std::string_view service) {
  std::string out;
  out.append(date).push_back('/');
  out.append(region).push_back('/');
  out.append(service).append("/aws4_request");
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request) {
  std::string out = k_algorithm;
  out.push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out.append(hex_encode(sha256(canonical_request)));
  return out;
}

std::string derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                               std::string_view service) {
  std::string key = "AWS4";
  key.append(secret);
  std::string k_date = hmac_sha256(key, date);
  std::string k_region = hmac_sha256(k_date, region);
  std::string k_service = hmac_sha256(k_region, service);
  return hmac_sha256(k_service, "aws4_request");
}

std::string compute_signature(std::string_view signing_key, std::string_view string_to_sign) {
  return hex_encode(hmac_sha256(signing_key, string_to_sign));
}

bool signatures_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace lcd::sigv4
