#pragma once
// AWS "standard" retry mode (botocore retries/standard.py): full-jitter exponential backoff
// delay = random[0,1) * 2^(attempt-1) seconds, capped at 20 s; retry throttling codes, HTTP
// 500/502/503/504, connection errors and timeouts; never other 4xx. A shared retry quota (500
// tokens, 5 per retry, 10 per timeout/connection retry, refilled by successes) stops retry storms.

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
};

// A number in [0, 1); injectable so tests can pin the jitter.
using RandomSource = std::function<double()>;
RandomSource default_random_source();

// Whether standard mode would retry this error at all (ignores attempts and quota).
bool is_retryable(const Error& error);

class RetryStrategy {
 public:
  explicit RetryStrategy(RetryOptions options = {}, RandomSource random = default_random_source());

  // After attempt `attempt` (1-based) failed with `error`: the delay before the next attempt, or
  // nullopt to give up (not retryable, attempts exhausted, or quota empty). Retry-After, when the
  // error carries one, is honoured as a lower bound (still capped at max_backoff).
  std::optional<std::chrono::milliseconds> next_delay(const Error& error, int attempt);

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
