#include "local/iam/iam_errors.hpp"

#include <cctype>
#include <charconv>

namespace lcd::local::iam {

ApiError no_such_entity(std::string message) { return make_api_error(404, "NoSuchEntity", std::move(message)); }
ApiError entity_already_exists(std::string message) {
  return make_api_error(409, "EntityAlreadyExists", std::move(message));
}
ApiError malformed_policy(std::string message) {
  return make_api_error(400, "MalformedPolicyDocument", std::move(message));
}
ApiError delete_conflict(std::string message) { return make_api_error(409, "DeleteConflict", std::move(message)); }
ApiError limit_exceeded(std::string message) { return make_api_error(409, "LimitExceeded", std::move(message)); }
ApiError invalid_input(std::string message) { return make_api_error(400, "InvalidInput", std::move(message)); }
ApiError validation_error(std::string message) { return make_api_error(400, "ValidationError", std::move(message)); }
ApiError access_denied(std::string message) { return make_api_error(403, "AccessDenied", std::move(message)); }

ApiError constraint_error(std::string_view value, std::string_view field, std::string_view constraint) {
  return validation_error("1 validation error detected: Value '" + std::string(value) + "' at '" + std::string(field) +
                          "' failed to satisfy constraint: " + std::string(constraint));
}

ApiResult<void> check_name(std::string_view value, std::string_view field, size_t min, size_t max) {
  if (value.size() < min) {
    return api_fail(constraint_error(value, field, "Member must have length greater than or equal to " + std::to_string(min)));
  }
  if (value.size() > max) {
    return api_fail(constraint_error(value, field, "Member must have length less than or equal to " + std::to_string(max)));
  }
  for (char c : value) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '+' || c == '=' || c == ',' ||
              c == '.' || c == '@' || c == '-';
    if (!ok) return api_fail(constraint_error(value, field, "Member must satisfy regular expression pattern: [\\w+=,.@-]+"));
  }
  return {};
}

ApiResult<void> check_path(std::string_view value, std::string_view field) {
  if (value.size() > 512) {
    return api_fail(constraint_error(value, field, "Member must have length less than or equal to 512"));
  }
  bool ok = value == "/" || (value.size() >= 3 && value.front() == '/' && value.back() == '/');
  for (char c : value) ok = ok && static_cast<unsigned char>(c) >= 0x21 && static_cast<unsigned char>(c) <= 0x7f;
  if (!ok) {
    return api_fail(constraint_error(value, field,
                                     "Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)"));
  }
  return {};
}

ApiResult<long> integer_param(std::string_view text, std::string_view field, long min, long max, long fallback) {
  if (text.empty()) return fallback;
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return api_fail(validation_error("Invalid value for parameter " + std::string(field) + ": '" + std::string(text) +
                                     "' is not an integer"));
  }
  if (value < min) {
    return api_fail(constraint_error(text, field, "Member must have value greater than or equal to " + std::to_string(min)));
  }
  if (value > max) {
    return api_fail(constraint_error(text, field, "Member must have value less than or equal to " + std::to_string(max)));
  }
  return value;
}

}  // namespace lcd::local::iam
