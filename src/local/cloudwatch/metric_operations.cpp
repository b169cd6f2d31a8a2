// GetMetricData, GetMetricStatistics, ListMetrics, PutMetricData (aws-api-notes-2 §14.4-§14.6).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "local/cloudwatch/cloudwatch_errors.hpp"
#include "local/cloudwatch/cloudwatch_service.hpp"
#include "local/cloudwatch/metric_math.hpp"
#include "local/cloudwatch/metric_query.hpp"
#include "local/protocol/rpc_document.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudwatch {
namespace {

using nlohmann::json;

constexpr int k_max_statistics_datapoints = 1440;
constexpr int64_t k_default_max_datapoints = 100800;
constexpr size_t k_list_metrics_page = 500;
constexpr int64_t k_two_weeks_ms = 14LL * 86400 * 1000;
constexpr int64_t k_two_hours_ms = 2LL * 3600 * 1000;

std::string encode_token(const std::string& kind, int64_t offset) {
  return base64_encode("lcd-cw1:" + kind + ":" + std::to_string(offset));
}

// nullopt when the token is not one this service handed out for `kind`.
std::optional<int64_t> decode_token(const std::string& kind, const std::string& token) {
  auto text = base64_decode(token);
  std::string prefix = "lcd-cw1:" + kind + ":";
  if (!text || !starts_with(*text, prefix)) return std::nullopt;
  std::string digits = text->substr(prefix.size());
  if (digits.empty() || digits.size() > 15 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return std::nullopt;
  return std::stoll(digits);
}

MetricKey key_of(const RequestContext& context, const MetricStat& stat) {
  MetricKey key;
  key.region = context.region;
  key.account = context.account_id;
  key.metric_namespace = stat.metric_namespace;
  key.metric_name = stat.metric_name;
  key.dimensions = stat.dimensions;
  return key;
}

std::string join_lines(const std::vector<std::string>& lines) { return join(lines, "\n"); }

}  // namespace

CloudWatchService::OpResult CloudWatchService::get_metric_statistics(const RpcInput& in, const RequestContext& context) {
  for (const char* required : {"Namespace", "MetricName", "StartTime", "EndTime", "Period"}) {
    if (!in.has(required)) return api_fail(missing_parameter(required));
  }
  std::vector<std::string> problems;
  MetricStat stat;
  stat.metric_namespace = in.string("Namespace");
  stat.metric_name = in.string("MetricName");
  stat.dimensions = read_dimensions(in, "Dimensions", problems);
  if (!problems.empty()) return api_fail(invalid_parameter(problems.front()));
  auto start_ms = in.timestamp_ms("StartTime");
  auto end_ms = in.timestamp_ms("EndTime");
  auto period = in.integer("Period");
  if (!start_ms || !end_ms || !period) return api_fail(invalid_parameter(in.problem()));
  if (!valid_period(*period)) {
    return api_fail(invalid_parameter("The parameter Period must be 1, 5, 10, 20, 30 or a multiple of 60."));
  }
  if (*start_ms >= *end_ms) {
    return api_fail(invalid_parameter("The parameter StartTime must be less than the parameter EndTime."));
  }
  std::vector<std::string> statistics = in.strings("Statistics");
  std::vector<std::string> extended = in.strings("ExtendedStatistics");
  if (statistics.empty() && extended.empty()) {
    return api_fail(missing_parameter("Statistics or ExtendedStatistics"));
  }
  if (!statistics.empty() && !extended.empty()) {
    return api_fail(invalid_combination("The parameters Statistics and ExtendedStatistics are mutually exclusive."));
  }
  if (statistics.size() > 5 || extended.size() > 10) {
    return api_fail(invalid_parameter(statistics.size() > 5 ? "Statistics must contain at most 5 members."
                                                            : "ExtendedStatistics must contain at most 10 members."));
  }
  for (size_t i = 0; i < statistics.size(); ++i) {
    if (!is_basic_statistic(statistics[i])) {
      return api_fail(invalid_parameter("The parameter Statistics.member." + std::to_string(i + 1) +
                                        " must be a value in the set [ Minimum, Maximum, Sum, SampleCount, Average ]."));
    }
  }
  std::vector<Statistic> extended_stats;
  for (size_t i = 0; i < extended.size(); ++i) {
    auto parsed = parse_statistic(extended[i]);
    if (!parsed || is_basic_statistic(extended[i])) {
      return api_fail(invalid_parameter("The value " + extended[i] + " for parameter ExtendedStatistics.member." +
                                        std::to_string(i + 1) + " is not a valid extended statistic."));
    }
    extended_stats.push_back(*parsed);
  }
  std::optional<std::string> unit;
  if (in.has("Unit")) {
    unit = in.string("Unit");
    if (!valid_unit(*unit)) return api_fail(invalid_parameter("The parameter Unit must be a valid unit."));
  }
  int64_t now_ms = to_epoch_ms(m_clock.now());
  int64_t start_s = rounded_start_s(*start_ms, *period, now_ms);
  int64_t end_s = (*end_ms + 999) / 1000;
  int64_t requested = (end_s - start_s + *period - 1) / *period;
  if (requested > k_max_statistics_datapoints) {
    return api_fail(invalid_combination(
        "You have requested up to " + std::to_string(requested) +
        " datapoints, which exceeds the limit of 1440. You may reduce the datapoints requested by increasing Period, "
        "or decreasing the time range."));
  }
  if (auto flushed = m_ingest->flush(); !flushed) return api_fail(internal_error(flushed.error().message));
  auto points = aggregate_points(*m_store, key_of(context, stat), unit, start_s, end_s, *period);
  if (!points) return api_fail(internal_error(points.error().message));
  json datapoints = json::array();
  for (const auto& p : *points) {
    json d = {{"Timestamp", rpc_timestamp(p.timestamp_s * 1000)}, {"Unit", p.unit}};
    for (const auto& name : statistics) {
      if (auto v = statistic_value(p.values, *parse_statistic(name))) d[name] = *v;
    }
    if (!extended_stats.empty()) {
      json values = json::object();
      for (const auto& s : extended_stats) {
        if (auto v = statistic_value(p.values, s)) values[s.name] = *v;
      }
      d["ExtendedStatistics"] = rpc_map(values);
    }
    datapoints.push_back(std::move(d));
  }
  return json{{"Label", stat.metric_name}, {"Datapoints", datapoints}};
}

CloudWatchService::OpResult CloudWatchService::get_metric_data(const RpcInput& in, const RequestContext& context) {
  for (const char* required : {"MetricDataQueries", "StartTime", "EndTime"}) {
    if (!in.has(required)) return api_fail(missing_parameter(required));
  }
  std::vector<std::string> problems;
  auto queries = read_metric_data_queries(in, "MetricDataQueries", problems);
  if (!problems.empty()) return api_fail(validation_error(join_lines(problems)));
  if (queries.empty() || queries.size() > 500) {
    return api_fail(validation_error("MetricDataQueries must contain between 1 and 500 members."));
  }
  auto start_ms = in.timestamp_ms("StartTime");
  auto end_ms = in.timestamp_ms("EndTime");
  if (!start_ms || !end_ms) return api_fail(invalid_parameter(in.problem()));
  if (*start_ms >= *end_ms) {
    return api_fail(validation_error("The parameter StartTime must be less than the parameter EndTime."));
  }
  std::string scan_by = in.string("ScanBy", "TimestampDescending");
  if (scan_by != "TimestampDescending" && scan_by != "TimestampAscending") {
    return api_fail(validation_error("The value " + scan_by +
                                     " for parameter ScanBy is not valid: TimestampDescending or TimestampAscending."));
  }
  int64_t max_datapoints = in.integer("MaxDatapoints").value_or(k_default_max_datapoints);
  if (max_datapoints <= 0) return api_fail(validation_error("The parameter MaxDatapoints must be positive."));
  int64_t offset = 0;
  if (in.has("NextToken")) {
    auto decoded = decode_token("data", in.string("NextToken"));
    if (!decoded) return api_fail(invalid_next_token());
    offset = *decoded;
  }
  if (auto flushed = m_ingest->flush(); !flushed) return api_fail(internal_error(flushed.error().message));

  int64_t now_ms = to_epoch_ms(m_clock.now());
  int64_t end_s = (*end_ms + 999) / 1000;
  std::map<std::string, MetricSeries> series;  // by Id, for expressions
  for (const auto& q : queries) {
    if (!q.metric_stat) continue;
    const MetricStat& ms = *q.metric_stat;
    int64_t start_s = rounded_start_s(*start_ms, ms.period_s, now_ms);
    auto points = aggregate_points(*m_store, key_of(context, ms), ms.unit, start_s, end_s, ms.period_s);
    if (!points) return api_fail(internal_error(points.error().message));
    Statistic statistic = *parse_statistic(ms.stat);
    MetricSeries& s = series[q.id];
    for (const auto& p : *points) {
      if (auto v = statistic_value(p.values, statistic)) s.emplace_back(p.timestamp_s, *v);
    }
  }
  struct QueryResult {
    const MetricDataQuery* query;
    MetricSeries points;
    std::string label;
    std::vector<std::pair<std::string, std::string>> messages;
    std::string status = "Complete";
  };
  std::vector<QueryResult> results;
  for (const auto& q : queries) {
    QueryResult r{&q, {}, q.label, {}, "Complete"};
    if (q.metric_stat) {
      r.points = series[q.id];
      if (r.label.empty()) r.label = q.metric_stat->metric_name;
    } else {
      auto evaluated = evaluate_expression(q.expression, series);
      if (!evaluated) {
        r.status = "InternalError";
        r.messages.emplace_back("Unsupported", evaluated.error());
      } else {
        r.points = std::move(*evaluated);
        series[q.id] = r.points;
      }
      if (r.label.empty()) r.label = q.id;
    }
    if (!q.return_data) continue;
    if (scan_by == "TimestampDescending") std::reverse(r.points.begin(), r.points.end());
    results.push_back(std::move(r));
  }

  // Pages of at most MaxDatapoints across every result, in result order.
  int64_t position = 0;
  int64_t page_end = offset + max_datapoints;
  bool more = false;
  json out_results = json::array();
  for (auto& r : results) {
    json timestamps = json::array(), values = json::array();
    int64_t size = static_cast<int64_t>(r.points.size());
    int64_t from = std::clamp(offset - position, int64_t{0}, size);
    int64_t to = std::clamp(page_end - position, int64_t{0}, size);
    for (int64_t i = from; i < to; ++i) {
      timestamps.push_back(rpc_timestamp(r.points[static_cast<size_t>(i)].first * 1000));
      values.push_back(r.points[static_cast<size_t>(i)].second);
    }
    std::string status = r.status;
    if (to < size) {
      more = true;
      if (status == "Complete") status = "PartialData";
    }
    position += size;
    json messages = json::array();
    for (const auto& [code, value] : r.messages) messages.push_back({{"Code", code}, {"Value", value}});
    out_results.push_back({{"Id", r.query->id},
                           {"Label", r.label},
                           {"Timestamps", timestamps},
                           {"Values", values},
                           {"StatusCode", status},
                           {"Messages", messages}});
  }
  json out = {{"MetricDataResults", out_results}, {"Messages", json::array()}};
  if (more) out["NextToken"] = encode_token("data", page_end);
  return out;
}

CloudWatchService::OpResult CloudWatchService::list_metrics(const RpcInput& in, const RequestContext& context) {
  SeriesFilter filter;
  filter.region = context.region;
  filter.account = context.account_id;
  filter.metric_namespace = in.string("Namespace");
  filter.metric_name = in.string("MetricName");
  auto dims = in.list("Dimensions");
  if (dims.size() > 10) return api_fail(invalid_parameter("Dimensions must contain at most 10 members."));
  for (const auto& d : dims) {
    std::string name = d.string("Name");
    if (name.empty()) return api_fail(missing_parameter(d.path_of("Name")));
    filter.dimension_filters.emplace_back(name, d.has("Value") ? std::optional<std::string>(d.string("Value"))
                                                               : std::nullopt);
  }
  int64_t now_ms = to_epoch_ms(m_clock.now());
  std::string recently = in.string("RecentlyActive");
  if (!recently.empty() && recently != "PT3H") {
    return api_fail(invalid_parameter("The value " + recently + " for parameter RecentlyActive is not valid: PT3H."));
  }
  filter.active_since_ms = now_ms - (recently == "PT3H" ? 3 * 3600 * 1000LL : k_two_weeks_ms);
  int64_t offset = 0;
  if (in.has("NextToken")) {
    auto decoded = decode_token("list", in.string("NextToken"));
    if (!decoded) return api_fail(invalid_next_token());
    offset = *decoded;
  }
  if (auto flushed = m_ingest->flush(); !flushed) return api_fail(internal_error(flushed.error().message));
  auto found = m_store->series(filter);
  if (!found) return api_fail(internal_error(found.error().message));
  json metrics = json::array();
  size_t from = std::min(found->size(), static_cast<size_t>(offset));
  size_t to = std::min(found->size(), from + k_list_metrics_page);
  for (size_t i = from; i < to; ++i) {
    const auto& s = (*found)[i];
    metrics.push_back({{"Namespace", s.metric_namespace}, {"MetricName", s.metric_name},
                       {"Dimensions", dimensions_json(s.dimensions)}});
  }
  json out = {{"Metrics", metrics}};
  if (to < found->size()) out["NextToken"] = encode_token("list", static_cast<int64_t>(to));
  return out;
}

CloudWatchService::OpResult CloudWatchService::put_metric_data(const RpcInput& in, const RequestContext& context) {
  if (!in.has("Namespace")) return api_fail(missing_parameter("Namespace"));
  std::string ns = in.string("Namespace");
  if (ns.empty() || ns.size() > 255) return api_fail(invalid_parameter("The parameter Namespace must be 1 to 255 characters."));
  if (starts_with(ns, "AWS/")) {
    return api_fail(invalid_parameter("The value " + ns + " for parameter Namespace is invalid: namespaces beginning with "
                                      "AWS/ are reserved for AWS services."));
  }
  auto data = in.list("MetricData");
  if (data.empty() && !in.has("MetricData")) return api_fail(missing_parameter("MetricData"));
  if (data.size() > 1000) return api_fail(invalid_parameter("The collection MetricData must not have a size greater than 1000."));
  int64_t now_ms = to_epoch_ms(m_clock.now());
  std::vector<MetricSample> samples;
  for (const auto& d : data) {
    MetricSample s;
    s.key.region = context.region;
    s.key.account = context.account_id;
    s.key.metric_namespace = ns;
    s.key.metric_name = d.string("MetricName");
    if (s.key.metric_name.empty()) return api_fail(missing_parameter(d.path_of("MetricName")));
    std::vector<std::string> problems;
    s.key.dimensions = read_dimensions(d, "Dimensions", problems);
    if (!problems.empty()) return api_fail(invalid_parameter(problems.front()));
    if (s.key.dimensions.size() > 30) {
      return api_fail(invalid_parameter("The collection " + d.path_of("Dimensions") + " must not have a size greater than 30."));
    }
    for (size_t i = 1; i < s.key.dimensions.size(); ++i) {
      if (s.key.dimensions[i].first == s.key.dimensions[i - 1].first) {
        return api_fail(invalid_parameter("No metric may have duplicate dimension names: " + s.key.dimensions[i].first));
      }
    }
    s.key.unit = d.has("Unit") ? d.string("Unit") : "None";
    if (!valid_unit(s.key.unit)) {
      return api_fail(invalid_parameter("The value " + s.key.unit + " for parameter " + d.path_of("Unit") + " is not a valid unit."));
    }
    s.timestamp_ms = d.timestamp_ms("Timestamp").value_or(now_ms);
    if (s.timestamp_ms > now_ms + k_two_hours_ms) {
      return api_fail(invalid_parameter("The parameter " + d.path_of("Timestamp") +
                                        " must specify a time no more than two hours in the future."));
    }
    if (s.timestamp_ms < now_ms - k_two_weeks_ms) {
      return api_fail(invalid_parameter("The parameter " + d.path_of("Timestamp") +
                                        " must specify a time within the past two weeks."));
    }
    int64_t resolution = d.integer("StorageResolution").value_or(60);
    if (resolution != 1 && resolution != 60) {
      return api_fail(invalid_parameter("The parameter " + d.path_of("StorageResolution") + " must be 1 or 60."));
    }
    s.resolution_s = static_cast<int>(resolution);
    auto value = d.number("Value");
    bool has_stats = d.has("StatisticValues");
    int forms = (value ? 1 : 0) + (has_stats ? 1 : 0) + (d.has("Values") ? 1 : 0);
    if (forms > 1) {
      return api_fail(invalid_combination("The parameters " + d.path_of("Value") + ", " + d.path_of("StatisticValues") +
                                          " and " + d.path_of("Values") + " are mutually exclusive."));
    }
    auto bad_number = [](double v) { return !std::isfinite(v) || std::fabs(v) > 1e108; };
    if (value) {
      if (bad_number(*value)) return api_fail(invalid_parameter("The value for parameter " + d.path_of("Value") + " is not valid."));
      s.values.add_value(*value);
    } else if (has_stats) {
      RpcInput sv = d.child("StatisticValues");
      auto count = sv.number("SampleCount"), sum = sv.number("Sum"), min = sv.number("Minimum"), max = sv.number("Maximum");
      if (!count || !sum || !min || !max) {
        return api_fail(missing_parameter(sv.path_of(!count ? "SampleCount" : !sum ? "Sum" : !min ? "Minimum" : "Maximum")));
      }
      if (*count <= 0 || *min > *max || bad_number(*sum) || bad_number(*min) || bad_number(*max)) {
        return api_fail(invalid_parameter("The values for parameter " + d.path_of("StatisticValues") + " are not consistent."));
      }
      s.values.add_summary(*count, *sum, *min, *max);
    } else {
      std::vector<double> vs = d.numbers("Values");
      std::vector<double> cs = d.numbers("Counts");
      if (!d.problem().empty()) return api_fail(invalid_parameter(d.problem()));
      if (vs.empty() && !d.has("Values")) return api_fail(missing_parameter(d.path_of("Value")));
      if (!cs.empty() && cs.size() != vs.size()) {
        return api_fail(invalid_combination("The parameters " + d.path_of("Values") + " and " + d.path_of("Counts") +
                                            " must be of the same size."));
      }
      if (vs.size() > 150) return api_fail(invalid_parameter("The collection " + d.path_of("Values") + " must not have a size greater than 150."));
      for (size_t i = 0; i < vs.size(); ++i) {
        if (bad_number(vs[i])) return api_fail(invalid_parameter("The value for parameter " + d.path_of("Values") + " is not valid."));
        s.values.add_value(vs[i], cs.empty() ? 1 : cs[i]);
      }
    }
    samples.push_back(std::move(s));
  }
  m_ingest->record(std::move(samples));
  if (auto flushed = m_ingest->flush(); !flushed) return api_fail(internal_error(flushed.error().message));
  return json::object();
}

}  // namespace lcd::local::cloudwatch
