#include "sigv4/authorization_parser.hpp"

#include <charconv>

#include "sigv4/canonical_request.hpp"
#include "util/strings.hpp"

namespace lcd::sigv4 {
namespace {

// "AKID/20150830/us-east-1/service/aws4_request" into the struct.
Result<void> parse_credential(std::string_view credential, ParsedAuthorization& out) {
  std::vector<std::string> parts = split(credential, '/');
  if (parts.size() != 5 || parts[4] != "aws4_request" || parts[0].empty() || parts[1].size() != 8 ||
      parts[2].empty() || parts[3].empty()) {
    return fail(ErrorKind::invalid, "malformed SigV4 credential '" + std::string(credential) +
                                        "': expected <access key>/<YYYYMMDD>/<region>/<service>/aws4_request");
  }
  out.access_key_id = parts[0];
  out.date = parts[1];
  out.region = parts[2];
  out.service = parts[3];
  return {};
}

Result<void> parse_signed_headers(std::string_view value, ParsedAuthorization& out) {
  if (trim(value).empty()) return fail(ErrorKind::invalid, "SigV4 SignedHeaders is empty");
  for (const std::string& name : split(trim(value), ';')) {
    if (name.empty()) return fail(ErrorKind::invalid, "SigV4 SignedHeaders has an empty name");
    out.signed_headers.push_back(to_lower(name));
  }
  return {};
}

bool is_hex_signature(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

const std::string* find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& header : headers)
    if (iequals(header.first, name)) return &header.second;
  return nullptr;
}

}  // namespace

Result<ParsedAuthorization> parse_authorization_header(std::string_view value) {
  value = trim(value);
  const std::string_view prefix = k_algorithm;
  if (!starts_with(value, prefix) || (value.size() > prefix.size() && value[prefix.size()] != ' ')) {
    return fail(ErrorKind::auth, "Authorization header is not AWS4-HMAC-SHA256");
  }
  ParsedAuthorization out;
  bool have_credential = false, have_signed = false, have_signature = false;
  for (const std::string& raw : split(value.substr(prefix.size()), ',')) {
    std::string_view part = trim(raw);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return fail(ErrorKind::invalid, "Authorization header component '" + std::string(part) + "' has no '='");
    }
    std::string_view key = trim(part.substr(0, eq));
    std::string_view val = trim(part.substr(eq + 1));
    if (key == "Credential") {
      if (auto r = parse_credential(val, out); !r) return fail(r.error());
      have_credential = true;
    } else if (key == "SignedHeaders") {
      if (auto r = parse_signed_headers(val, out); !r) return fail(r.error());
      have_signed = true;
    } else if (key == "Signature") {
      if (!is_hex_signature(val)) return fail(ErrorKind::invalid, "SigV4 Signature is not 64 lowercase hex digits");
      out.signature = std::string(val);
      have_signature = true;
    } else {
      return fail(ErrorKind::invalid, "Authorization header has unknown component '" + std::string(key) + "'");
    }
  }
  if (!have_credential) return fail(ErrorKind::invalid, "Authorization header requires a 'Credential' parameter");
  if (!have_signed) return fail(ErrorKind::invalid, "Authorization header requires a 'SignedHeaders' parameter");
  if (!have_signature) return fail(ErrorKind::invalid, "Authorization header requires a 'Signature' parameter");
  return out;
}

Result<ParsedAuthorization> parse_presigned_query(const QueryList& query) {
  ParsedAuthorization out;
  out.presigned = true;
  const std::string* algorithm = nullptr;
  const std::string* credential = nullptr;
  const std::string* signed_headers = nullptr;
  const std::string* signature = nullptr;
  const std::string* expires = nullptr;
  for (const auto& [name, value] : query) {
    if (name == "X-Amz-Algorithm") algorithm = &value;
    else if (name == "X-Amz-Credential") credential = &value;
    else if (name == "X-Amz-SignedHeaders") signed_headers = &value;
    else if (name == "X-Amz-Signature") signature = &value;
    else if (name == "X-Amz-Expires") expires = &value;
    else if (name == "X-Amz-Date") out.amz_date = value;
    else if (name == "X-Amz-Security-Token") out.session_token = value;
  }
  if (!algorithm) return fail(ErrorKind::invalid, "presigned query requires X-Amz-Algorithm");
  if (*algorithm != k_algorithm) return fail(ErrorKind::auth, "X-Amz-Algorithm '" + *algorithm + "' is not supported");
  if (!credential) return fail(ErrorKind::invalid, "presigned query requires X-Amz-Credential");
  if (auto r = parse_credential(*credential, out); !r) return fail(r.error());
  if (!signed_headers) return fail(ErrorKind::invalid, "presigned query requires X-Amz-SignedHeaders");
  if (auto r = parse_signed_headers(*signed_headers, out); !r) return fail(r.error());
  if (!signature) return fail(ErrorKind::invalid, "presigned query requires X-Amz-Signature");
  if (!is_hex_signature(*signature)) return fail(ErrorKind::invalid, "X-Amz-Signature is not 64 lowercase hex digits");
  out.signature = *signature;
  if (out.amz_date.empty()) return fail(ErrorKind::invalid, "presigned query requires X-Amz-Date");
  if (!expires) return fail(ErrorKind::invalid, "presigned query requires X-Amz-Expires");
  long seconds = -1;
  auto [end, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), seconds);
  if (ec != std::errc() || end != expires->data() + expires->size() || seconds < 1 || seconds > 604800) {
    return fail(ErrorKind::invalid, "X-Amz-Expires must be an integer from 1 to 604800, got '" + *expires + "'");
  }
  out.expires_seconds = seconds;
  return out;
}

std::optional<Result<ParsedAuthorization>> parse_request_authorization(const SigningRequest& request) {
  if (const std::string* header = find_header(request.headers, "authorization")) {
    auto parsed = parse_authorization_header(*header);
    if (parsed) {
      if (const std::string* date = find_header(request.headers, "x-amz-date")) parsed->amz_date = trim(*date);
      if (const std::string* token = find_header(request.headers, "x-amz-security-token"))
        parsed->session_token = *token;
    }
    return parsed;
  }
  for (const auto& param : request.query)
    if (param.first == "X-Amz-Algorithm") return parse_presigned_query(request.query);
  return std::nullopt;
}

ExpectedSignature expected_signature(const SigningRequest& request, const ParsedAuthorization& auth,
                                     std::string_view secret, const CanonicalOptions& options) {
  const CanonicalHeaders headers = canonical_headers(request.headers, auth.signed_headers);
  std::string query;
  if (auth.presigned) {
    QueryList without_signature;
    without_signature.reserve(request.query.size());
    for (const auto& param : request.query)
      if (param.first != "X-Amz-Signature") without_signature.push_back(param);
    query = canonical_query_string(without_signature);
  } else {
    query = canonical_query_string(request.query);
  }
  ExpectedSignature out;
  out.canonical_request =
      canonical_request(request.method, canonical_uri(request.path, options), query, headers, request.payload_hash);
  out.string_to_sign =
      string_to_sign(auth.amz_date, credential_scope(auth.date, auth.region, auth.service), out.canonical_request);
  out.signature =
      compute_signature(derive_signing_key(secret, auth.date, auth.region, auth.service), out.string_to_sign);
  return out;
}

}  // namespace lcd::sigv4
