#pragma once
// CloudWatch's error codes (aws-api-notes-2 §14.2): the wire code, not the shape's class name
// (InvalidParameterValue, not InvalidParameterValueException); clients map one to the other.

#include <string>

#include "local/protocol/api_error.hpp"

namespace lcd::local::cloudwatch {

inline ApiError invalid_parameter(std::string message) {
  return make_api_error(400, "InvalidParameterValue", std::move(message));
}
inline ApiError missing_parameter(const std::string& name) {
  return make_api_error(400, "MissingParameter", "The parameter " + name + " is required.");
}
inline ApiError invalid_combination(std::string message) {
  return make_api_error(400, "InvalidParameterCombination", std::move(message));
}
inline ApiError validation_error(std::string message) {
  return make_api_error(400, "ValidationError", std::move(message));
}
inline ApiError invalid_next_token() { return make_api_error(400, "InvalidNextToken", "The service couldn't process your request because the NextToken is not valid."); }
inline ApiError resource_not_found(std::string message) {
  return make_api_error(404, "ResourceNotFound", std::move(message));
}
inline ApiError internal_error(std::string message) {
  return make_api_error(500, "InternalServiceError", std::move(message));
}

}  // namespace lcd::local::cloudwatch
