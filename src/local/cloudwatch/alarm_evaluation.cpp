#include "local/cloudwatch/alarm_evaluation.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace lcd::local::cloudwatch {
namespace {

using nlohmann::json;

struct Point {
  int age = 0;  // 1 = the newest period
  const PeriodValue* value = nullptr;
  bool breaching = false;
};

std::string operator_text(const std::string& op) {
  if (op == "GreaterThanOrEqualToThreshold") return "greater than or equal to";
  if (op == "GreaterThanThreshold") return "greater than";
  if (op == "LessThanThreshold") return "less than";
  if (op == "LessThanOrEqualToThreshold") return "less than or equal to";
  return op;
}

// "18/05/19 10:17:00" (dd/MM/yy HH:mm:ss UTC), as in CloudWatch's StateReason.
std::string reason_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%d/%m/%y %H:%M:%S", &tm);
  return buf;
}

// "2019-11-21T04:18:51.691+0000", as in StateReasonData.
std::string reason_data_time(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03}+0000", buf, static_cast<int>(ms % 1000));
}

std::string plural(int n, const char* word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

std::string listed(const std::vector<const Point*>& points) {
  std::string out;
  for (const Point* p : points) {
    if (!out.empty()) out += ", ";
    out += reason_number(*p->value->value) + " (" + reason_time(p->value->start_ms) + ")";
  }
  return out;
}

std::string reason_data(const AlarmRule& rule, const std::vector<PeriodValue>& range, const std::vector<const Point*>& used,
                        int64_t now_ms) {
  json recent = json::array();
  for (const auto& p : range) {
    if (p.value) recent.push_back(*p.value);
  }
  json evaluated = json::array();
  for (const Point* p : used) {
    evaluated.push_back({{"timestamp", reason_data_time(p->value->start_ms)},
                         {"sampleCount", p->value->sample_count},
                         {"value", *p->value->value}});
  }
  json data = {{"version", "1.0"},
               {"queryDate", reason_data_time(now_ms)},
               {"startDate", reason_data_time(range.empty() ? now_ms : range.front().start_ms)},
               {"statistic", rule.statistic},
               {"period", rule.period_s},
               {"recentDatapoints", recent},
               {"threshold", rule.threshold}};
  if (!evaluated.empty()) data["evaluatedDatapoints"] = evaluated;
  return data.dump(-1, ' ', false, json::error_handler_t::replace);
}

AlarmOutcome unchanged(const std::string& current_state) { return AlarmOutcome{current_state, "", ""}; }

}  // namespace

std::string reason_number(double value) {
  if (std::isfinite(value) && std::floor(value) == value && std::fabs(value) < 1e15) return fmt::format("{:.1f}", value);
  return fmt::format("{}", value);
}

bool breaches(const AlarmRule& rule, double value) {
  const std::string& op = rule.comparison_operator;
  if (op == "GreaterThanOrEqualToThreshold") return value >= rule.threshold;
  if (op == "GreaterThanThreshold") return value > rule.threshold;
  if (op == "LessThanThreshold") return value < rule.threshold;
  if (op == "LessThanOrEqualToThreshold") return value <= rule.threshold;
  return false;
}

int evaluation_range_periods(const AlarmRule& rule) { return std::max(1, rule.evaluation_periods) + 2; }

AlarmOutcome evaluate_alarm(const AlarmRule& rule, const std::vector<PeriodValue>& range,
                            const std::string& current_state, int64_t now_ms) {
  const int n = std::max(1, rule.evaluation_periods);
  const int m = std::clamp(rule.datapoints_to_alarm, 1, n);
  std::vector<Point> real;  // newest first
  for (size_t i = range.size(); i-- > 0;) {
    if (!range[i].value) continue;
    Point p;
    p.age = static_cast<int>(range.size() - i);
    p.value = &range[i];
    p.breaching = breaches(rule, *range[i].value);
    real.push_back(p);
  }
  const std::string& treat = rule.treat_missing_data.empty() ? std::string("missing") : rule.treat_missing_data;
  const std::string op = operator_text(rule.comparison_operator);
  const std::string threshold = reason_number(rule.threshold);

  if (real.empty()) {
    if (treat == "ignore") return unchanged(current_state);
    std::string data = reason_data(rule, range, {}, now_ms);
    if (treat == "breaching" || treat == "notBreaching") {
      std::string state = treat == "breaching" ? "ALARM" : "OK";
      std::string reason = fmt::format("Threshold Crossed: no datapoints were received for {} and {} {} treated as [{}].",
                                       plural(n, "period"), plural(n, "missing datapoint"), n == 1 ? "was" : "were",
                                       treat == "breaching" ? "Breaching" : "NonBreaching");
      return AlarmOutcome{state, reason, data};
    }
    return AlarmOutcome{"INSUFFICIENT_DATA",
                        fmt::format("Insufficient Data: {} {} unknown.", plural(n, "datapoint"), n == 1 ? "was" : "were"),
                        data};
  }

  std::vector<const Point*> used;
  for (const auto& p : real) {
    if (static_cast<int>(used.size()) < n) used.push_back(&p);
  }
  if (rule.min_samples > 0) {
    for (const Point* p : used) {
      if (p->value->sample_count < rule.min_samples) return unchanged(current_state);
    }
  }
  int breaching = 0;
  for (const Point* p : used) breaching += p->breaching ? 1 : 0;
  const int fills = n - static_cast<int>(used.size());
  int counted = breaching;
  bool alarm = false;
  if (fills == 0 || treat == "notBreaching") {
    alarm = breaching >= m;
  } else if (treat == "breaching") {
    counted = breaching + fills;
    alarm = counted >= m;
  } else if (treat == "ignore") {
    bool any_good = breaching < static_cast<int>(used.size());
    if (breaching >= m) alarm = true;
    else if (!any_good) return unchanged(current_state);
  } else {  // missing
    bool all_breaching = breaching == static_cast<int>(used.size());
    int oldest_in_window = 0;
    for (const Point* p : used) {
      if (p->breaching && p->age <= n) oldest_in_window = std::max(oldest_in_window, p->age);
    }
    alarm = breaching >= m || (all_breaching && oldest_in_window >= m);
  }

  std::string data = reason_data(rule, range, used, now_ms);
  // The transition named in the text is always "OK -> ALARM" / "ALARM -> OK", as in the reasons
  // CloudWatch sends (aws-api-notes-2 §14.7).
  if (alarm) {
    std::vector<const Point*> shown;
    for (const Point* p : used) {
      if (p->breaching) shown.push_back(p);
    }
    int total = static_cast<int>(used.size()) + (treat == "breaching" ? fills : 0);
    std::string reason = fmt::format(
        "Threshold Crossed: {} out of the last {} datapoints [{}] {} {} the threshold ({}) (minimum {} for OK -> ALARM transition).",
        counted, total, listed(shown), shown.size() == 1 ? "was" : "were", op, threshold,
        plural(m, "datapoint"));
    return AlarmOutcome{"ALARM", reason, data};
  }
  std::vector<const Point*> shown;
  for (const Point* p : used) {
    if (!p->breaching) shown.push_back(p);
  }
  if (shown.empty()) shown = used;
  std::string reason = fmt::format(
      "Threshold Crossed: {} out of the last {} datapoints [{}] {} not {} the threshold ({}) (minimum {} for ALARM -> OK transition).",
      static_cast<int>(shown.size()), static_cast<int>(used.size()), listed(shown),
      shown.size() == 1 ? "was" : "were", op, threshold, plural(m, "datapoint"));
  return AlarmOutcome{"OK", reason, data};
}

}  // namespace lcd::local::cloudwatch
