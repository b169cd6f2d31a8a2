#pragma once
// What a `promote --strategy S` does, before anything runs: the weights the new version gets
// through the alias, the wait after each, and the gates watched meanwhile (aws-api-notes-2 §19).
//   all-at-once | AllAtOnce                      100% in one step
//   canary:PCT:WAIT | Canary10Percent5Minutes     PCT% for WAIT, then 100%
//   linear:PCT:EVERY | Linear10PercentEvery1Minute PCT%, 2×PCT%, ... (each below 100) every EVERY, then 100%
// WAIT/EVERY are durations such as 30s, 5m, 1h, 1m30s. CodeDeploy's names may carry their
// "CodeDeployDefault.Lambda" / "Lambda" prefixes.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/project_config.hpp"
#include "util/result.hpp"

namespace lcd::pipeline {

struct ShiftPlan {
  std::string strategy;             // canonical: "all-at-once", "canary:10:5m", "linear:10:1m"
  std::string mirrors;              // the CodeDeploy configuration it equals, empty for a custom one
  std::vector<int> percents;        // weights on the new version before it becomes primary, ascending, each < 100
  std::chrono::seconds interval{0};  // the wait after each of them
  bool all_at_once() const { return percents.empty(); }
  std::chrono::seconds total() const { return interval * static_cast<long>(percents.size()); }
  // "10% for 5m, then 100%"
  std::string describe() const;
};

Result<ShiftPlan> parse_strategy(std::string_view text);

// A strategy's WAIT / EVERY: a duration (util/duration.hpp) with its unit written out and in whole
// seconds, at least 1s ("5" is refused: CodeDeploy counts minutes, people often mean seconds).
Result<std::chrono::seconds> parse_interval(std::string_view text);

inline constexpr double k_default_max_error_rate = 0.05;
inline constexpr int k_default_min_invocations = 20;

// The health gates of one release (traffic_shift_gates.hpp).
struct ReleaseGates {
  std::vector<std::string> alarms;   // CloudWatch alarms that must not be in ALARM
  double max_error_rate = k_default_max_error_rate;  // 0..1 of the new version's requests through the alias
  int min_invocations = k_default_min_invocations;   // requests needed before the rate is judged
  std::string before_traffic;        // shell commands; non-zero exit fails the release
  std::string after_traffic;
};

struct ReleasePolicy {
  ShiftPlan plan;
  ReleaseGates gates;
};

// [release.<alias>] over [release] over the defaults; a non-empty `strategy_override` (--strategy)
// wins over both. Errors are configuration errors.
Result<ReleasePolicy> release_policy(const ReleaseConfig& config, const std::string& alias,
                                     const std::string& strategy_override);

}  // namespace lcd::pipeline
