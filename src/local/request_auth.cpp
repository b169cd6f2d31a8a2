#include "local/request_auth.hpp"

#include <charconv>
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

using Problem = SignatureProblem;
using Kind = SignatureProblem::Kind;

constexpr int64_t k_max_presign_expiry_s = 604800;

#ifdef LCD_HAVE_SIGV4
struct Recomputed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

// The signature the secret gives for the request as received.
Recomputed recompute(const HttpRequest& request, const SigV4Authorization& auth, const std::string& secret) {
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
  Recomputed out;
  out.canonical_request = sigv4::canonical_request(request.method, uri, canonical_query, headers, payload_hash);
  out.string_to_sign = sigv4::string_to_sign(auth.amz_date, sigv4::credential_scope(auth.date, auth.region, auth.service),
                                             out.canonical_request);
  out.signature = sigv4::compute_signature(sigv4::derive_signing_key(secret, auth.date, auth.region, auth.service),
                                           out.string_to_sign);
  return out;
}
#endif

tl::unexpected<Problem> problem(Kind kind, const SigV4Authorization* auth, std::chrono::system_clock::time_point now,
                                std::chrono::seconds allowed_skew) {
  Problem p;
  p.kind = kind;
  p.now = now;
  p.allowed_skew = allowed_skew;
  if (auth) {
    p.access_key = auth->access_key;
    p.request_time = auth->amz_date;
    p.signature_provided = auth->signature;
  }
  return tl::unexpected<Problem>(std::move(p));
}

// "Signature expired: <t> is now earlier than <bound> (<now> - 15 min.)" and its future twin.
std::string skew_message(const Problem& p) {
  auto minutes = std::to_string(std::chrono::duration_cast<std::chrono::minutes>(p.allowed_skew).count());
  if (p.kind == Kind::expired) {
    return "Signature expired: " + p.request_time + " is now earlier than " +
           format_amz_date(p.now - std::chrono::seconds(p.expires_s)) + " (" + format_amz_date(p.now) + " - " +
           std::to_string(p.expires_s) + " sec.)";
  }
  if (p.ahead) {
    return "Signature not yet current: " + p.request_time + " is still later than " +
           format_amz_date(p.now + p.allowed_skew) + " (" + format_amz_date(p.now) + " + " + minutes + " min.)";
  }
  return "Signature expired: " + p.request_time + " is now earlier than " + format_amz_date(p.now - p.allowed_skew) +
         " (" + format_amz_date(p.now) + " - " + minutes + " min.)";
}

// ISO 8601 without fractions, as S3 reports times in errors.
std::string iso_seconds(std::chrono::system_clock::time_point t) {
  std::string ms = format_iso8601_ms(t);  // 2026-11-26T12:00:00.000Z
  return ms.substr(0, 19) + "Z";
}

