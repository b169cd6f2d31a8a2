#include "local/aws_error.hpp"

namespace lcd::local {

ApiError not_found(std::string message) { return make_api_error(404, "ResourceNotFoundException", std::move(message)); }
ApiError invalid_parameter(std::string message) {
  return make_api_error(400, "InvalidParameterValueException", std::move(message));
}
ApiError validation_error(std::string message) {
  return make_api_error(400, "ValidationException", std::move(message));
}
ApiError conflict(std::string message) { return make_api_error(409, "ResourceConflictException", std::move(message)); }
ApiError precondition_failed(std::string message) {
  return make_api_error(412, "PreconditionFailedException", std::move(message));
}
ApiError too_large(std::string message) {
  return make_api_error(413, "RequestEntityTooLargeException", std::move(message));
}
ApiError service_error(std::string message) { return make_api_error(500, "ServiceException", std::move(message)); }

ApiError constraint_violation(const std::string& value, const std::string& field, const std::string& constraint) {
  return validation_error("1 validation error detected: Value '" + value + "' at '" + field +
                          "' failed to satisfy constraint: " + constraint);
}

}  // namespace lcd::local
