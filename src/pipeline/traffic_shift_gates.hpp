#pragma once
// The health gates of a release, each answering "may the shift go on?":
//  - error rate: the new version's requests through the alias, from CloudWatch AWS/Lambda with
//    dimensions FunctionName, Resource=<fn>:<alias>, ExecutedVersion=<version> since the shift
//    began: (Errors + Throttles) / (Invocations + Throttles) over max_error_rate, judged once
//    Invocations + Throttles reach min_invocations (a max_error_rate of 1 turns it off);
//  - alarms: any named CloudWatch alarm in ALARM (or missing);
//  - before_traffic / after_traffic: the configured command exiting non-zero.
// A gate that cannot be read trips: the shift never goes on blind.

#include <chrono>
#include <optional>
#include <string>

#include "pipeline/step_context.hpp"
#include "pipeline/traffic_shift_plan.hpp"

namespace lcd::pipeline {

struct GateTrip {
  std::string gate;    // "error rate", "alarm", "before_traffic", "after_traffic"
  std::string detail;  // the figures: what was seen, against what limit
};

struct ErrorRateReading {
  double invocations = 0;
  double errors = 0;
  double throttles = 0;
  double requests() const { return invocations + throttles; }
  double failed() const { return errors + throttles; }
  double rate() const { return requests() > 0 ? failed() / requests() : 0.0; }
};

// "31.0%"
std::string format_percent(double fraction);

// Sums of AWS/Lambda Invocations, Errors and Throttles for `version` served through `alias` from the
// minute holding `since` to the minute holding `now` (one GetMetricData call).
Result<ErrorRateReading> read_error_rate(clients::CloudWatchClient& cloudwatch, const std::string& function_name,
                                         const std::string& alias, const std::string& version,
                                         std::chrono::system_clock::time_point since,
                                         std::chrono::system_clock::time_point now);

class ShiftGates {
 public:
  // `version_arn` is the new version's qualified ARN, handed to the hooks.
  ShiftGates(StepContext& ctx, ReleaseGates gates, std::string alias, std::string version, std::string version_arn);

  std::optional<GateTrip> check_alarms();
  // Reads the rate since `since`; the reading is kept (last_reading) whether or not it trips.
  std::optional<GateTrip> check_error_rate(std::chrono::system_clock::time_point since);
  // Runs before_traffic (before = true) or after_traffic, when configured.
  std::optional<GateTrip> run_hook(bool before);

  bool error_rate_enabled() const { return m_gates.max_error_rate < 1.0; }
  const std::optional<ErrorRateReading>& last_reading() const { return m_last; }
  const ReleaseGates& gates() const { return m_gates; }
  // "error rate > 5.0% after 20 requests, alarms a, b, before_traffic, after_traffic"
  std::string describe() const;

 private:
  StepContext& m_ctx;
  ReleaseGates m_gates;
  std::string m_alias;
  std::string m_version;
  std::string m_version_arn;
  std::optional<ErrorRateReading> m_last;
};

// How long a before_traffic / after_traffic command may run.
inline constexpr std::chrono::minutes k_hook_timeout{30};

}  // namespace lcd::pipeline