ApiError s3_signature_error(const Problem& p) {
  switch (p.kind) {
    case Kind::missing: return forbidden("AccessDenied", "Access Denied");
    case Kind::incomplete:
      return forbidden("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
    case Kind::unknown_key: {
      ApiError e = forbidden("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
      e.extra.emplace_back("AWSAccessKeyId", p.access_key);
      return e;
    }
    case Kind::skewed: {
      ApiError e = forbidden("RequestTimeTooSkewed",
                             "The difference between the request time and the current time is too large.");
      e.extra.emplace_back("RequestTime", p.request_time);
      e.extra.emplace_back("ServerTime", iso_seconds(p.now));
      e.extra.emplace_back("MaxAllowedSkewMilliseconds",
                           std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(p.allowed_skew).count()));
      return e;
    }
    case Kind::expired: {
      ApiError e = forbidden("AccessDenied", "Request has expired");
      std::chrono::system_clock::time_point signed_at;
      parse_amz_date(p.request_time, signed_at);
      e.extra.emplace_back("X-Amz-Expires", std::to_string(p.expires_s));
      e.extra.emplace_back("Expires", iso_seconds(signed_at + std::chrono::seconds(p.expires_s)));
      e.extra.emplace_back("ServerTime", iso_seconds(p.now));
      return e;
    }
    case Kind::bad_expiry: {
      ApiError e = make_api_error(400, "AuthorizationQueryParametersError",
                                  p.expires_s > k_max_presign_expiry_s
                                      ? "X-Amz-Expires must be less than a week (in seconds) that is 604800"
                                      : "X-Amz-Expires should be a number");
      return e;
    }
    case Kind::mismatch: {
      ApiError e = forbidden("SignatureDoesNotMatch",
                             "The request signature we calculated does not match the signature you provided. Check "
                             "your key and signing method.");
      e.extra.emplace_back("AWSAccessKeyId", p.access_key);
      e.extra.emplace_back("StringToSign", p.string_to_sign);
      e.extra.emplace_back("SignatureProvided", p.signature_provided);
      e.extra.emplace_back("CanonicalRequest", p.canonical_request);
      return e;
    }
    case Kind::unavailable: break;
  }
  return make_api_error(500, "InternalError", "signature verification is not available in this build");
}

ApiError query_signature_error(const Problem& p) {
  switch (p.kind) {
    case Kind::missing: return forbidden("MissingAuthenticationToken", "Request is missing Authentication Token");
    case Kind::incomplete:
      return make_api_error(400, "IncompleteSignature",
                            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    case Kind::unknown_key:
      return forbidden("InvalidClientTokenId", "The security token included in the request is invalid.");
    case Kind::skewed:
    case Kind::expired: return forbidden("SignatureDoesNotMatch", skew_message(p));
    case Kind::bad_expiry:
      return make_api_error(400, "AuthorizationQueryParametersError",
                            "X-Amz-Expires must be a number of seconds from 1 to 604800");
    case Kind::mismatch:
      return forbidden("SignatureDoesNotMatch",
                       "The request signature we calculated does not match the signature you provided. Check your AWS "
                       "Secret Access Key and signing method. Consult the service documentation for details.");
    case Kind::unavailable: break;
  }
  return make_api_error(500, "InternalFailure", "signature verification is not available in this build");
}

ApiError json_signature_error(const Problem& p) {
  switch (p.kind) {
    case Kind::missing: return forbidden("MissingAuthenticationTokenException", "Missing Authentication Token");
    case Kind::incomplete:
      return forbidden("IncompleteSignatureException",
                       "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    case Kind::unknown_key:
      return forbidden("UnrecognizedClientException", "The security token included in the request is invalid.");
    case Kind::skewed:
    case Kind::expired: return forbidden("InvalidSignatureException", skew_message(p));
    case Kind::bad_expiry:
      return make_api_error(400, "InvalidParameterValueException",
                            "X-Amz-Expires must be a number of seconds from 1 to 604800");
    case Kind::mismatch:
      return forbidden("InvalidSignatureException",
                       "The request signature we calculated does not match the signature you provided. Check your AWS "
                       "Secret Access Key and signing method. Consult the service documentation for details.");
    case Kind::unavailable: break;
  }
  return service_error("signature verification is not available in this build (no SigV4 library)");
}

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
    out.expires = request.query_param("X-Amz-Expires");
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

bool signature_verification_available() {
#ifdef LCD_HAVE_SIGV4
  return true;
#else
  return false;
#endif
}

tl::expected<void, SignatureProblem> check_signature(const HttpRequest& request,
                                                     const std::optional<SigV4Authorization>& auth,
                                                     const CredentialMap& credentials,
                                                     std::chrono::system_clock::time_point now,
                                                     std::chrono::seconds allowed_skew) {
  if (!auth) return problem(Kind::missing, nullptr, now, allowed_skew);
  auto it = credentials.find(auth->access_key);
  if (it == credentials.end()) return problem(Kind::unknown_key, &*auth, now, allowed_skew);
  std::chrono::system_clock::time_point signed_at;
  if (!parse_amz_date(auth->amz_date, signed_at)) return problem(Kind::incomplete, &*auth, now, allowed_skew);
  if (signed_at > now + allowed_skew) {
    auto p = problem(Kind::skewed, &*auth, now, allowed_skew);
    p.value().ahead = true;
    return p;
  }
  if (auth->presigned) {
    int64_t expires = 0;
    auto [end, ec] = std::from_chars(auth->expires.data(), auth->expires.data() + auth->expires.size(), expires);
    if (auth->expires.empty() || ec != std::errc() || end != auth->expires.data() + auth->expires.size() ||
        expires < 1 || expires > k_max_presign_expiry_s) {
      auto p = problem(Kind::bad_expiry, &*auth, now, allowed_skew);
      p.value().expires_s = ec == std::errc() ? expires : 0;
      return p;
    }
    if (now > signed_at + std::chrono::seconds(expires)) {
      auto p = problem(Kind::expired, &*auth, now, allowed_skew);
      p.value().expires_s = expires;
      return p;
    }
  } else if (signed_at < now - allowed_skew) {
    return problem(Kind::skewed, &*auth, now, allowed_skew);
  }
#ifdef LCD_HAVE_SIGV4
  Recomputed expected = recompute(request, *auth, it->second);
  if (!sigv4::signatures_equal(expected.signature, auth->signature)) {
    auto p = problem(Kind::mismatch, &*auth, now, allowed_skew);
    p.value().string_to_sign = std::move(expected.string_to_sign);
    p.value().canonical_request = std::move(expected.canonical_request);
    return p;
  }
  return {};
#else
  (void)request;
  return problem(Kind::unavailable, &*auth, now, allowed_skew);
#endif
}

ApiError signature_error(const SignatureProblem& problem, SignatureDialect dialect) {
  switch (dialect) {
    case SignatureDialect::s3: return s3_signature_error(problem);
    case SignatureDialect::query: return query_signature_error(problem);
    case SignatureDialect::rest_json:
    case SignatureDialect::json: break;
  }
  return json_signature_error(problem);
}

ApiResult<void> verify_signature(const HttpRequest& request, const std::optional<SigV4Authorization>& auth,
                                 const CredentialMap& credentials, std::chrono::system_clock::time_point now,
                                 std::chrono::seconds allowed_skew, SignatureDialect dialect) {
  auto checked = check_signature(request, auth, credentials, now, allowed_skew);
  if (!checked) return api_fail(signature_error(checked.error(), dialect));
  return {};
}

}  // namespace lcd::local
