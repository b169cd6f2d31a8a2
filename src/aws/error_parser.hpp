#pragma once
// AWS error responses of all three wire protocols into lcd::Error (kind, code, message, status,
// request id, Retry-After), the way botocore's parsers read them (aws-api-notes §1.2, §8, §9).

#include <string>
#include <string_view>

#include "aws/service_caller.hpp"
#include "util/result.hpp"

namespace lcd::aws {

// `method` matters for S3 HEAD, whose errors have no body (code = status number as text).
Error parse_error_response(Protocol protocol, int status, const HeaderList& headers, std::string_view body,
                           std::string_view method = "");

// The kind retry and exit-code logic branch on, from the HTTP status, AWS code and message.
ErrorKind classify_error(int status, std::string_view code, std::string_view message);

// Throttling codes of the AWS "standard" retry mode.
bool is_throttling_code(std::string_view code);

// Retry-After as milliseconds (delay-seconds form only); -1 when absent or not a number.
long parse_retry_after_ms(std::string_view value);

}  // namespace lcd::aws
