// PutMetricAlarm, DescribeAlarms, DeleteAlarms, SetAlarmState and the periodic evaluation of
// metric alarms (aws-api-notes-2 §14.5, §14.7).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "local/cloudwatch/alarm_evaluation.hpp"
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

const std::set<std::string> k_operators = {"GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold",
                                           "LessThanOrEqualToThreshold"};
const std::set<std::string> k_band_operators = {"LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold",
                                                "GreaterThanUpperThreshold"};
const std::set<std::string> k_states = {"OK", "ALARM", "INSUFFICIENT_DATA"};

std::string alarm_key(const std::string& region, const std::string& account, const std::string& name) {
  return region + "\n" + account + "\n" + name;
}

std::string alarm_arn(const AlarmRecord& a) {
  return "arn:aws:cloudwatch:" + a.region + ":" + a.account + ":alarm:" + a.name;
}

bool valid_alarm_period(int64_t period) { return period == 10 || period == 20 || period == 30 || (period >= 60 && period % 60 == 0); }

std::string encode_token(int64_t offset) { return base64_encode("lcd-cw1:alarms:" + std::to_string(offset)); }

std::optional<int64_t> decode_token(const std::string& token) {
  auto text = base64_decode(token);
  const std::string prefix = "lcd-cw1:alarms:";
  if (!text || !starts_with(*text, prefix)) return std::nullopt;
  std::string digits = text->substr(prefix.size());
  if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return std::nullopt;
  return std::stoll(digits);
}

json render_alarm(const AlarmRecord& a) {
  json out = json::parse(a.definition_json, nullptr, false);
  if (!out.is_object()) out = json::object();
  out["AlarmName"] = a.name;
  out["AlarmArn"] = alarm_arn(a);
  out["AlarmConfigurationUpdatedTimestamp"] = rpc_timestamp(a.configuration_updated_ms);
  out["StateValue"] = a.state_value;
  out["StateReason"] = a.state_reason;
  if (!a.state_reason_data.empty()) out["StateReasonData"] = a.state_reason_data;
  out["StateUpdatedTimestamp"] = rpc_timestamp(a.state_updated_ms);
  out["StateTransitionedTimestamp"] = rpc_timestamp(a.state_transitioned_ms);
  out.erase("Tags");
  return out;
}

// Minimum samples for EvaluateLowSampleCountPercentile=ignore (CloudWatch User Guide: 10/(1-p)
// for p >= 0.5, else 10/p).
double min_samples_for(const std::string& extended_statistic) {
  auto stat = parse_statistic(extended_statistic);
  if (!stat || stat->kind != Statistic::Kind::percentile || stat->lower <= 0 || stat->lower >= 100) return 0;
  double p = stat->lower / 100.0;
  return p >= 0.5 ? 10.0 / (1.0 - p) : 10.0 / p;
}

// Alarms are evaluated at multiples of their period (at most a minute): the step an evaluation at
// `now_s` belongs to.
int64_t evaluation_step_start(const json& def, int64_t now_s) {
  int64_t period = def.value("Period", 0);
  if (def.contains("Metrics")) {
    for (const auto& q : def["Metrics"]) {
      if (!q.value("ReturnData", true)) continue;
      period = q.contains("MetricStat") ? q["MetricStat"].value("Period", 60) : q.value("Period", 60);
    }
  }
  if (period <= 0) period = 60;
  const int64_t step = std::min<int64_t>(period, 60);
  return now_s / step * step;
}

}  // namespace

