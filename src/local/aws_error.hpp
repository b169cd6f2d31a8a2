#pragma once
// AWS REST-JSON error responses (aws-api-notes §1.1): status, x-amzn-ErrorType, x-amzn-RequestId and a
// body {"Type":"User","message"|"Message":...} with the capitalisation each exception shape uses.

#include <string>

#include "local/http_types.hpp"
#include "util/result.hpp"

namespace lcd::local {

// An AWS error the endpoint answers with. `code` is the wire code, e.g. "ResourceNotFoundException".
struct ApiError {
  int status = 400;
  std::string code;
  std::string message;
  std::string reason;        // TooManyRequestsException "Reason", else empty
  int retry_after_s = -1;    // Retry-After header when >= 0
};

ApiError not_found(std::string message);                   // 404 ResourceNotFoundException
ApiError invalid_parameter(std::string message);           // 400 InvalidParameterValueException
ApiError validation_error(std::string message);            // 400 ValidationException
ApiError conflict(std::string message);                    // 409 ResourceConflictException
ApiError precondition_failed(std::string message);         // 412 PreconditionFailedException
ApiError too_large(std::string message);                   // 413 RequestEntityTooLargeException
ApiError service_error(std::string message);               // 500 ServiceException

// "1 validation error detected: Value 'V' at 'field' failed to satisfy constraint: C"
ApiError constraint_violation(const std::string& value, const std::string& field, const std::string& constraint);

// The body uses "Message" or "message" as the exception's modeled member does.
HttpResponse make_error_response(const ApiError& error, const std::string& request_id);

// Maps an lcd::Error (e.g. from the store or the invoke engine) onto the closest AWS error.
ApiError from_error(const Error& error);

inline ApiError adapt_store_error(const Error& error, const ApiError*) { return from_error(error); }

template <class T>
using ApiResult = tl::expected<T, ApiError>;

inline tl::unexpected<ApiError> api_fail(ApiError error) { return tl::unexpected<ApiError>(std::move(error)); }

}  // namespace lcd::local
