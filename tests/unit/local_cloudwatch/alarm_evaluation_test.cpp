// The tables of the CloudWatch User Guide's "How alarm state is evaluated when data is missing"
// (quoted in aws-api-notes-2 §14.7), row by row, for every TreatMissingData setting.
#include "local/cloudwatch/alarm_evaluation.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace lcd::local::cloudwatch {
namespace {

constexpr int64_t k_start_ms = 1795694400000LL;  // 2026-11-26T12:00:00Z

// "0 - X - X": oldest first; 0 not breaching, X breaching, - missing. Threshold 1, >=.
std::vector<PeriodValue> range_of(const std::string& text) {
  std::vector<PeriodValue> out;
  std::istringstream in(text);
  std::string item;
  int i = 0;
  while (in >> item) {
    PeriodValue p;
    p.start_ms = k_start_ms + 60000LL * i++;
    if (item == "X") p.value = 2.0;
    if (item == "0") p.value = 0.0;
    p.sample_count = p.value ? 1 : 0;
    out.push_back(p);
  }
  return out;
}

std::string state(const std::string& data, int m, const std::string& treat, const std::string& current = "OK") {
  AlarmRule rule;
  rule.evaluation_periods = 3;
  rule.datapoints_to_alarm = m;
  rule.threshold = 1;
  rule.treat_missing_data = treat;
  auto range = range_of(data);
  return evaluate_alarm(rule, range, current, k_start_ms + 300000).state;
}

struct Row {
  const char* data;
  const char* missing;
  const char* ignore;  // "keep": the current state
  const char* breaching;
  const char* not_breaching;
};

void check_table(int m, const std::vector<Row>& rows) {
  for (const auto& row : rows) {
    SCOPED_TRACE(std::string(row.data) + " M=" + std::to_string(m));
    EXPECT_EQ(state(row.data, m, "missing"), row.missing);
    EXPECT_EQ(state(row.data, m, ""), row.missing);  // missing is the default
    if (std::string(row.ignore) == "keep") {
      EXPECT_EQ(state(row.data, m, "ignore", "OK"), "OK");
      EXPECT_EQ(state(row.data, m, "ignore", "ALARM"), "ALARM");
      EXPECT_EQ(state(row.data, m, "ignore", "INSUFFICIENT_DATA"), "INSUFFICIENT_DATA");
    } else {
      EXPECT_EQ(state(row.data, m, "ignore", "INSUFFICIENT_DATA"), row.ignore);
    }
    EXPECT_EQ(state(row.data, m, "breaching"), row.breaching);
    EXPECT_EQ(state(row.data, m, "notBreaching"), row.not_breaching);
  }
}

TEST(AlarmEvaluation, ThreeOutOfThreeTable) {
  check_table(3, {
                     {"0 - X - X", "OK", "OK", "OK", "OK"},
                     {"0 - - - -", "OK", "OK", "OK", "OK"},
                     {"- - - - -", "INSUFFICIENT_DATA", "keep", "ALARM", "OK"},
                     {"0 X X - X", "ALARM", "ALARM", "ALARM", "ALARM"},
                     {"- - X - -", "ALARM", "keep", "ALARM", "OK"},
                 });
}

TEST(AlarmEvaluation, TwoOutOfThreeTable) {
  check_table(2, {
                     {"0 - X - X", "ALARM", "ALARM", "ALARM", "ALARM"},
                     {"0 0 X 0 X", "ALARM", "ALARM", "ALARM", "ALARM"},
                     {"0 - X - -", "OK", "OK", "ALARM", "OK"},
                     {"- - - - 0", "OK", "OK", "ALARM", "OK"},
                     {"- - - X -", "ALARM", "keep", "ALARM", "OK"},
                 });
}

TEST(AlarmEvaluation, NoPrematureAlarmOnARecentLoneBreach) {
  // "- - - - X" and "- - - X -" with M = N = 3 stay out of ALARM (the guide's premature-alarm rule).
  EXPECT_EQ(state("- - - - X", 3, "missing"), "OK");
  EXPECT_EQ(state("- - - X -", 3, "missing"), "OK");
}

TEST(AlarmEvaluation, ReasonsReadLikeCloudWatchs) {
  AlarmRule rule;
  rule.evaluation_periods = 1;
  rule.datapoints_to_alarm = 1;
  rule.threshold = 10;
  std::vector<PeriodValue> range = range_of("- - 0");
  range[2].value = 10.08;
  auto alarm = evaluate_alarm(rule, range, "OK", k_start_ms + 180000);
  EXPECT_EQ(alarm.state, "ALARM");
  EXPECT_EQ(alarm.reason,
            "Threshold Crossed: 1 out of the last 1 datapoints [10.08 (26/11/26 12:02:00)] was greater than or equal to "
            "the threshold (10.0) (minimum 1 datapoint for OK -> ALARM transition).");
  auto data = nlohmann::json::parse(alarm.reason_data);
  EXPECT_EQ(data["version"], "1.0");
  EXPECT_EQ(data["statistic"], "Sum");
  EXPECT_EQ(data["period"], 60);
  EXPECT_EQ(data["recentDatapoints"], nlohmann::json::array({10.08}));
  EXPECT_EQ(data["threshold"], 10.0);
  EXPECT_EQ(data["startDate"], "2026-11-26T12:00:00.000+0000");

  range[2].value = 0.0;
  rule.threshold = 0;
  rule.comparison_operator = "GreaterThanThreshold";
  auto ok = evaluate_alarm(rule, range, "ALARM", k_start_ms + 180000);
  EXPECT_EQ(ok.state, "OK");
  EXPECT_EQ(ok.reason,
            "Threshold Crossed: 1 out of the last 1 datapoints [0.0 (26/11/26 12:02:00)] was not greater than the "
            "threshold (0.0) (minimum 1 datapoint for ALARM -> OK transition).");

  rule.evaluation_periods = 3;
  auto none = evaluate_alarm(rule, range_of("- - - - -"), "OK", k_start_ms);
  EXPECT_EQ(none.reason, "Insufficient Data: 3 datapoints were unknown.");
}

TEST(AlarmEvaluation, OperatorsAndLowSampleCounts) {
  AlarmRule rule;
  rule.threshold = 5;
  rule.comparison_operator = "LessThanThreshold";
  EXPECT_TRUE(breaches(rule, 4));
  EXPECT_FALSE(breaches(rule, 5));
  rule.comparison_operator = "LessThanOrEqualToThreshold";
  EXPECT_TRUE(breaches(rule, 5));
  rule.comparison_operator = "GreaterThanThreshold";
  EXPECT_FALSE(breaches(rule, 5));
  rule.comparison_operator = "Nonsense";
  EXPECT_FALSE(breaches(rule, 1e9));

  AlarmRule p99;
  p99.threshold = 1;
  p99.min_samples = 1000;  // EvaluateLowSampleCountPercentile=ignore on p99
  auto range = range_of("- - X");
  EXPECT_EQ(evaluate_alarm(p99, range, "OK", k_start_ms).state, "OK");  // kept: too few samples
  range[2].sample_count = 1000;
  EXPECT_EQ(evaluate_alarm(p99, range, "OK", k_start_ms).state, "ALARM");
}

}  // namespace
}  // namespace lcd::local::cloudwatch