CloudWatchService::OpResult CloudWatchService::put_metric_alarm(const RpcInput& in, const RequestContext& context) {
  for (const char* required : {"AlarmName", "EvaluationPeriods", "ComparisonOperator"}) {
    if (!in.has(required)) return api_fail(missing_parameter(required));
  }
  std::string name = in.string("AlarmName");
  if (name.empty() || name.size() > 255) return api_fail(invalid_parameter("The parameter AlarmName must be 1 to 255 characters."));
  auto evaluation_periods = in.integer("EvaluationPeriods");
  if (!evaluation_periods || *evaluation_periods < 1) {
    return api_fail(invalid_parameter("The parameter EvaluationPeriods must be greater than or equal to 1."));
  }
  std::string op = in.string("ComparisonOperator");
  bool band = k_band_operators.count(op) > 0;
  if (!k_operators.count(op) && !band) {
    return api_fail(invalid_parameter("The value " + op + " for parameter ComparisonOperator is not valid."));
  }
  json def = json::object();
  def["AlarmName"] = name;
  if (in.has("AlarmDescription")) def["AlarmDescription"] = in.string("AlarmDescription");
  def["ActionsEnabled"] = in.boolean("ActionsEnabled").value_or(true);
  for (const char* list : {"OKActions", "AlarmActions", "InsufficientDataActions"}) {
    auto actions = in.strings(list);
    if (actions.size() > 5) return api_fail(invalid_parameter(std::string("The collection ") + list + " must not have a size greater than 5."));
    def[list] = actions;
  }
  def["EvaluationPeriods"] = *evaluation_periods;
  def["ComparisonOperator"] = op;
  if (in.has("ThresholdMetricId")) def["ThresholdMetricId"] = in.string("ThresholdMetricId");
  if (band && !in.has("ThresholdMetricId")) {
    return api_fail(invalid_combination("ComparisonOperator " + op + " requires ThresholdMetricId."));
  }
  if (in.has("Threshold")) {
    auto threshold = in.number("Threshold");
    if (!threshold || !std::isfinite(*threshold)) return api_fail(invalid_parameter("The parameter Threshold is not valid."));
    def["Threshold"] = *threshold;
  } else if (!band) {
    return api_fail(missing_parameter("Threshold"));
  }
  if (in.has("DatapointsToAlarm")) {
    auto m = in.integer("DatapointsToAlarm");
    if (!m || *m < 1 || *m > *evaluation_periods) {
      return api_fail(invalid_parameter("DatapointsToAlarm must be between 1 and EvaluationPeriods."));
    }
    def["DatapointsToAlarm"] = *m;
  }
  std::string treat = in.string("TreatMissingData");
  if (!treat.empty()) {
    if (treat != "breaching" && treat != "notBreaching" && treat != "ignore" && treat != "missing") {
      return api_fail(invalid_parameter("The value " + treat +
                                        " for parameter TreatMissingData is not valid: breaching, notBreaching, ignore or missing."));
    }
    def["TreatMissingData"] = treat;
  }
  std::string low = in.string("EvaluateLowSampleCountPercentile");
  if (!low.empty()) {
    if (low != "evaluate" && low != "ignore") {
      return api_fail(invalid_parameter("The value " + low + " for parameter EvaluateLowSampleCountPercentile is not valid."));
    }
    def["EvaluateLowSampleCountPercentile"] = low;
  }
  int64_t period = 0;
  if (in.has("Metrics")) {
    for (const char* single : {"MetricName", "Namespace", "Statistic", "ExtendedStatistic", "Dimensions", "Period", "Unit"}) {
      if (in.has(single)) {
        return api_fail(invalid_combination(std::string("The parameter ") + single + " cannot be used with Metrics."));
      }
    }
    std::vector<std::string> problems;
    auto queries = read_metric_data_queries(in, "Metrics", problems);
    if (!problems.empty()) return api_fail(validation_error(join(problems, "\n")));
    int returned = 0;
    json metrics = json::array();
    for (const auto& q : queries) {
      if (q.return_data) ++returned;
      if (q.return_data) period = q.metric_stat ? q.metric_stat->period_s : q.period_s;
      metrics.push_back(metric_data_query_json(q));
    }
    if (returned != 1) {
      return api_fail(validation_error("Exactly one element of the Metrics list must return data (ReturnData=true)."));
    }
    if (period == 0 && !queries.empty()) {
      for (const auto& q : queries) {
        if (q.metric_stat) period = q.metric_stat->period_s;
      }
    }
    def["Metrics"] = metrics;
  } else {
    for (const char* required : {"MetricName", "Namespace", "Period"}) {
      if (!in.has(required)) return api_fail(missing_parameter(required));
    }
    bool has_stat = in.has("Statistic"), has_extended = in.has("ExtendedStatistic");
    if (has_stat == has_extended) {
      return api_fail(invalid_combination("Exactly one of the parameters Statistic and ExtendedStatistic must be set."));
    }
    if (has_stat) {
      std::string stat = in.string("Statistic");
      if (!is_basic_statistic(stat)) {
        return api_fail(invalid_parameter("The value " + stat + " for parameter Statistic is not valid."));
      }
      def["Statistic"] = stat;
    } else {
      std::string stat = in.string("ExtendedStatistic");
      if (!parse_statistic(stat) || is_basic_statistic(stat)) {
        return api_fail(invalid_parameter("The value " + stat + " for parameter ExtendedStatistic is not valid."));
      }
      def["ExtendedStatistic"] = stat;
    }
    std::vector<std::string> problems;
    Dimensions dims = read_dimensions(in, "Dimensions", problems);
    if (!problems.empty()) return api_fail(invalid_parameter(problems.front()));
    def["MetricName"] = in.string("MetricName");
    def["Namespace"] = in.string("Namespace");
    def["Dimensions"] = dimensions_json(dims);
    period = in.integer("Period").value_or(0);
    def["Period"] = period;
    if (in.has("Unit")) {
      std::string unit = in.string("Unit");
      if (!valid_unit(unit)) return api_fail(invalid_parameter("The value " + unit + " for parameter Unit is not valid."));
      def["Unit"] = unit;
    }
  }
  if (!valid_alarm_period(period)) {
    return api_fail(invalid_parameter("The parameter Period must be 10, 20, 30 or a multiple of 60."));
  }
  int64_t span = period * *evaluation_periods;
  if ((period < 3600 && span > 86400) || span > 604800) {
    return api_fail(invalid_parameter("The evaluation period (Period x EvaluationPeriods) must not exceed " +
                                      std::string(period < 3600 ? "one day" : "seven days") + "."));
  }
  if (!in.problem().empty()) return api_fail(invalid_parameter(in.problem()));

  int64_t now_ms = to_epoch_ms(m_clock.now());
  std::lock_guard lock(m_alarm_mutex);
  auto existing = m_store->alarms(context.region, context.account_id);
  if (!existing) return api_fail(internal_error(existing.error().message));
  AlarmRecord record;
  auto it = std::find_if(existing->begin(), existing->end(), [&](const AlarmRecord& a) { return a.name == name; });
  if (it != existing->end()) {
    record = *it;  // an update replaces the configuration and keeps the state
  } else {
    if (existing->size() >= 5000) return api_fail(make_api_error(400, "LimitExceeded", "The maximum number of alarms (5000) has been reached."));
    record.region = context.region;
    record.account = context.account_id;
    record.name = name;
    record.state_value = "INSUFFICIENT_DATA";
    record.state_reason = "Unchecked: Initial alarm creation";
    record.state_updated_ms = now_ms;
    record.state_transitioned_ms = now_ms;
  }
  record.definition_json = def.dump(-1, ' ', false, json::error_handler_t::replace);  // names may hold any byte
  record.configuration_updated_ms = now_ms;
  if (auto saved = m_store->put_alarm(record); !saved) return api_fail(internal_error(saved.error().message));
  m_last_evaluated_s.erase(alarm_key(record.region, record.account, record.name));
  return json::object();
}

