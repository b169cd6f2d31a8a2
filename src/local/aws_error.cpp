#include "local/aws_error.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace lcd::local {
namespace {

ApiError make(int status, const char* code, std::string message) {
  ApiError e;
  e.status = status;
  e.code = code;
  e.message = std::move(message);
  return e;
}

// Exception shapes whose modeled member is "Message"; the rest use "message" (aws-api-notes §1.1).
bool uses_capital_message(const std::string& code) {
  static const std::set<std::string> capital = {
      "ResourceNotFoundException", "ServiceException", "InvalidRuntimeException", "InvalidZipFileException",
      "InvalidSignatureException", "UnrecognizedClientException", "UnknownOperationException",
      "AccessDeniedException", "ServiceUnavailableException"};
  return capital.count(code) > 0 || code.rfind("EC2", 0) == 0 || code.rfind("KMS", 0) == 0 ||
         code.rfind("EFS", 0) == 0 || code.rfind("CodeSigning", 0) == 0;
}

}  // namespace

ApiError not_found(std::string message) { return make(404, "ResourceNotFoundException", std::move(message)); }
ApiError invalid_parameter(std::string message) {
  return make(400, "InvalidParameterValueException", std::move(message));
}
ApiError validation_error(std::string message) { return make(400, "ValidationException", std::move(message)); }
ApiError conflict(std::string message) { return make(409, "ResourceConflictException", std::move(message)); }
ApiError precondition_failed(std::string message) {
  return make(412, "PreconditionFailedException", std::move(message));
}
ApiError too_large(std::string message) { return make(413, "RequestEntityTooLargeException", std::move(message)); }
ApiError service_error(std::string message) { return make(500, "ServiceException", std::move(message)); }

ApiError constraint_violation(const std::string& value, const std::string& field, const std::string& constraint) {
  return validation_error("1 validation error detected: Value '" + value + "' at '" + field +
                          "' failed to satisfy constraint: " + constraint);
}

HttpResponse make_error_response(const ApiError& error, const std::string& request_id) {
  HttpResponse response;
  response.status = error.status;
  response.set_header("x-amzn-ErrorType", error.code);
  response.set_header("x-amzn-RequestId", request_id);
  nlohmann::json body;
  body["Type"] = error.status >= 500 ? "Service" : "User";
  body[uses_capital_message(error.code) ? "Message" : "message"] = error.message;
  if (!error.reason.empty()) body["Reason"] = error.reason;
  if (error.retry_after_s >= 0) response.set_header("Retry-After", std::to_string(error.retry_after_s));
  response.body = body.dump();
  response.content_type = "application/json";
  return response;
}

ApiError from_error(const Error& error) {
  ApiError out;
  out.message = error.message;
  if (!error.code.empty()) {
    out.code = error.code;
    out.status = error.http_status > 0 ? error.http_status : 400;
    if (error.retry_after_ms >= 0) out.retry_after_s = static_cast<int>((error.retry_after_ms + 999) / 1000);
    return out;
  }
  switch (error.kind) {
    case ErrorKind::invalid: return invalid_parameter(error.message);
    case ErrorKind::not_found: return not_found(error.message);
    case ErrorKind::conflict: return conflict(error.message);
    case ErrorKind::precondition: return precondition_failed(error.message);
    case ErrorKind::throttled: {
      ApiError e = make(429, "TooManyRequestsException", error.message.empty() ? "Rate Exceeded." : error.message);
      e.reason = "ConcurrentInvocationLimitExceeded";
      e.retry_after_s = 1;
      return e;
    }
    default: return service_error(error.message);
  }
}

}  // namespace lcd::local
