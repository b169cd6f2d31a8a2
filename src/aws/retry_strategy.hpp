#pragma once
// AWS "standard" retry mode (botocore retries/standard.py): full-jitter exponential backoff
// delay = random[0,1) * 2^(attempt-1) seconds, capped at 20 s; retry throttling codes, HTTP
// 500/502/503/504, connection errors and timeouts; never other 4xx. A shared retry quota (500
// tokens, 5 per retry, 10 per timeout/connection retry, refilled by successes) stops retry storms.
//
// With a time budget (lambda-cd's default) the same transient errors are retried, with the same
// backoff, until the budget since the call's first attempt is spent instead of after 3 attempts;
// the quota does not apply then (the budget bounds the storm). An endpoint that cannot be reached
// at all still gives up after max_attempts: a wrong URL should not cost the whole budget.
// A request that is not idempotent (repeating it may act twice: Invoke) is retried only when the far
// side refused it (throttling) or was never reached.

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

#include "util/result.hpp"

namespace lcd::aws {

struct RetryOptions {
  int max_attempts = 3;  // total attempts including the first
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_backoff{20000};
  int quota_capacity = 500;
  // Above zero: retry transient errors until this much time has passed since the first attempt.
  std::chrono::milliseconds budget{0};
};

// A number in [0, 1); injectable so tests can pin the jitter.
using RandomSource = std::function<double()>;
RandomSource default_random_source();

// Whether standard mode would retry this error at all (ignores attempts and quota).
bool is_retryable(const Error& error);
// Whether a request that is not idempotent may be repeated after this error: the far side said it
// did not act (throttling) or was never reached.
bool is_safe_to_repeat(const Error& error);

class RetryStrategy {
 public:
  explicit RetryStrategy(RetryOptions options = {}, RandomSource random = default_random_source());

  // After attempt `attempt` (1-based) failed with `error`, `elapsed` after the first attempt
  // started: the delay before the next attempt, or nullopt to give up (not retryable, not safe to
  // repeat, attempts exhausted, quota empty, or budget spent). Retry-After, when the error carries
  // one, is honoured as a lower bound (still capped at max_backoff); with a budget the wait never
  // ends past it, and a Retry-After that would is a reason to give up.
  std::optional<std::chrono::milliseconds> next_delay(const Error& error, int attempt,
                                                      std::chrono::milliseconds elapsed = std::chrono::milliseconds(0),
                                                      bool idempotent = true);

  // A call ended in success: refunds the quota (retry cost if it needed retries, else 1).
  void on_success(bool was_retried, bool last_retry_was_timeout);

  // The full-jitter backoff alone, for bounds tests.
  std::chrono::milliseconds backoff(int attempt);

  int available_quota() const;
  const RetryOptions& options() const { return m_options; }

 private:
  RetryOptions m_options;
  RandomSource m_random;
  mutable std::mutex m_mutex;
  int m_quota;
};

}  // namespace lcd::aws
