#pragma once
// SigV4 on the server side: reading the credential scope (which routes the request to a service)
// and, with --verify-signatures, checking the signature as AWS does (aws-api-notes §10).

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
};

// From the Authorization header or a presigned query; nullopt for unsigned requests or another scheme.
std::optional<SigV4Authorization> parse_sigv4_authorization(const HttpRequest& request);

// Access key -> secret. From LAMBDA_CD_LOCAL_CREDENTIALS="AKID:SECRET[,AKID2:SECRET2]", default test:test.
using CredentialMap = std::map<std::string, std::string>;
Result<CredentialMap> credentials_from_env();

// 403 InvalidSignatureException / UnrecognizedClientException / "Signature expired: ..." exactly as
// Lambda answers. Unsigned requests are rejected with MissingAuthenticationTokenException.
// Fails with ServiceException when this build has no SigV4 library.
ApiResult<void> verify_signature(const HttpRequest& request, const std::optional<SigV4Authorization>& auth,
                                 const CredentialMap& credentials, std::chrono::system_clock::time_point now,
                                 std::chrono::seconds allowed_skew);

// Whether verify_signature can check signatures in this build.
bool signature_verification_available();

}  // namespace lcd::local