CloudWatchService::OpResult CloudWatchService::describe_alarms(const RpcInput& in, const RequestContext& context) {
  auto names = in.strings("AlarmNames");
  std::string prefix = in.string("AlarmNamePrefix");
  if (!names.empty() && !prefix.empty()) {
    return api_fail(invalid_combination("The parameters AlarmNames and AlarmNamePrefix are mutually exclusive."));
  }
  if (names.size() > 100) return api_fail(invalid_parameter("The collection AlarmNames must not have a size greater than 100."));
  auto types = in.strings("AlarmTypes");
  for (const auto& t : types) {
    if (t != "MetricAlarm" && t != "CompositeAlarm") {
      return api_fail(invalid_parameter("The value " + t + " for parameter AlarmTypes is not valid."));
    }
  }
  bool metric_alarms = types.empty() || std::find(types.begin(), types.end(), "MetricAlarm") != types.end();
  if (in.has("ChildrenOfAlarmName") || in.has("ParentsOfAlarmName")) metric_alarms = false;  // composite relations only
  std::string state = in.string("StateValue");
  if (!state.empty() && !k_states.count(state)) {
    return api_fail(invalid_parameter("The value " + state + " for parameter StateValue is not valid."));
  }
  std::string action_prefix = in.string("ActionPrefix");
  int64_t max_records = in.integer("MaxRecords").value_or(50);
  if (max_records < 1 || max_records > 100) {
    return api_fail(invalid_parameter("The parameter MaxRecords must be between 1 and 100."));
  }
  int64_t offset = 0;
  if (in.has("NextToken")) {
    auto decoded = decode_token(in.string("NextToken"));
    if (!decoded) return api_fail(invalid_next_token());
    offset = *decoded;
  }
  std::vector<AlarmRecord> matching;
  if (metric_alarms) {
    std::lock_guard lock(m_alarm_mutex);
    auto all = m_store->alarms(context.region, context.account_id);
    if (!all) return api_fail(internal_error(all.error().message));
    std::set<std::string> wanted(names.begin(), names.end());
    for (auto& a : *all) {
      if (!wanted.empty() && !wanted.count(a.name)) continue;
      if (!prefix.empty() && !starts_with(a.name, prefix)) continue;
      if (!state.empty() && a.state_value != state) continue;
      if (!action_prefix.empty()) {
        json def = json::parse(a.definition_json, nullptr, false);
        bool any = false;
        for (const char* list : {"OKActions", "AlarmActions", "InsufficientDataActions"}) {
          if (!def.is_object() || !def.contains(list)) continue;
          for (const auto& action : def[list]) {
            if (action.is_string() && starts_with(action.get<std::string>(), action_prefix)) any = true;
          }
        }
        if (!any) continue;
      }
      matching.push_back(std::move(a));
    }
  }
  json alarms = json::array();
  size_t from = std::min(matching.size(), static_cast<size_t>(offset));
  size_t to = std::min(matching.size(), from + static_cast<size_t>(max_records));
  for (size_t i = from; i < to; ++i) alarms.push_back(render_alarm(matching[i]));
  json out = {{"MetricAlarms", alarms}, {"CompositeAlarms", json::array()}};
  if (to < matching.size()) out["NextToken"] = encode_token(static_cast<int64_t>(to));
  return out;
}

