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
  Violations v;
  v.add(value, field, constraint);
  return v.error();
}

void Violations::add(const std::string& value, const std::string& field, const std::string& constraint) {
  m_items.push_back("Value '" + value + "' at '" + field + "' failed to satisfy constraint: " + constraint);
}

void Violations::add_null(const std::string& field) {
  m_items.push_back("Value null at '" + field + "' failed to satisfy constraint: Member must not be null");
}

ApiError Violations::error(const char* code) const {
  std::string text = std::to_string(m_items.size()) +
                     (m_items.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (size_t i = 0; i < m_items.size(); ++i) {
    if (i) text += "; ";
    text += m_items[i];
  }
  ApiError e = validation_error(std::move(text));
  e.code = code;
  return e;
}

}  // namespace lcd::local
