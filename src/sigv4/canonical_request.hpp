#pragma once
// The pure building blocks of SigV4 (aws-api-notes §10.1), each testable against the official vectors.

#include <string>
#include <string_view>
#include <vector>

#include "sigv4/signing_request.hpp"

namespace lcd::sigv4 {

// Removes "." and ".." segments and collapses empty segments; keeps a trailing slash; "" -> "/".
std::string normalize_path(std::string_view path);

// The CanonicalURI line for a path as sent on the wire.
std::string canonical_uri(std::string_view raw_path, const CanonicalOptions& options);

// Names and values URI-encoded (unreserved set, space -> %20), sorted by encoded name then value.
std::string canonical_query_string(const QueryList& query);

// The value trimmed, with internal whitespace runs collapsed to one space.
std::string canonical_header_value(std::string_view value);

struct CanonicalHeaders {
  std::string block;           // "name:value\n" lines, sorted by name
  std::string signed_headers;  // "host;x-amz-date"
};

// Duplicate names are joined with ',' in the order given. With `only` non-empty, just those
// (lowercase) names are included; otherwise every header except the ones SigV4 never signs
// (authorization, user-agent, expect, connection, transfer-encoding, x-amzn-trace-id).
CanonicalHeaders canonical_headers(const HeaderList& headers, const std::vector<std::string>& only = {});

// Headers SigV4 signers leave out of the signature.
bool is_unsigned_header(std::string_view lowercase_name);

// Method \n URI \n query \n headers-block \n signed-headers \n payload-hash
std::string canonical_request(std::string_view method, std::string_view canonical_uri_line,
                              std::string_view canonical_query, const CanonicalHeaders& headers,
                              std::string_view payload_hash);

// "20150830/us-east-1/service/aws4_request"
std::string credential_scope(std::string_view date, std::string_view region, std::string_view service);

// "AWS4-HMAC-SHA256\n<amz date>\n<scope>\n<hex sha256(canonical request)>"
std::string string_to_sign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"); raw bytes.
std::string derive_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                               std::string_view service);

// Lowercase hex HMAC-SHA256(signing key, string to sign).
std::string compute_signature(std::string_view signing_key, std::string_view string_to_sign);

// Constant-time comparison for signature checks.
bool signatures_equal(std::string_view a, std::string_view b);

}  // namespace lcd::sigv4
