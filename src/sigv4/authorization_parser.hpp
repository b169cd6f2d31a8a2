#pragma once
// The server side of SigV4: reading an incoming signature (to route by the credential scope's
// service) and recomputing the signature the client must have sent (to verify it).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sigv4/signing_request.hpp"
#include "util/result.hpp"

namespace lcd::sigv4 {

struct ParsedAuthorization {
  bool presigned = false;
  std::string access_key_id;
  std::string date;     // YYYYMMDD from the credential scope
  std::string region;
  std::string service;  // signing name: routes the request
  std::vector<std::string> signed_headers;  // lowercase, as listed
  std::string signature;                    // lowercase hex as sent
  std::string amz_date;       // X-Amz-Date header / query value; empty when absent
  std::string session_token;  // X-Amz-Security-Token header / query value
  long expires_seconds = -1;  // presigned X-Amz-Expires, -1 for the header form
};

// Parses "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<hex>". Whitespace around ',' and '=' is tolerated.
// Errors (kind invalid) name the missing or malformed part.
Result<ParsedAuthorization> parse_authorization_header(std::string_view value);

// Parses X-Amz-Algorithm/Credential/Date/Expires/SignedHeaders/Signature/Security-Token from
// decoded query parameters.
Result<ParsedAuthorization> parse_presigned_query(const QueryList& query);

// Whether the request carries a SigV4 signature in either form (the Authorization header is
// checked first, then X-Amz-Algorithm in the query); nullopt when unsigned. An Authorization
// header with another scheme is an error (kind auth). amz_date and session_token are filled from
// headers for the header form.
std::optional<Result<ParsedAuthorization>> parse_request_authorization(const SigningRequest& request);

struct ExpectedSignature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

// Recomputes the signature for an incoming request as the holder of `secret` would have signed it:
// only auth.signed_headers are canonicalized; the presigned form drops X-Amz-Signature from the
// query. request.payload_hash must be what the client signed (the X-Amz-Content-Sha256 header when
// sent, UNSIGNED-PAYLOAD for presigned S3 URLs, else hex SHA-256 of the body).
ExpectedSignature expected_signature(const SigningRequest& request, const ParsedAuthorization& auth,
                                     std::string_view secret, const CanonicalOptions& options);

}  // namespace lcd::sigv4