CloudWatchService::OpResult CloudWatchService::delete_alarms(const RpcInput& in, const RequestContext& context) {
  if (!in.has("AlarmNames")) return api_fail(missing_parameter("AlarmNames"));
  auto names = in.strings("AlarmNames");
  if (names.size() > 100) return api_fail(invalid_parameter("The collection AlarmNames must not have a size greater than 100."));
  std::lock_guard lock(m_alarm_mutex);
  for (const auto& name : names) {
    // Unknown names are skipped: the others are still deleted (whether AWS then answers
    // ResourceNotFound is unconfirmed; aws-api-notes-2 §14.5).
    auto deleted = m_store->delete_alarm(context.region, context.account_id, name);
    if (!deleted) return api_fail(internal_error(deleted.error().message));
    m_last_evaluated_s.erase(alarm_key(context.region, context.account_id, name));
  }
  return json::object();
}

CloudWatchService::OpResult CloudWatchService::set_alarm_state(const RpcInput& in, const RequestContext& context) {
  for (const char* required : {"AlarmName", "StateValue", "StateReason"}) {
    if (!in.has(required)) return api_fail(missing_parameter(required));
  }
  std::string name = in.string("AlarmName");
  std::string state = in.string("StateValue");
  if (!k_states.count(state)) {
    return api_fail(invalid_parameter("The value " + state + " for parameter StateValue is not valid: OK, ALARM or INSUFFICIENT_DATA."));
  }
  std::string reason = in.string("StateReason");
  if (reason.size() > 1023) return api_fail(invalid_parameter("The parameter StateReason must be at most 1023 characters."));
  std::string reason_data = in.string("StateReasonData");
  if (!reason_data.empty() && json::parse(reason_data, nullptr, false).is_discarded()) {
    return api_fail(make_api_error(400, "InvalidFormat", "The parameter StateReasonData is not valid JSON."));
  }
  int64_t now_ms = to_epoch_ms(m_clock.now());
  std::lock_guard lock(m_alarm_mutex);
  auto all = m_store->alarms(context.region, context.account_id);
  if (!all) return api_fail(internal_error(all.error().message));
  auto it = std::find_if(all->begin(), all->end(), [&](const AlarmRecord& a) { return a.name == name; });
  if (it == all->end()) return api_fail(resource_not_found("Alarm " + name + " not found"));
  if (it->state_value != state) it->state_transitioned_ms = now_ms;
  it->state_value = state;
  it->state_reason = reason;
  it->state_reason_data = reason_data;
  it->state_updated_ms = now_ms;
  if (auto saved = m_store->put_alarm(*it); !saved) return api_fail(internal_error(saved.error().message));
  // The state set holds until the alarm's next evaluation (the next period), as on CloudWatch; an
  // evaluation still due for the current one would undo it at once.
  json def = json::parse(it->definition_json, nullptr, false);
  if (def.is_object()) {
    m_last_evaluated_s[alarm_key(context.region, context.account_id, name)] = evaluation_step_start(def, now_ms / 1000);
  }
  return json::object();
}

