#include <gtest/gtest.h>

#include "aws/retry_strategy.hpp"

namespace lcd::aws {
namespace {

using std::chrono::milliseconds;

Error http_error(int status, std::string code, ErrorKind kind) {
  Error e{kind, "m"};
  e.http_status = status;
  e.code = std::move(code);
  return e;
}

TEST(IsRetryable, StandardModeDecisions) {
  for (const char* code : {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
                           "TooManyRequestsException", "ProvisionedThroughputExceededException",
                           "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
                           "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
                           "EC2ThrottledException"})
    EXPECT_TRUE(is_retryable(http_error(400, code, ErrorKind::invalid))) << code;
  for (int status : {500, 502, 503, 504})
    EXPECT_TRUE(is_retryable(http_error(status, "X", ErrorKind::server))) << status;
  EXPECT_FALSE(is_retryable(http_error(501, "NotImplemented", ErrorKind::server)));
  for (int status : {400, 403, 404, 409, 412, 413})
    EXPECT_FALSE(is_retryable(http_error(status, "SomeClientError", ErrorKind::invalid))) << status;
  EXPECT_FALSE(is_retryable(http_error(409, "ResourceConflictException", ErrorKind::conflict)));
  EXPECT_TRUE(is_retryable(Error{ErrorKind::network, "connection refused"}));
  EXPECT_TRUE(is_retryable(Error{ErrorKind::timeout, "timed out"}));
  EXPECT_FALSE(is_retryable(Error{ErrorKind::io, "disk"}));
  EXPECT_FALSE(is_retryable(Error{ErrorKind::auth, "no credentials"}));
}

TEST(Backoff, FullJitterBoundsAndCap) {
  double r = 0.0;
  RetryStrategy strategy({}, [&] { return r; });
  r = 0.0;
  EXPECT_EQ(strategy.backoff(1), milliseconds(0));
  EXPECT_EQ(strategy.backoff(5), milliseconds(0));
  r = 0.999999;
  EXPECT_EQ(strategy.backoff(1), milliseconds(999));    // < 1 s
  EXPECT_EQ(strategy.backoff(2), milliseconds(1999));   // < 2 s
  EXPECT_EQ(strategy.backoff(3), milliseconds(3999));   // < 4 s
  EXPECT_EQ(strategy.backoff(6), milliseconds(20000));  // 32 s capped at 20 s
  EXPECT_EQ(strategy.backoff(60), milliseconds(20000));
  r = 0.5;
  EXPECT_EQ(strategy.backoff(3), milliseconds(2000));
}

TEST(Backoff, RealRandomStaysInBounds) {
  RetryStrategy strategy;
  for (int attempt = 1; attempt <= 8; ++attempt) {
    const long long ceiling = std::min<long long>(1000LL << (attempt - 1), 20000);
    for (int i = 0; i < 200; ++i) {
      milliseconds d = strategy.backoff(attempt);
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d.count(), ceiling);
    }
  }
}

TEST(NextDelay, StopsAtMaxAttempts) {
  RetryStrategy strategy({.max_attempts = 3}, [] { return 0.5; });
  Error throttled = http_error(429, "TooManyRequestsException", ErrorKind::throttled);
  EXPECT_EQ(strategy.next_delay(throttled, 1), milliseconds(500));
  EXPECT_EQ(strategy.next_delay(throttled, 2), milliseconds(1000));
  EXPECT_EQ(strategy.next_delay(throttled, 3), std::nullopt);
  EXPECT_EQ(strategy.next_delay(http_error(400, "InvalidParameterValueException", ErrorKind::invalid), 1),
            std::nullopt);
}

TEST(NextDelay, RetryAfterIsALowerBoundCappedAtMaxBackoff) {
  RetryStrategy strategy({.max_attempts = 5}, [] { return 0.1; });
  Error e = http_error(429, "TooManyRequestsException", ErrorKind::throttled);
  e.retry_after_ms = 3000;
  EXPECT_EQ(strategy.next_delay(e, 1), milliseconds(3000));
  e.retry_after_ms = 0;
  EXPECT_EQ(strategy.next_delay(e, 1), milliseconds(100));
  e.retry_after_ms = 3'600'000;
  EXPECT_EQ(strategy.next_delay(e, 1), milliseconds(20000));
}

TEST(RetryQuota, DrainsAndRefills) {
  RetryStrategy strategy({.max_attempts = 1000, .quota_capacity = 12}, [] { return 0.0; });
  Error server = http_error(503, "ServiceUnavailable", ErrorKind::server);
  EXPECT_TRUE(strategy.next_delay(server, 1));  // 12 -> 7
  EXPECT_TRUE(strategy.next_delay(server, 2));  // 7 -> 2
  EXPECT_FALSE(strategy.next_delay(server, 3));
  EXPECT_EQ(strategy.available_quota(), 2);
  strategy.on_success(/*was_retried=*/true, /*last_retry_was_timeout=*/false);
  EXPECT_EQ(strategy.available_quota(), 7);
  EXPECT_FALSE(strategy.next_delay(Error{ErrorKind::network, "reset"}, 1));  // costs 10
  strategy.on_success(false, false);
  EXPECT_EQ(strategy.available_quota(), 8);
}

TEST(RetryBudget, RetriesUntilTheBudgetIsSpentWithoutQuota) {
  RetryStrategy strategy({.quota_capacity = 5, .budget = milliseconds(60000)}, [] { return 0.5; });
  Error throttled = http_error(429, "TooManyRequestsException", ErrorKind::throttled);
  EXPECT_EQ(strategy.next_delay(throttled, 10, milliseconds(0)), milliseconds(20000));   // attempts do not bound it
  EXPECT_EQ(strategy.next_delay(throttled, 11, milliseconds(1000)), milliseconds(20000));  // nor does the quota
  EXPECT_EQ(strategy.next_delay(throttled, 12, milliseconds(57000)), milliseconds(3000));  // cut to what is left
  EXPECT_EQ(strategy.next_delay(throttled, 13, milliseconds(60000)), std::nullopt);
  EXPECT_EQ(strategy.next_delay(http_error(400, "InvalidParameterValueException", ErrorKind::invalid), 1), std::nullopt);
  Error refused{ErrorKind::network, "refused"};
  refused.unreachable = true;
  EXPECT_TRUE(strategy.next_delay(refused, 2, milliseconds(0)));
  EXPECT_EQ(strategy.next_delay(refused, 3, milliseconds(0)), std::nullopt);
  EXPECT_EQ(strategy.available_quota(), 5);
}

TEST(RetryBudget, NotIdempotentOnlyWhenNotActedOn) {
  RetryStrategy strategy({.budget = milliseconds(60000)}, [] { return 0.5; });
  Error throttled = http_error(429, "TooManyRequestsException", ErrorKind::throttled);
  Error refused{ErrorKind::network, "refused"};
  refused.unreachable = true;
  EXPECT_TRUE(strategy.next_delay(throttled, 1, milliseconds(0), /*idempotent=*/false));
  EXPECT_TRUE(strategy.next_delay(refused, 1, milliseconds(0), false));
  EXPECT_FALSE(strategy.next_delay(http_error(500, "ServiceException", ErrorKind::server), 1, milliseconds(0), false));
  EXPECT_FALSE(strategy.next_delay(Error{ErrorKind::network, "reset"}, 1, milliseconds(0), false));
  EXPECT_FALSE(strategy.next_delay(Error{ErrorKind::timeout, "timed out"}, 1, milliseconds(0), false));
  EXPECT_TRUE(is_safe_to_repeat(throttled));
  EXPECT_FALSE(is_safe_to_repeat(http_error(503, "ServiceUnavailableException", ErrorKind::server)));
}

}  // namespace
}  // namespace lcd::aws
