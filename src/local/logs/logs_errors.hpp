#pragma once
// CloudWatch Logs' errors (aws-api-notes-2 §15.1): no shape declares a status, so every client
// error is a 400 with the shape's name as __type, in AWS's words.

#include <string>

#include "local/protocol/api_error.hpp"

namespace lcd::local::logs {

inline ApiError invalid_parameter(std::string message) {
  return make_api_error(400, "InvalidParameterException", std::move(message));
}
inline ApiError group_not_found() {
  return make_api_error(400, "ResourceNotFoundException", "The specified log group does not exist.");
}
inline ApiError stream_not_found() {
  return make_api_error(400, "ResourceNotFoundException", "The specified log stream does not exist.");
}
inline ApiError already_exists(std::string message) {
  return make_api_error(400, "ResourceAlreadyExistsException", std::move(message));
}
// A failure of the endpoint itself (its database): retryable, not the caller's fault.
inline ApiError service_unavailable(std::string message) {
  return make_api_error(500, "ServiceUnavailableException", std::move(message));
}

}  // namespace lcd::local::logs
