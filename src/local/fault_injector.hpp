#pragma once
// Seeded fault injection for exercising clients' retry logic:
//   "throttle=0.2,error500=0.05,error503=0.05,reset=0.02,conflict=0.1,update_delay_ms=2000,seed=7"
// or "@path" to a file holding the same (commas or newlines, '#' comments). Rates are probabilities
// per request; `lost` serves the request and then resets the connection instead of answering (the
// client cannot tell whether it was acted on); `conflict` applies to operations that an in-progress
// update would block;
// `update_delay_ms` lengthens every Pending/InProgress window.

#include <cstdint>
#include <mutex>
#include <random>
#include <string>

#include "util/result.hpp"

namespace lcd::local {

enum class Fault { none, throttle, error500, error503, reset, lost };

struct FaultRates {
  double throttle = 0;
  double error500 = 0;
  double error503 = 0;
  double reset = 0;
  double lost = 0;
  double conflict = 0;
  int extra_update_delay_ms = 0;
  uint64_t seed = 1;
  bool enabled() const {
    return throttle > 0 || error500 > 0 || error503 > 0 || reset > 0 || lost > 0 || conflict > 0 || extra_update_delay_ms > 0;
  }
};

// Parses the spec text (not "@file"); unknown keys and rates outside 0..1 are errors.
Result<FaultRates> parse_fault_rates(const std::string& text);
// Resolves "@file" and parses.
Result<FaultRates> load_fault_rates(const std::string& spec);

class FaultInjector {
 public:
  explicit FaultInjector(FaultRates rates);
  // One draw per request; thread-safe; the sequence is fixed by the seed.
  Fault next_request_fault();
  bool next_conflict();
  int extra_update_delay_ms() const { return m_rates.extra_update_delay_ms; }
  bool enabled() const { return m_rates.enabled(); }

 private:
  FaultRates m_rates;
  std::mutex m_mutex;
  std::mt19937_64 m_rng;
  std::uniform_real_distribution<double> m_dist{0.0, 1.0};
};

}  // namespace lcd::local
