#include "local/protocol/api_error.hpp"

namespace lcd::local {

ApiError make_api_error(int status, std::string code, std::string message) {
  ApiError e;
  e.status = status;
  e.code = std::move(code);
  e.message = std::move(message);
  return e;
}

ApiError from_error(const Error& error) {
  if (!error.code.empty()) {
    ApiError out = make_api_error(error.http_status > 0 ? error.http_status : 500, error.code, error.message);
    if (error.retry_after_ms >= 0) out.retry_after_s = static_cast<int>((error.retry_after_ms + 999) / 1000);
    return out;
  }
  switch (error.kind) {
    case ErrorKind::invalid: return make_api_error(400, "InvalidParameterValueException", error.message);
    case ErrorKind::not_found: return make_api_error(404, "ResourceNotFoundException", error.message);
    case ErrorKind::conflict: return make_api_error(409, "ResourceConflictException", error.message);
    case ErrorKind::precondition: return make_api_error(412, "PreconditionFailedException", error.message);
    case ErrorKind::throttled: {
      ApiError e = make_api_error(429, "TooManyRequestsException",
                                  error.message.empty() ? "Rate Exceeded." : error.message);
      e.reason = "ConcurrentInvocationLimitExceeded";
      e.retry_after_s = 1;
      return e;
    }
    default: return make_api_error(500, "ServiceException", error.message);
  }
}

Error to_error(const ApiError& error) {
  ErrorKind kind = ErrorKind::invalid;
  if (error.status == 404) kind = ErrorKind::not_found;
  else if (error.status == 409) kind = ErrorKind::conflict;
  else if (error.status == 412) kind = ErrorKind::precondition;
  else if (error.status == 429) kind = ErrorKind::throttled;
  else if (error.status == 401 || error.status == 403) kind = ErrorKind::auth;
  else if (error.status >= 500) kind = ErrorKind::server;
  Error out{kind, error.message};
  out.code = error.code;
  out.http_status = error.status;
  if (error.retry_after_s >= 0) out.retry_after_ms = error.retry_after_s * 1000L;
  return out;
}

}  // namespace lcd::local
