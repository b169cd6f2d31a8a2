#pragma once
// SigV4 signing in both forms: Authorization header and presigned query string.

#include <chrono>
#include <string>

#include "sigv4/canonical_request.hpp"
#include "sigv4/signing_request.hpp"

namespace lcd::sigv4 {

struct SigningParams {
  Credentials credentials;
  std::string region;
  std::string service;  // signing name: "lambda", "cloudformation", "s3"
  std::chrono::system_clock::time_point time;
  CanonicalOptions canonical;  // use canonical_options_for_service(service)
  // Header form: add and sign x-amz-content-sha256 (S3 requires it).
  bool add_content_sha256_header = false;
  // Add the session token after signing instead of signing it (STS "header after" style).
  bool omit_session_token = false;
  std::chrono::seconds expires{3600};  // presigned form only, 1..604800
};

// Ready-made parameters for a service: canonical options and x-amz-content-sha256 for S3.
SigningParams signing_params_for(const Credentials& credentials, std::string region, std::string service,
                                 std::chrono::system_clock::time_point time);

struct SigningResult {
  // Header form: X-Amz-Date, [X-Amz-Content-Sha256], [X-Amz-Security-Token], Authorization.
  // Query form: X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, [-Security-Token], -Signature.
  // Decoded values; the caller appends them to the request (encoding query values itself).
  HeaderList headers_to_add;
  QueryList query_to_add;
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

// Signs with an Authorization header. Request headers named X-Amz-Date, X-Amz-Security-Token,
// X-Amz-Content-Sha256 or Authorization are ignored (the result supplies them).
SigningResult sign_headers(const SigningRequest& request, const SigningParams& params);

// Presigns into query parameters. Existing X-Amz-* signing parameters in the query are ignored.
// For S3 pass payload_hash = UNSIGNED-PAYLOAD.
SigningResult presign_query(const SigningRequest& request, const SigningParams& params);

// The "Credential=AKID/date/region/service/aws4_request" value.
std::string credential_value(std::string_view access_key_id, std::string_view scope);

}  // namespace lcd::sigv4
