#include "aws/retry_strategy.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "aws/error_parser.hpp"

namespace lcd::aws {
namespace {

constexpr int k_retry_cost = 5;
constexpr int k_timeout_retry_cost = 10;
constexpr int k_no_retry_increment = 1;

bool is_transient_network(const Error& error) {
  return error.http_status == 0 && (error.kind == ErrorKind::network || error.kind == ErrorKind::timeout);
}

}  // namespace

RandomSource default_random_source() {
  return [] {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
  };
}

bool is_retryable(const Error& error) {
  if (is_transient_network(error)) return true;
  if (is_throttling_code(error.code) || error.kind == ErrorKind::throttled) return true;
  const int s = error.http_status;
  return s == 500 || s == 502 || s == 503 || s == 504;
}

bool is_safe_to_repeat(const Error& error) {
  return error.unreachable || is_throttling_code(error.code) || error.kind == ErrorKind::throttled;
}

RetryStrategy::RetryStrategy(RetryOptions options, RandomSource random)
    : m_options(options), m_random(std::move(random)), m_quota(options.quota_capacity) {}

std::chrono::milliseconds RetryStrategy::backoff(int attempt) {
  double factor = std::ldexp(1.0, std::clamp(attempt - 1, 0, 30));
  double ms = m_random() * factor * static_cast<double>(m_options.base_delay.count());
  ms = std::min(ms, static_cast<double>(m_options.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<long long>(ms));
}

std::optional<std::chrono::milliseconds> RetryStrategy::next_delay(const Error& error, int attempt,
                                                                   std::chrono::milliseconds elapsed, bool idempotent) {
  if (!is_retryable(error) || (!idempotent && !is_safe_to_repeat(error))) return std::nullopt;
  if (m_options.budget.count() > 0) {
    if (error.unreachable && attempt >= m_options.max_attempts) return std::nullopt;
    const std::chrono::milliseconds left = m_options.budget - elapsed;
    if (left.count() <= 0) return std::nullopt;
    std::chrono::milliseconds delay = backoff(attempt);
    if (error.retry_after_ms >= 0) {
      delay = std::min(std::max(delay, std::chrono::milliseconds(error.retry_after_ms)), m_options.max_backoff);
      if (std::chrono::milliseconds(error.retry_after_ms) > left) return std::nullopt;
    }
    return std::min(delay, left);
  }
  if (attempt >= m_options.max_attempts) return std::nullopt;
  const int cost = is_transient_network(error) ? k_timeout_retry_cost : k_retry_cost;
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_quota < cost) return std::nullopt;
    m_quota -= cost;
  }
  std::chrono::milliseconds delay = backoff(attempt);
  if (error.retry_after_ms >= 0)
    delay = std::min(std::max(delay, std::chrono::milliseconds(error.retry_after_ms)), m_options.max_backoff);
  return delay;
}

void RetryStrategy::on_success(bool was_retried, bool last_retry_was_timeout) {
  std::lock_guard<std::mutex> lock(m_mutex);
  int refund = !was_retried ? k_no_retry_increment : (last_retry_was_timeout ? k_timeout_retry_cost : k_retry_cost);
  m_quota = std::min(m_options.quota_capacity, m_quota + refund);
}

int RetryStrategy::available_quota() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_quota;
}

}  // namespace lcd::aws