int CloudWatchService::evaluate_alarms(int64_t now_ms) {
  (void)m_ingest->flush();
  std::lock_guard lock(m_alarm_mutex);
  auto all = m_store->all_alarms();
  if (!all) return 0;
  int changed = 0;
  int64_t now_s = now_ms / 1000;
  for (auto& alarm : *all) {
    json def = json::parse(alarm.definition_json, nullptr, false);
    if (!def.is_object()) continue;
    int64_t at_s = evaluation_step_start(def, now_s);
    std::string key = alarm_key(alarm.region, alarm.account, alarm.name);
    auto last = m_last_evaluated_s.find(key);
    if (last != m_last_evaluated_s.end() && last->second >= at_s) continue;
    m_last_evaluated_s[key] = at_s;
    if (evaluate_alarm_at(alarm, at_s, now_ms)) ++changed;
  }
  return changed;
}

bool CloudWatchService::evaluate_alarm_at(AlarmRecord& alarm, int64_t at_s, int64_t now_ms) {
  json def = json::parse(alarm.definition_json, nullptr, false);
  AlarmRule rule;
  rule.evaluation_periods = def.value("EvaluationPeriods", 1);
  rule.datapoints_to_alarm = def.value("DatapointsToAlarm", rule.evaluation_periods);
  rule.threshold = def.value("Threshold", 0.0);
  rule.comparison_operator = def.value("ComparisonOperator", "");
  rule.treat_missing_data = def.value("TreatMissingData", "missing");
  rule.statistic = def.contains("ExtendedStatistic") ? def.value("ExtendedStatistic", "") : def.value("Statistic", "");
  if (def.value("EvaluateLowSampleCountPercentile", "") == "ignore") rule.min_samples = min_samples_for(rule.statistic);

  AlarmOutcome outcome;
  if (def.contains("ThresholdMetricId") || !k_operators.count(rule.comparison_operator)) {
    outcome = AlarmOutcome{"INSUFFICIENT_DATA", "lambda-cd local does not evaluate anomaly detection alarms", ""};
  } else {
    std::vector<MetricDataQuery> queries;
    if (def.contains("Metrics")) {
      for (const auto& q : def["Metrics"]) queries.push_back(metric_data_query_from_json(q));
    } else {
      MetricDataQuery q;
      q.id = "m1";
      MetricStat ms;
      ms.metric_namespace = def.value("Namespace", "");
      ms.metric_name = def.value("MetricName", "");
      for (const auto& d : def.value("Dimensions", json::array())) {
        ms.dimensions.emplace_back(d.value("Name", ""), d.value("Value", ""));
      }
      ms.dimensions = sorted_dimensions(ms.dimensions);
      ms.period_s = def.value("Period", 60);
      ms.stat = rule.statistic;
      if (def.contains("Unit")) ms.unit = def.value("Unit", "");
      q.metric_stat = ms;
      queries.push_back(q);
    }
    int64_t period = 60;
    for (const auto& q : queries) {
      if (q.return_data) period = q.metric_stat ? q.metric_stat->period_s : (q.period_s > 0 ? q.period_s : period);
    }
    rule.period_s = static_cast<int>(period);
    int range_periods = evaluation_range_periods(rule);
    int64_t from_s = at_s - range_periods * period;
    std::map<std::string, MetricSeries> series;
    std::map<int64_t, double> samples;  // of the returned MetricStat, for low-sample percentiles
    MetricSeries returned;
    std::string problem;
    for (const auto& q : queries) {
      MetricSeries s;
      if (q.metric_stat) {
        MetricKey key;
        key.region = alarm.region;
        key.account = alarm.account;
        key.metric_namespace = q.metric_stat->metric_namespace;
        key.metric_name = q.metric_stat->metric_name;
        key.dimensions = q.metric_stat->dimensions;
        auto points = aggregate_points(*m_store, key, q.metric_stat->unit, from_s, at_s, q.metric_stat->period_s);
        if (!points) return false;  // retried at the next evaluation
        auto statistic = parse_statistic(q.metric_stat->stat);
        for (const auto& p : *points) {
          if (!statistic) break;
          if (auto v = statistic_value(p.values, *statistic)) {
            s.emplace_back(p.timestamp_s, *v);
            if (q.return_data) samples[p.timestamp_s] = p.values.sample_count;
          }
        }
      } else {
        auto evaluated = evaluate_expression(q.expression, series);
        if (!evaluated) {
          problem = evaluated.error();
          break;
        }
        s = std::move(*evaluated);
      }
      series[q.id] = s;
      if (q.return_data) returned = s;
    }
    if (!problem.empty()) {
      outcome = AlarmOutcome{"INSUFFICIENT_DATA", "lambda-cd local cannot evaluate this alarm: " + problem, ""};
    } else {
      std::vector<PeriodValue> range;
      for (int i = 0; i < range_periods; ++i) {
        PeriodValue pv;
        int64_t start = from_s + i * period;
        pv.start_ms = start * 1000;
        for (const auto& [ts, v] : returned) {
          if (ts == start) {
            pv.value = v;
            pv.sample_count = samples.count(ts) ? samples[ts] : 1;
          }
        }
        range.push_back(pv);
      }
      outcome = evaluate_alarm(rule, range, alarm.state_value, now_ms);
    }
  }
  if (outcome.state == alarm.state_value) return false;
  alarm.state_value = outcome.state;
  alarm.state_reason = outcome.reason;
  alarm.state_reason_data = outcome.reason_data;
  alarm.state_updated_ms = now_ms;
  alarm.state_transitioned_ms = now_ms;
  return static_cast<bool>(m_store->put_alarm(alarm));
}

}  // namespace lcd::local::cloudwatch
