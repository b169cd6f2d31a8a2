#pragma once
// What --verbose may show of a request: never X-Amz-Security-Token, signatures,
// credentials in presigned queries, or secret keys.

#include <string>
#include <string_view>
#include <vector>

#include "aws/transport.hpp"

namespace lcd::aws {

inline constexpr const char* k_redacted = "<redacted>";

// Authorization, Proxy-Authorization, X-Amz-Security-Token, Cookie, Set-Cookie (any case).
bool is_sensitive_header(std::string_view name);
// X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token (any case).
bool is_sensitive_query_param(std::string_view name);

// A header's value as logs may show it: sensitive ones <redacted>, except that a SigV4 Authorization
// keeps "AWS4-HMAC-SHA256 Credential=AKID/date/region/service/aws4_request, SignedHeaders=..." and
// loses only its signature (an access key id is an identifier, not a secret).
std::string redact_header_value(std::string_view name, std::string_view value);

// The URL with sensitive query values replaced by <redacted>.
std::string redact_url(std::string_view url);

// Secrets shorter than this are not searched for: real secret keys have 40 characters and session
// tokens hundreds, while the dummy keys used with local endpoints ("test") are words that would
// garble every message ("the la<redacted> RevisionId").
inline constexpr size_t k_min_secret_size = 8;

// Replaces every occurrence of each secret of at least k_min_secret_size characters in `text`.
std::string redact_secrets(std::string text, const std::vector<std::string>& secrets);

// "POST http://host/path?query" then one "  Name: value" line per header (sensitive values
// redacted) and "  (body: N bytes)". Bodies are never logged: they can carry environment secrets.
std::string format_request_log(const HttpRequest& request);
std::string format_response_log(const HttpResponse& response);

}  // namespace lcd::aws
