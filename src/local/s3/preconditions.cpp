#include "local/s3/preconditions.hpp"

#include "local/s3/checksums.hpp"
#include "local/s3/s3_store.hpp"
#include "util/clock.hpp"
#include "util/strings.hpp"

namespace lcd::local::s3 {
namespace {

constexpr const char* k_precondition_message = "At least one of the pre-conditions you specified did not hold";

// An If-Match / If-None-Match list ("a", W/"b", *) against one ETag.
bool etag_list_matches(std::string_view header, std::string_view etag) {
  std::string wanted = unquote_etag(etag);
  for (const auto& raw : split(header, ',')) {
    std::string item(trim(raw));
    if (item == "*") return true;
    if (starts_with(item, "W/")) item.erase(0, 2);
    if (unquote_etag(item) == wanted) return true;
  }
  return false;
}

// Seconds since the epoch of an HTTP-date header; nullopt when absent or unparseable.
std::optional<int64_t> header_seconds(const HttpRequest& request, std::string_view name) {
  std::string text = std::string(trim(request.header(name)));
  if (text.empty()) return std::nullopt;
  std::chrono::system_clock::time_point t;
  if (!parse_http_date(text, t)) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

ReadOutcome evaluate_read_conditions(const HttpRequest& request, std::string_view etag, int64_t last_modified_ms) {
  int64_t modified_s = last_modified_ms / 1000;
  if (request.has_header("If-Match")) {
    if (!etag_list_matches(request.header("If-Match"), etag)) {
      return ReadOutcome::precondition_failed;
    }
  } else if (auto since = header_seconds(request, "If-Unmodified-Since"); since && modified_s > *since) {
    return ReadOutcome::precondition_failed;
  }
  if (request.has_header("If-None-Match")) {
    if (etag_list_matches(request.header("If-None-Match"), etag)) return ReadOutcome::not_modified;
  } else if (auto since = header_seconds(request, "If-Modified-Since"); since && modified_s <= *since) {
    return ReadOutcome::not_modified;
  }
  return ReadOutcome::proceed;
}

Result<WriteCondition> parse_write_condition(const HttpRequest& request) {
  WriteCondition condition;
  if (request.has_header("If-None-Match")) {
    if (trim(request.header("If-None-Match")) != "*") {
      return fail(s3_error(400, "InvalidRequest", "If-None-Match only accepts '*' on a write"));
    }
    condition.if_none_match = true;
  }
  if (request.has_header("If-Match")) {
    condition.if_match = unquote_etag(trim(request.header("If-Match")));
    if (condition.if_match.empty()) {
      return fail(s3_error(400, "InvalidArgument", "If-Match must name an ETag"));
    }
  }
  return condition;
}

Result<void> check_write_condition(const WriteCondition& condition, const std::optional<std::string>& current_etag) {
  if (condition.if_none_match && current_etag) {
    return fail(s3_error(412, "PreconditionFailed", k_precondition_message));
  }
  if (!condition.if_match.empty()) {
    if (!current_etag) return fail(s3_error(404, "NoSuchKey", "The specified key does not exist."));
    if (condition.if_match != "*" && unquote_etag(*current_etag) != condition.if_match) {
      return fail(s3_error(412, "PreconditionFailed", k_precondition_message));
    }
  }
  return {};
}

std::string failed_precondition_header(const HttpRequest& request) {
  if (request.method == "GET" || request.method == "HEAD") {
    return request.has_header("If-Match") ? "If-Match" : "If-Unmodified-Since";
  }
  return request.has_header("If-None-Match") ? "If-None-Match" : "If-Match";
}

Error conditional_conflict() {
  return s3_error(409, "ConditionalRequestConflict",
                  "A conflicting conditional operation is currently in progress against this resource. Please try "
                  "again.");
}

}  // namespace lcd::local::s3
