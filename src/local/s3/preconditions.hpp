#pragma once
// Conditional requests on objects (aws-api-notes-2 §17.1, §17.2): which answer a GetObject/HeadObject
// gets from its If-* headers, and the If-None-Match / If-Match guard of a write. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "local/protocol/http_types.hpp"
#include "util/result.hpp"

namespace lcd::local::s3 {

enum class ReadOutcome { proceed, not_modified, precondition_failed };

// RFC 9110's order, which is AWS's documented precedence: If-Match (mismatch: 412), else
// If-Unmodified-Since (modified since: 412); then If-None-Match (match: 304), else If-Modified-Since
// (not modified since: 304). Dates compare at whole seconds, as Last-Modified carries them; a date
// that does not parse is ignored.
ReadOutcome evaluate_read_conditions(const HttpRequest& request, std::string_view etag, int64_t last_modified_ms);

// The guard of a PutObject, CopyObject or CompleteMultipartUpload.
struct WriteCondition {
  bool if_none_match = false;  // If-None-Match: * (create only)
  std::string if_match;        // If-Match: the ETag the current object must have, unquoted; empty: none
  // The key's ETag when the request arrived (observed_etag nullopt: no object then). When not
  // `observed`, the store reads it as the write starts.
  bool observed = false;
  std::optional<std::string> observed_etag;

  bool any() const { return if_none_match || !if_match.empty(); }
};

// From the request's If-None-Match and If-Match headers. If-None-Match takes only "*"
// (anything else: 400 InvalidRequest).
Result<WriteCondition> parse_write_condition(const HttpRequest& request);

// Whether `condition` holds for the key's current object (nullopt: none). Errors: 412
// PreconditionFailed; If-Match on a missing key: 404 NoSuchKey.
Result<void> check_write_condition(const WriteCondition& condition, const std::optional<std::string>& current_etag);

// The header a 412 PreconditionFailed to `request` names in <Condition>: for a read If-Match when
// sent (it decides alone), else If-Unmodified-Since; for a write If-None-Match when sent, else If-Match.
std::string failed_precondition_header(const HttpRequest& request);

// The 409 a conditional write gets when its condition held as it arrived but no longer holds as it
// commits: another write to the key landed while this one was uploading.
Error conditional_conflict();

}  // namespace lcd::local::s3
