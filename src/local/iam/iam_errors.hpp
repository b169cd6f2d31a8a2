#pragma once
// The errors IAM and STS answer with (codes and statuses from the botocore models; wording as AWS
// gives it where known), and the input checks both services share.

#include <string>
#include <string_view>

#include "local/protocol/api_error.hpp"

namespace lcd::local::iam {

ApiError no_such_entity(std::string message);          // 404 NoSuchEntity
ApiError entity_already_exists(std::string message);   // 409 EntityAlreadyExists
ApiError malformed_policy(std::string message);        // 400 MalformedPolicyDocument
ApiError delete_conflict(std::string message);         // 409 DeleteConflict
ApiError limit_exceeded(std::string message);          // 409 LimitExceeded
ApiError invalid_input(std::string message);           // 400 InvalidInput
ApiError validation_error(std::string message);        // 400 ValidationError
ApiError access_denied(std::string message);           // 403 AccessDenied

// "1 validation error detected: Value 'V' at 'field' failed to satisfy constraint: C" (ValidationError).
ApiError constraint_error(std::string_view value, std::string_view field, std::string_view constraint);

// IAM's name pattern [\w+=,.@-]+ (role, policy, user and session names) within [min, max] characters.
ApiResult<void> check_name(std::string_view value, std::string_view field, size_t min, size_t max);
// IAM paths: "/" or "/a/b/" of printable ASCII, at most 512 characters.
ApiResult<void> check_path(std::string_view value, std::string_view field);
// An integer parameter within [min, max]; `text` empty means absent (returns `fallback`).
ApiResult<long> integer_param(std::string_view text, std::string_view field, long min, long max, long fallback);

}  // namespace lcd::local::iam
