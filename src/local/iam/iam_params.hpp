#pragma once
// Reading IAM's query-protocol parameters with IAM's checks: required members, MaxItems, tag lists
// and policy documents (the JSON text clients send form-encoded).

#include <string>

#include "local/iam/iam_store.hpp"
#include "local/protocol/api_error.hpp"
#include "local/protocol/query_request.hpp"

namespace lcd::local::iam {

// ValidationError "Value null at '<field>' ..." when absent.
ApiResult<std::string> required_param(const QueryRequest& q, const std::string& name, const std::string& field);
// MaxItems in [1, 1000], default 100.
ApiResult<int> max_items_param(const QueryRequest& q);
// "true"/"false" (anything else is false).
bool bool_param(const QueryRequest& q, const std::string& name);
// Tags.member.N.Key/Value, checked as IAM checks tags (at most 50, key 1-128, value 0-256, keys
// unique without regard to case).
ApiResult<Tags> tags_param(const QueryRequest& q, const std::string& name = "Tags");
ApiResult<void> check_tags(const Tags& tags);
// Description (at most 1000 characters) and MaxSessionDuration (3600-43200 seconds) of a role.
ApiResult<void> check_description(const std::string& description, const std::string& field);
ApiResult<void> check_max_session(int seconds);
// A policy document's length and characters as the API model allows them (ValidationError).
ApiResult<void> check_document_text(const std::string& document, const std::string& field);

}  // namespace lcd::local::iam
