#pragma once
// The one error model of the local endpoint. Every service fails with an ApiError (or an lcd::Error
// carrying an AWS code, mapped by from_error); error_response.hpp renders it in the wire shape of
// the service's protocol.

#include <string>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace lcd::local {

struct ApiError {
  int status = 400;
  std::string code;          // wire code, e.g. "ResourceNotFoundException", "NoSuchBucket"
  std::string message;
  bool null_message = false; // REST-JSON: the message member is JSON null (Lambda AccessDeniedException)
  std::string reason;        // Lambda TooManyRequestsException "Reason", else empty
  int retry_after_s = -1;    // Retry-After header when >= 0
  // Further members the shape carries beside Code and Message, in order (S3: BucketName, Key, Condition).
  std::vector<std::pair<std::string, std::string>> extra;

  // Query-protocol <Type>: "Sender" for 4xx, "Receiver" for 5xx.
  const char* fault_type() const { return status >= 500 ? "Receiver" : "Sender"; }
};

ApiError make_api_error(int status, std::string code, std::string message);

// An lcd::Error with an AWS code keeps its code and status (500 when it has none); one without is
// mapped by kind (not_found -> 404 ResourceNotFoundException, throttled -> 429, ...). An
// Error::retry_after_ms becomes Retry-After in whole seconds.
ApiError from_error(const Error& error);

// The other way, for code that works in lcd::Result: the code, status and message survive.
Error to_error(const ApiError& error);

template <class T>
using ApiResult = tl::expected<T, ApiError>;

inline tl::unexpected<ApiError> api_fail(ApiError error) { return tl::unexpected<ApiError>(std::move(error)); }

}  // namespace lcd::local
