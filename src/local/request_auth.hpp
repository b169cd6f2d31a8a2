#pragma once
// SigV4 on the server side: reading the credential scope (which routes the request to a service)
// and, with --verify-signatures, checking the signature as AWS does (aws-api-notes §9, §10), each
// refusal worded as the answering service words it.

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "local/aws_error.hpp"
#include "local/protocol/http_types.hpp"
#include "util/result.hpp"

namespace lcd::local {

struct SigV4Authorization {
  std::string access_key;
  std::string date;     // YYYYMMDD from the scope
  std::string region;
  std::string service;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;
  std::string amz_date;        // X-Amz-Date (or the presigned query's)
  bool presigned = false;
  std::string expires;         // presigned: X-Amz-Expires as sent
};

// From the Authorization header or a presigned query; nullopt for unsigned requests or another scheme.
std::optional<SigV4Authorization> parse_sigv4_authorization(const HttpRequest& request);

// Access key -> secret. From LAMBDA_CD_LOCAL_CREDENTIALS="AKID:SECRET[,AKID2:SECRET2]", default test:test.
using CredentialMap = std::map<std::string, std::string>;
Result<CredentialMap> credentials_from_env();

// Why a signature was not accepted.
struct SignatureProblem {
  enum class Kind {
    missing,         // no SigV4 signature at all
    incomplete,      // no usable X-Amz-Date
    unknown_key,     // the access key is not one of the credentials
    skewed,          // X-Amz-Date further than the allowed skew from now
    expired,         // presigned: past X-Amz-Date + X-Amz-Expires
    bad_expiry,      // presigned: X-Amz-Expires missing, not a number, or over 7 days
    mismatch,        // the signature is not the one the secret gives
    unavailable,     // this build cannot verify signatures
  };
  Kind kind = Kind::missing;
  std::string access_key;
  std::string request_time;  // X-Amz-Date as sent
  std::chrono::system_clock::time_point now;
  std::chrono::seconds allowed_skew{0};
  bool ahead = false;          // skewed: the request is dated in the future
  int64_t expires_s = 0;       // presigned X-Amz-Expires
  std::string signature_provided;
  std::string string_to_sign;     // mismatch: what the endpoint signed
  std::string canonical_request;  // mismatch: from the request as received
};

// Checks the request's SigV4 signature (header or presigned query) against `credentials`: a header
// signature may be `allowed_skew` old or early; a presigned URL is good from X-Amz-Date (less the
// skew) until X-Amz-Date + X-Amz-Expires (at most 604800 s).
tl::expected<void, SignatureProblem> check_signature(const HttpRequest& request,
                                                     const std::optional<SigV4Authorization>& auth,
                                                     const CredentialMap& credentials,
                                                     std::chrono::system_clock::time_point now,
                                                     std::chrono::seconds allowed_skew);

// How the answering service words a refusal (aws-api-notes §9, §10; aws-api-notes-2 §16):
//   rest_json (Lambda) and json (Logs): 403 MissingAuthenticationTokenException,
//     UnrecognizedClientException, InvalidSignatureException ("Signature expired: ..." when skewed);
//   s3: 403 AccessDenied (unsigned; "Request has expired"), InvalidAccessKeyId,
//     RequestTimeTooSkewed (RequestTime, ServerTime, MaxAllowedSkewMilliseconds),
//     SignatureDoesNotMatch (AWSAccessKeyId, StringToSign, SignatureProvided, CanonicalRequest),
//     400 AuthorizationQueryParametersError for a bad X-Amz-Expires;
//   query (CloudFormation, STS, IAM, CloudWatch): 403 MissingAuthenticationToken,
//     InvalidClientTokenId, SignatureDoesNotMatch ("Signature expired: ..." when skewed).
enum class SignatureDialect { rest_json, json, s3, query };
ApiError signature_error(const SignatureProblem& problem, SignatureDialect dialect);

// check_signature, answered in `dialect`.
ApiResult<void> verify_signature(const HttpRequest& request, const std::optional<SigV4Authorization>& auth,
                                 const CredentialMap& credentials, std::chrono::system_clock::time_point now,
                                 std::chrono::seconds allowed_skew, SignatureDialect dialect);

// Whether verify_signature can check signatures in this build.
bool signature_verification_available();

}  // namespace lcd::local
