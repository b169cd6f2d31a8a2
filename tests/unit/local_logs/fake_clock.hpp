#pragma once
// The endpoint's clock in unit tests: set and advanced by the test.

#include <chrono>

#include "util/clock.hpp"

namespace lcd::local::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t epoch_ms) : m_now(std::chrono::milliseconds(epoch_ms)) {}
  std::chrono::system_clock::time_point now() const override { return m_now; }
  std::chrono::steady_clock::time_point monotonic() const override { return {}; }
  void sleep_for(std::chrono::milliseconds d) override { m_now += d; }
  void advance(std::chrono::milliseconds d) { m_now += d; }
  void set(int64_t epoch_ms) { m_now = std::chrono::system_clock::time_point(std::chrono::milliseconds(epoch_ms)); }
  int64_t ms() const { return to_epoch_ms(m_now); }

 private:
  std::chrono::system_clock::time_point m_now;
};

}  // namespace lcd::local::testing
