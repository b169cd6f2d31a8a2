#include "local/cloudwatch/metric_query.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "local/cloudwatch/statistic_set.hpp"

namespace lcd::local::cloudwatch {
namespace {

using nlohmann::json;

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 255 || id[0] < 'a' || id[0] > 'z') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

int64_t floor_to(int64_t value, int64_t step) { return value >= 0 ? value / step * step : -((-value + step - 1) / step) * step; }

}  // namespace

bool valid_period(int64_t period_s) {
  return period_s == 1 || period_s == 5 || period_s == 10 || period_s == 20 || period_s == 30 ||
         (period_s >= 60 && period_s % 60 == 0);
}

bool valid_unit(const std::string& unit) {
  static const std::set<std::string> units = {
      "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
      "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
      "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
      "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None"};
  return units.count(unit) > 0;
}

Dimensions read_dimensions(const RpcInput& input, const std::string& name, std::vector<std::string>& problems) {
  Dimensions out;
  for (const auto& d : input.list(name)) {
    std::string dim_name = d.string("Name");
    std::string value = d.string("Value");
    if (dim_name.empty()) problems.push_back("The parameter " + d.path_of("Name") + " is required.");
    else if (value.empty()) problems.push_back("The parameter " + d.path_of("Value") + " is required.");
    else out.emplace_back(dim_name, value);
  }
  return sorted_dimensions(std::move(out));
}

json dimensions_json(const Dimensions& dimensions) {
  json out = json::array();
  for (const auto& [name, value] : dimensions) out.push_back({{"Name", name}, {"Value", value}});
  return out;
}

std::vector<MetricDataQuery> read_metric_data_queries(const RpcInput& input, const std::string& list_name,
                                                      std::vector<std::string>& problems) {
  std::vector<MetricDataQuery> out;
  std::set<std::string> ids;
  auto items = input.list(list_name);
  for (size_t i = 0; i < items.size(); ++i) {
    const RpcInput& item = items[i];
    MetricDataQuery q;
    q.id = item.string("Id");
    if (!valid_id(q.id)) {
      problems.push_back("The value " + q.id + " for parameter " + item.path_of("Id") +
                         " is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$.");
    } else if (!ids.insert(q.id).second) {
      problems.push_back("The value " + q.id + " for parameter " + item.path_of("Id") + " is not unique.");
    }
    q.expression = item.string("Expression");
    q.label = item.string("Label");
    q.return_data = item.boolean("ReturnData").value_or(true);
    q.period_s = static_cast<int>(item.integer("Period").value_or(0));
    q.account_id = item.string("AccountId");
    if (item.has("MetricStat")) {
      RpcInput stat = item.child("MetricStat");
      RpcInput metric = stat.child("Metric");
      MetricStat ms;
      ms.metric_namespace = metric.string("Namespace");
      ms.metric_name = metric.string("MetricName");
      ms.dimensions = read_dimensions(metric, "Dimensions", problems);
      ms.period_s = static_cast<int>(stat.integer("Period").value_or(0));
      ms.stat = stat.string("Stat");
      if (stat.has("Unit")) ms.unit = stat.string("Unit");
      if (ms.metric_name.empty()) problems.push_back("The parameter " + metric.path_of("MetricName") + " is required.");
      if (!valid_period(ms.period_s)) {
        problems.push_back("The value " + std::to_string(ms.period_s) + " for parameter " + stat.path_of("Period") +
                           " is not valid: it must be 1, 5, 10, 20, 30 or a multiple of 60.");
      }
      if (!parse_statistic(ms.stat)) {
        problems.push_back("The value for parameter " + stat.path_of("Stat") + " is not a valid statistic.");
      }
      if (ms.unit && !valid_unit(*ms.unit)) {
        problems.push_back("The value " + *ms.unit + " for parameter " + stat.path_of("Unit") + " is not a valid unit.");
      }
      q.metric_stat = std::move(ms);
    }
    if (q.metric_stat.has_value() == !q.expression.empty()) {
      problems.push_back("Exactly one element of the MetricStat and Expression fields must be set for " +
                         item.path_of("").substr(0, item.path_of("").size() - 1) + ".");
    }
    if (!q.expression.empty() && q.period_s != 0 && !valid_period(q.period_s)) {
      problems.push_back("The value " + std::to_string(q.period_s) + " for parameter " + item.path_of("Period") +
                         " is not valid.");
    }
    out.push_back(std::move(q));
  }
  return out;
}

json metric_data_query_json(const MetricDataQuery& q) {
  json out = {{"Id", q.id}, {"ReturnData", q.return_data}};
  if (q.metric_stat) {
    const MetricStat& ms = *q.metric_stat;
    json metric = {{"Namespace", ms.metric_namespace}, {"MetricName", ms.metric_name},
                   {"Dimensions", dimensions_json(ms.dimensions)}};
    out["MetricStat"] = {{"Metric", metric}, {"Period", ms.period_s}, {"Stat", ms.stat}};
    if (ms.unit) out["MetricStat"]["Unit"] = *ms.unit;
  }
  if (!q.expression.empty()) out["Expression"] = q.expression;
  if (!q.label.empty()) out["Label"] = q.label;
  if (q.period_s > 0) out["Period"] = q.period_s;
  if (!q.account_id.empty()) out["AccountId"] = q.account_id;
  return out;
}

MetricDataQuery metric_data_query_from_json(const json& j) {
  std::vector<std::string> ignored;
  RpcInput wrapped(json{{"Q", json::array({j})}});
  auto queries = read_metric_data_queries(wrapped, "Q", ignored);
  return queries.empty() ? MetricDataQuery{} : queries.front();
}

int64_t rounded_start_s(int64_t start_ms, int64_t period_s, int64_t now_ms) {
  int64_t start_s = floor_to(start_ms, 1000) / 1000;
  int64_t age_s = (now_ms - start_ms) / 1000;
  if (period_s < 60) return floor_to(start_s, period_s);
  if (age_s <= 15 * 86400) return floor_to(start_s, 60);
  if (age_s <= 63 * 86400) return floor_to(start_s, 300);
  return floor_to(start_s, 3600);
}

Result<std::vector<AggregatedPoint>> aggregate_points(MetricsStore& store, const MetricKey& metric,
                                                      const std::optional<std::string>& unit, int64_t start_s,
                                                      int64_t end_s, int64_t period_s) {
  if (period_s <= 0 || end_s <= start_s) return std::vector<AggregatedPoint>{};
  auto stored = store.points(metric, unit, start_s, end_s);
  if (!stored) return fail(stored.error());
  std::map<int64_t, AggregatedPoint> buckets;
  for (auto& p : *stored) {
    int64_t bucket = start_s + (p.timestamp_s - start_s) / period_s * period_s;
    AggregatedPoint& out = buckets[bucket];
    out.timestamp_s = bucket;
    if (out.unit.empty()) out.unit = p.unit;
    out.values.merge(p.values);
  }
  std::vector<AggregatedPoint> out;
  out.reserve(buckets.size());
  for (auto& [ts, point] : buckets) out.push_back(std::move(point));
  return out;
}

}  // namespace lcd::local::cloudwatch
