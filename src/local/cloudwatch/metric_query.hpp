#pragma once
// Reading metrics back: the MetricDataQuery structure GetMetricData and PutMetricAlarm share, and
// the datapoints of one metric over a time range per period (aws-api-notes-2 §14.4, §14.6):
// StartTime rounded down as CloudWatch does, buckets of Period seconds from it, EndTime exclusive,
// only buckets that have data.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "local/cloudwatch/metric_sample.hpp"
#include "local/cloudwatch/metrics_store.hpp"
#include "local/protocol/rpc_input.hpp"

namespace lcd::local::cloudwatch {

struct MetricStat {
  std::string metric_namespace;
  std::string metric_name;
  Dimensions dimensions;  // sorted
  int period_s = 0;
  std::string stat;
  std::optional<std::string> unit;
};

struct MetricDataQuery {
  std::string id;
  std::optional<MetricStat> metric_stat;
  std::string expression;
  std::string label;
  bool return_data = true;
  int period_s = 0;  // for expressions
  std::string account_id;
};

// `list_name` (e.g. "MetricDataQueries", "Metrics") read from `input`; every problem AWS reports
// as a ValidationError line (Id pattern, duplicated Id, MetricStat xor Expression, bad Stat or
// Period) is appended to `problems` in AWS's words.
std::vector<MetricDataQuery> read_metric_data_queries(const RpcInput& input, const std::string& list_name,
                                                      std::vector<std::string>& problems);
// The query as the model renders it (DescribeAlarms' Metrics).
nlohmann::json metric_data_query_json(const MetricDataQuery& query);
// The stored form back (as written by metric_data_query_json).
MetricDataQuery metric_data_query_from_json(const nlohmann::json& json);

// Dimensions [{Name, Value}] of a structure: sorted, with `problems` for missing names or values.
Dimensions read_dimensions(const RpcInput& input, const std::string& name, std::vector<std::string>& problems);
nlohmann::json dimensions_json(const Dimensions& dimensions);

// A period CloudWatch accepts: 1, 5, 10, 20, 30 or a multiple of 60.
bool valid_period(int64_t period_s);

// StartTime rounded down: to the period below a minute, to the minute within 15 days, to 5
// minutes within 63 days, else to the hour.
int64_t rounded_start_s(int64_t start_ms, int64_t period_s, int64_t now_ms);

struct AggregatedPoint {
  int64_t timestamp_s = 0;  // bucket start
  std::string unit;
  StatisticSet values;
};

// The datapoints of `metric` (region, account, namespace, name, exact dimensions) in buckets of
// `period_s` from `start_s` up to (not including) `end_s`, oldest first; only buckets with data.
Result<std::vector<AggregatedPoint>> aggregate_points(MetricsStore& store, const MetricKey& metric,
                                                      const std::optional<std::string>& unit, int64_t start_s,
                                                      int64_t end_s, int64_t period_s);

// The units CloudWatch accepts (StandardUnit).
bool valid_unit(const std::string& unit);

}  // namespace lcd::local::cloudwatch
