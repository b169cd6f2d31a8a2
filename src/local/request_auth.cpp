#include "local/request_auth.hpp"

#include <cstdlib>

#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

#ifdef LCD_HAVE_SIGV4
#include "sigv4/canonical_request.hpp"
#endif

namespace lcd::local {
namespace {

// "AKID/20261126/us-east-1/lambda/aws4_request"
bool parse_credential(const std::string& credential, SigV4Authorization& out) {
  auto parts = split(credential, '/');
  if (parts.size() != 5 || parts[4] != "aws4_request") return false;
  out.access_key = parts[0];
  out.date = parts[1];
  out.region = parts[2];
  out.service = parts[3];
  return !out.access_key.empty() && !out.region.empty() && !out.service.empty();
}

ApiError forbidden(const char* code, std::string message) {
  ApiError e;
  e.status = 403;
  e.code = code;
  e.message = std::move(message);
  return e;
}

#ifdef LCD_HAVE_SIGV4
// Recomputes the signature from the request as received and compares in constant time.
bool signature_matches(const HttpRequest& request, const SigV4Authorization& auth, const std::string& secret) {
  auto options = sigv4::canonical_options_for_service(auth.service);
  std::string uri = sigv4::canonical_uri(request.raw_path, options);
  sigv4::QueryList query;
  for (const auto& [key, value] : request.query) {
    if (auth.presigned && key == "X-Amz-Signature") continue;
    query.emplace_back(key, value);
  }
  std::string canonical_query = sigv4::canonical_query_string(query);
  auto headers = sigv4::canonical_headers(request.headers, split(auth.signed_headers, ';'));
  std::string payload_hash = request.header("x-amz-content-sha256");
  if (payload_hash.empty()) {
    payload_hash = auth.presigned && auth.service == "s3" ? std::string(sigv4::k_unsigned_payload)
                                                           : hex_encode(sha256(request.body));
  }
  std::string creq = sigv4::canonical_request(request.method, uri, canonical_query, headers, payload_hash);
  std::string sts =
      sigv4::string_to_sign(auth.amz_date, sigv4::credential_scope(auth.date, auth.region, auth.service), creq);
  std::string expected =
      sigv4::compute_signature(sigv4::derive_signing_key(secret, auth.date, auth.region, auth.service), sts);
  return sigv4::signatures_equal(expected, auth.signature);
}
#endif

}  // namespace

std::optional<SigV4Authorization> parse_sigv4_authorization(const HttpRequest& request) {
  SigV4Authorization out;
  std::string header = request.header("Authorization");
  if (!header.empty()) {
    constexpr std::string_view scheme = "AWS4-HMAC-SHA256";
    if (!starts_with(header, scheme)) return std::nullopt;
    std::string rest = header.substr(scheme.size());
    for (const auto& raw : split(rest, ',')) {
      std::string item(trim(raw));
      auto eq = item.find('=');
      if (eq == std::string::npos) continue;
      std::string key(trim(item.substr(0, eq)));
      std::string value(trim(item.substr(eq + 1)));
      if (key == "Credential") {
        if (!parse_credential(value, out)) return std::nullopt;
      } else if (key == "SignedHeaders") {
        out.signed_headers = value;
      } else if (key == "Signature") {
        out.signature = value;
      }
    }
    if (out.access_key.empty()) return std::nullopt;
    out.amz_date = request.header("X-Amz-Date");
    return out;
  }
  if (request.query_param("X-Amz-Algorithm") == "AWS4-HMAC-SHA256") {
    if (!parse_credential(request.query_param("X-Amz-Credential"), out)) return std::nullopt;
    out.signed_headers = request.query_param("X-Amz-SignedHeaders");
    out.signature = request.query_param("X-Amz-Signature");
    out.amz_date = request.query_param("X-Amz-Date");
    out.presigned = true;
    return out;
  }
  return std::nullopt;
}

Result<CredentialMap> credentials_from_env() {
  CredentialMap out;
  const char* env = std::getenv("LAMBDA_CD_LOCAL_CREDENTIALS");
  if (!env || !*env) {
    out["test"] = "test";
    return out;
  }
  for (const auto& pair : split(env, ',')) {
    std::string item(trim(pair));
    if (item.empty()) continue;
    auto colon = item.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == item.size()) {
      return fail(ErrorKind::invalid, "LAMBDA_CD_LOCAL_CREDENTIALS entries must be ACCESS_KEY:SECRET");
    }
    out[item.substr(0, colon)] = item.substr(colon + 1);
  }
  return out;
}

static ApiResult<void> check_skew(const SigV4Authorization& auth, std::chrono::system_clock::time_point now,
                           std::chrono::seconds allowed_skew) {
  std::chrono::system_clock::time_point signed_at;
  if (!parse_amz_date(auth.amz_date, signed_at)) {
    return api_fail(forbidden("IncompleteSignatureException",
                              "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."));
  }
  auto minutes = std::chrono::duration_cast<std::chrono::minutes>(allowed_skew).count();
  if (signed_at < now - allowed_skew) {
    return api_fail(forbidden("InvalidSignatureException",
                              "Signature expired: " + auth.amz_date + " is now earlier than " +
                                  format_amz_date(now - allowed_skew) + " (" + format_amz_date(now) + " - " +
                                  std::to_string(minutes) + " min.)"));
  }
  if (signed_at > now + allowed_skew) {
    return api_fail(forbidden("InvalidSignatureException",
                              "Signature not yet current: " + auth.amz_date + " is still later than " +
                                  format_amz_date(now + allowed_skew) + " (" + format_amz_date(now) + " + " +
                                  std::to_string(minutes) + " min.)"));
  }
  return {};
}

bool signature_verification_available() {
#ifdef LCD_HAVE_SIGV4
  return true;
#else
  return false;
#endif
}

ApiResult<void> verify_signature(const HttpRequest& request, const std::optional<SigV4Authorization>& auth,
                                 const CredentialMap& credentials, std::chrono::system_clock::time_point now,
                                 std::chrono::seconds allowed_skew) {
  if (!auth) return api_fail(forbidden("MissingAuthenticationTokenException", "Missing Authentication Token"));
  auto it = credentials.find(auth->access_key);
  if (it == credentials.end()) {
    return api_fail(forbidden("UnrecognizedClientException", "The security token included in the request is invalid."));
  }
  if (auto fresh = check_skew(*auth, now, allowed_skew); !fresh) return fresh;
#ifdef LCD_HAVE_SIGV4
  if (!signature_matches(request, *auth, it->second)) {
    return api_fail(forbidden("InvalidSignatureException",
                              "The request signature we calculated does not match the signature you provided. Check "
                              "your AWS Secret Access Key and signing method. Consult the service documentation for "
                              "details."));
  }
  return {};
#else
  (void)request;
  return api_fail(service_error("signature verification is not available in this build (no SigV4 library)"));
#endif
}

}  // namespace lcd::local
