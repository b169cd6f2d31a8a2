#include "local/s3/preconditions.hpp"

#include <gtest/gtest.h>

#include "util/clock.hpp"

namespace lcd::local::s3 {
namespace {

// 2026-11-26T12:00:00Z
constexpr int64_t k_modified_ms = 1795694400000;
const char* k_etag = "\"5d41402abc4b2a76b9719d911017c592\"";

HttpRequest get(std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r;
  r.method = "GET";
  r.headers = std::move(headers);
  return r;
}

std::string http_date_s(int64_t seconds) {
  return format_http_date(std::chrono::system_clock::time_point(std::chrono::seconds(seconds)));
}

TEST(ReadConditions, EachHeaderAlone) {
  int64_t at = k_modified_ms / 1000;
  EXPECT_EQ(evaluate_read_conditions(get({}), k_etag, k_modified_ms), ReadOutcome::proceed);
  EXPECT_EQ(evaluate_read_conditions(get({{"If-Match", k_etag}}), k_etag, k_modified_ms), ReadOutcome::proceed);
  EXPECT_EQ(evaluate_read_conditions(get({{"If-Match", "5d41402abc4b2a76b9719d911017c592"}}), k_etag, k_modified_ms),
            ReadOutcome::proceed);
  EXPECT_EQ(evaluate_read_conditions(get({{"If-Match", "\"other\""}}), k_etag, k_modified_ms),
            ReadOutcome::precondition_failed);
  EXPECT_EQ(evaluate_read_conditions(get({{"If-None-Match", k_etag}}), k_etag, k_modified_ms), ReadOutcome::not_modified);
  EXPECT_EQ(evaluate_read_conditions(get({{"If-None-Match", "\"a\", " + std::string(k_etag)}}), k_etag, k_modified_ms),
            ReadOutcome::not_modified);
  EXPECT_EQ(evaluate_read_conditions(get({{"If-None-Match", "\"other\""}}), k_etag, k_modified_ms), ReadOutcome::proceed);
  // Modified at `at`: not modified since `at` or later, modified since anything earlier.
  EXPECT_EQ(evaluate_read_conditions(get({{"If-Modified-Since", http_date_s(at)}}), k_etag, k_modified_ms + 999),
            ReadOutcome::not_modified);
  EXPECT_EQ(evaluate_read_conditions(get({{"If-Modified-Since", http_date_s(at - 1)}}), k_etag, k_modified_ms),
            ReadOutcome::proceed);
  EXPECT_EQ(evaluate_read_conditions(get({{"If-Unmodified-Since", http_date_s(at - 1)}}), k_etag, k_modified_ms),
            ReadOutcome::precondition_failed);
  EXPECT_EQ(evaluate_read_conditions(get({{"If-Unmodified-Since", http_date_s(at)}}), k_etag, k_modified_ms),
            ReadOutcome::proceed);
  EXPECT_EQ(evaluate_read_conditions(get({{"If-Modified-Since", "not a date"}}), k_etag, k_modified_ms),
            ReadOutcome::proceed);
}

TEST(ReadConditions, AwsDocumentedPrecedence) {
  int64_t at = k_modified_ms / 1000;
  // If-Match true + If-Unmodified-Since false -> 200.
  EXPECT_EQ(evaluate_read_conditions(get({{"If-Match", k_etag}, {"If-Unmodified-Since", http_date_s(at - 60)}}), k_etag,
                                     k_modified_ms),
            ReadOutcome::proceed);
  // If-None-Match false (the ETag matches) + If-Modified-Since true -> 304.
  EXPECT_EQ(evaluate_read_conditions(get({{"If-None-Match", k_etag}, {"If-Modified-Since", http_date_s(at - 60)}}),
                                     k_etag, k_modified_ms),
            ReadOutcome::not_modified);
  // A failed If-Match wins over a matching If-None-Match.
  EXPECT_EQ(evaluate_read_conditions(get({{"If-Match", "\"x\""}, {"If-None-Match", k_etag}}), k_etag, k_modified_ms),
            ReadOutcome::precondition_failed);
  EXPECT_EQ(failed_precondition_header(get({{"If-Match", "\"x\""}})), "If-Match");
  EXPECT_EQ(failed_precondition_header(get({{"If-Unmodified-Since", http_date_s(at)}})), "If-Unmodified-Since");
}

HttpRequest put(std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r = get(std::move(headers));
  r.method = "PUT";
  return r;
}

TEST(WriteConditions, ParsedFromHeaders) {
  auto none = parse_write_condition(put({}));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->any());
  auto create = parse_write_condition(put({{"If-None-Match", "*"}}));
  ASSERT_TRUE(create);
  EXPECT_TRUE(create->if_none_match);
  EXPECT_EQ(failed_precondition_header(put({{"If-None-Match", "*"}})), "If-None-Match");
  auto swap = parse_write_condition(put({{"If-Match", k_etag}}));
  ASSERT_TRUE(swap);
  EXPECT_EQ(swap->if_match, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(failed_precondition_header(put({{"If-Match", k_etag}})), "If-Match");
  auto bad = parse_write_condition(put({{"If-None-Match", k_etag}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidRequest");
  EXPECT_EQ(bad.error().http_status, 400);
}

TEST(WriteConditions, CheckedAgainstTheCurrentObject) {
  WriteCondition create;
  create.if_none_match = true;
  EXPECT_TRUE(check_write_condition(create, std::nullopt));
  auto taken = check_write_condition(create, std::string(k_etag));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, "PreconditionFailed");
  EXPECT_EQ(taken.error().http_status, 412);
  EXPECT_EQ(taken.error().message, "At least one of the pre-conditions you specified did not hold");

  WriteCondition swap;
  swap.if_match = "5d41402abc4b2a76b9719d911017c592";
  EXPECT_TRUE(check_write_condition(swap, std::string(k_etag)));
  EXPECT_EQ(check_write_condition(swap, std::string("\"other\"")).error().code, "PreconditionFailed");
  auto missing = check_write_condition(swap, std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NoSuchKey");
  EXPECT_EQ(missing.error().http_status, 404);

  EXPECT_EQ(conditional_conflict().http_status, 409);
  EXPECT_EQ(conditional_conflict().code, "ConditionalRequestConflict");
}

}  // namespace
}  // namespace lcd::local::s3
