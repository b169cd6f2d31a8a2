#pragma once
// How a metric alarm judges its datapoints, as CloudWatch documents it (aws-api-notes-2 §14.7; the
// CloudWatch User Guide's tables for "how alarm state is evaluated when data is missing"):
//   * the evaluation range is the newest EvaluationPeriods + 2 periods, ending at the evaluation;
//   * with at least N real datapoints in the range, the newest N decide: ALARM when at least M
//     (DatapointsToAlarm) breach, else OK; TreatMissingData does not matter;
//   * with none, missing -> INSUFFICIENT_DATA, ignore -> unchanged, breaching -> ALARM,
//     notBreaching -> OK;
//   * with some, the shortfall to N is filled as TreatMissingData says (breaching / not breaching);
//     `missing` judges the real ones alone, but still goes to ALARM when every real datapoint
//     breaches and the oldest breaching one within the last N periods is at least M periods old
//     (the guide's "premature alarm" rule); `ignore` keeps the state unless the real datapoints
//     alone decide it (enough breaching, or any not breaching).
// Pure: the caller fetches the datapoints and stores the outcome.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lcd::local::cloudwatch {

struct AlarmRule {
  int evaluation_periods = 1;
  int datapoints_to_alarm = 1;
  double threshold = 0;
  std::string comparison_operator = "GreaterThanOrEqualToThreshold";
  std::string treat_missing_data = "missing";
  std::string statistic = "Sum";  // for StateReasonData
  int period_s = 60;
  // EvaluateLowSampleCountPercentile=ignore with a percentile statistic: keep the state while
  // any evaluated datapoint has fewer samples than this.
  double min_samples = 0;
};

struct PeriodValue {
  int64_t start_ms = 0;
  std::optional<double> value;  // nullopt: no datapoint in this period
  double sample_count = 0;
};

struct AlarmOutcome {
  std::string state;         // OK | ALARM | INSUFFICIENT_DATA
  std::string reason;        // StateReason
  std::string reason_data;   // StateReasonData (JSON text)
};

// The newest EvaluationPeriods + 2 periods: how many `range` must hold, oldest first.
int evaluation_range_periods(const AlarmRule& rule);

// `range`: evaluation_range_periods() entries, oldest first, the last ending at `now_ms`.
AlarmOutcome evaluate_alarm(const AlarmRule& rule, const std::vector<PeriodValue>& range,
                            const std::string& current_state, int64_t now_ms);

// true when `value` breaches (an unknown operator never breaches).
bool breaches(const AlarmRule& rule, double value);

// "10.08", "10.0": as CloudWatch prints numbers in StateReason.
std::string reason_number(double value);

}  // namespace lcd::local::cloudwatch
