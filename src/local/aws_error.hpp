#pragma once
// Lambda's errors (aws-api-notes §1.1): the ApiError factories the Lambda service answers with. The
// model and its REST-JSON rendering are the endpoint's one error model (protocol/api_error.hpp,
// protocol/error_response.hpp).

#include <string>
#include <vector>

#include "local/protocol/api_error.hpp"
#include "local/protocol/error_response.hpp"

namespace lcd::local {

ApiError not_found(std::string message);                   // 404 ResourceNotFoundException
ApiError invalid_parameter(std::string message);           // 400 InvalidParameterValueException
ApiError validation_error(std::string message);            // 400 ValidationException
ApiError conflict(std::string message);                    // 409 ResourceConflictException
ApiError precondition_failed(std::string message);         // 412 PreconditionFailedException
ApiError too_large(std::string message);                   // 413 RequestEntityTooLargeException
ApiError service_error(std::string message);               // 500 ServiceException

// "1 validation error detected: Value 'V' at 'field' failed to satisfy constraint: C"
ApiError constraint_violation(const std::string& value, const std::string& field, const std::string& constraint);

// The constraint violations of one request, reported together as AWS reports them:
// "1 validation error detected: A" or "2 validation errors detected: A; B".
class Violations {
 public:
  // "Value 'V' at 'field' failed to satisfy constraint: C"
  void add(const std::string& value, const std::string& field, const std::string& constraint);
  // "Value null at 'field' failed to satisfy constraint: Member must not be null"
  void add_null(const std::string& field);
  bool empty() const { return m_items.empty(); }
  // ValidationException, or another code carrying the same text.
  ApiError error(const char* code = "ValidationException") const;

 private:
  std::vector<std::string> m_items;
};

inline ApiError adapt_store_error(const Error& error, const ApiError*) { return from_error(error); }

}  // namespace lcd::local
