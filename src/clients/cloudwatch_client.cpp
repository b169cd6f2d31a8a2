#include "clients/cloudwatch_client.hpp"

#include <charconv>
#include <cmath>
#include <ctime>
#include <map>

#include "clients/query_protocol.hpp"
#include "util/clock.hpp"
#include "util/xml_document.hpp"

namespace lcd::clients {
namespace {

constexpr const char* k_service = "monitoring";

bool read_int(std::string_view text, size_t pos, size_t len, int& out) {
  if (pos + len > text.size()) return false;
  auto [end, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, out);
  return ec == std::errc() && end == text.data() + pos + len;
}

Result<double> parse_double(const std::string& text, std::string_view what) {
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) {
    return fail(ErrorKind::invalid, "CloudWatch response: " + std::string(what) + " '" + text + "' is not a number");
  }
  return v;
}

}  // namespace

double MetricDataResult::sum() const {
  double total = 0;
  for (double v : values) total += v;
  return total;
}

std::string format_query_timestamp(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<TimePoint> parse_iso8601(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fff][Z|+00:00]
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != ' ') ||
      text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  if (!read_int(text, 0, 4, year) || !read_int(text, 5, 2, month) || !read_int(text, 8, 2, day) ||
      !read_int(text, 11, 2, hour) || !read_int(text, 14, 2, minute) || !read_int(text, 17, 2, second)) {
    return std::nullopt;
  }
  size_t pos = 19;
  long long micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int d = digits; d < 6; ++d) micros *= 10;
  }
  std::string_view zone = text.substr(pos);
  if (zone != "Z" && zone != "+00:00" && zone != "+0000") return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  auto instant = from_utc_tm(tm);
  if (!instant) return std::nullopt;
  return *instant + std::chrono::microseconds(micros);
}

std::vector<std::pair<std::string, std::string>> get_metric_data_params(const GetMetricDataRequest& request,
                                                                         const std::string& next_token) {
  QueryParams params;
  for (size_t i = 0; i < request.queries.size(); ++i) {
    const auto& q = request.queries[i];
    const std::string base = "MetricDataQueries.member." + std::to_string(i + 1);
    params.emplace_back(base + ".Id", q.id);
    params.emplace_back(base + ".MetricStat.Metric.Namespace", q.metric_namespace);
    params.emplace_back(base + ".MetricStat.Metric.MetricName", q.metric_name);
    for (size_t d = 0; d < q.dimensions.size(); ++d) {
      const std::string dim = base + ".MetricStat.Metric.Dimensions.member." + std::to_string(d + 1);
      params.emplace_back(dim + ".Name", q.dimensions[d].name);
      params.emplace_back(dim + ".Value", q.dimensions[d].value);
    }
    params.emplace_back(base + ".MetricStat.Period", std::to_string(q.period));
    params.emplace_back(base + ".MetricStat.Stat", q.stat);
    if (!q.label.empty()) params.emplace_back(base + ".Label", q.label);
    params.emplace_back(base + ".ReturnData", "true");
  }
  params.emplace_back("StartTime", format_query_timestamp(request.start_time));
  params.emplace_back("EndTime", format_query_timestamp(request.end_time));
  params.emplace_back("ScanBy", "TimestampAscending");
  if (!next_token.empty()) params.emplace_back("NextToken", next_token);
  return params;
}

Result<GetMetricDataPage> parse_get_metric_data(std::string_view xml) {
  auto result = parse_query_result(xml, "GetMetricData", "CloudWatch");
  if (!result) return fail(result.error());
  GetMetricDataPage page;
  for (const XmlElement* m : result->members("MetricDataResults")) {
    MetricDataResult r;
    r.id = m->child_text("Id");
    r.label = m->child_text("Label");
    r.status_code = m->child_text("StatusCode");
    for (const XmlElement* t : m->members("Timestamps")) {
      auto tp = parse_iso8601(t->text);
      if (!tp) return fail(ErrorKind::invalid, "CloudWatch response: timestamp '" + t->text + "' is not ISO 8601");
      r.timestamps.push_back(*tp);
    }
    for (const XmlElement* v : m->members("Values")) {
      auto d = parse_double(v->text, "value");
      if (!d) return fail(d.error());
      r.values.push_back(*d);
    }
    if (r.timestamps.size() != r.values.size()) {
      return fail(ErrorKind::invalid, "CloudWatch response: result " + r.id + " has " +
                                          std::to_string(r.timestamps.size()) + " timestamps but " +
                                          std::to_string(r.values.size()) + " values");
    }
    for (const XmlElement* msg : m->members("Messages")) {
      r.messages.push_back(msg->child_text("Code") + ": " + msg->child_text("Value"));
    }
    page.results.push_back(std::move(r));
  }
  page.next_token = result->child_text("NextToken");
  return page;
}

Result<DescribeAlarmsPage> parse_describe_alarms(std::string_view xml) {
  auto result = parse_query_result(xml, "DescribeAlarms", "CloudWatch");
  if (!result) return fail(result.error());
  DescribeAlarmsPage page;
  auto read = [&](const char* list, bool composite) {
    for (const XmlElement* m : result->members(list)) {
      MetricAlarm a;
      a.name = m->child_text("AlarmName");
      a.arn = m->child_text("AlarmArn");
      a.composite = composite;
      a.state_value = m->child_text("StateValue");
      a.state_reason = m->child_text("StateReason");
      a.state_updated = m->child_text("StateUpdatedTimestamp");
      page.alarms.push_back(std::move(a));
    }
  };
  read("MetricAlarms", false);
  read("CompositeAlarms", true);
  page.next_token = result->child_text("NextToken");
  return page;
}

Result<std::vector<MetricDataResult>> CloudWatchClient::get_metric_data(const GetMetricDataRequest& request) {
  std::vector<MetricDataResult> merged;
  std::map<std::string, size_t> index;
  for (const auto& q : request.queries) {
    index[q.id] = merged.size();
    MetricDataResult r;
    r.id = q.id;
    r.label = q.label;
    merged.push_back(std::move(r));
  }
  std::string token;
  for (int page = 0; page < k_max_pages; ++page) {
    auto response = m_caller.call(query_request(k_service, k_cloudwatch_api_version, "GetMetricData",
                                                get_metric_data_params(request, token)));
    if (!response) return fail(response.error());
    auto parsed = parse_get_metric_data(response->body);
    if (!parsed) return fail(parsed.error());
    for (auto& r : parsed->results) {
      auto it = index.find(r.id);
      if (it == index.end()) continue;  // not asked for
      auto& into = merged[it->second];
      if (!r.label.empty()) into.label = r.label;
      into.status_code = r.status_code;
      into.timestamps.insert(into.timestamps.end(), r.timestamps.begin(), r.timestamps.end());
      into.values.insert(into.values.end(), r.values.begin(), r.values.end());
      into.messages.insert(into.messages.end(), r.messages.begin(), r.messages.end());
    }
    if (parsed->next_token.empty()) return merged;
    if (parsed->next_token == token) return fail(ErrorKind::invalid, "GetMetricData: NextToken did not advance");
    token = parsed->next_token;
  }
  return fail(ErrorKind::internal, "GetMetricData: more than " + std::to_string(k_max_pages) + " pages");
}

Result<std::vector<MetricAlarm>> CloudWatchClient::describe_alarms(const std::vector<std::string>& alarm_names) {
  std::vector<MetricAlarm> out;
  constexpr size_t k_names_per_call = 100;
  for (size_t from = 0; from < alarm_names.size(); from += k_names_per_call) {
    QueryParams base;
    const size_t to = std::min(alarm_names.size(), from + k_names_per_call);
    for (size_t i = from; i < to; ++i) {
      base.emplace_back("AlarmNames.member." + std::to_string(i - from + 1), alarm_names[i]);
    }
    base.emplace_back("AlarmTypes.member.1", "MetricAlarm");
    base.emplace_back("AlarmTypes.member.2", "CompositeAlarm");
    std::string token;
    for (int page = 0;; ++page) {
      if (page == k_max_pages) {
        return fail(ErrorKind::internal, "DescribeAlarms: more than " + std::to_string(k_max_pages) + " pages");
      }
      QueryParams params = base;
      if (!token.empty()) params.emplace_back("NextToken", token);
      auto response = m_caller.call(query_request(k_service, k_cloudwatch_api_version, "DescribeAlarms", params));
      if (!response) return fail(response.error());
      auto parsed = parse_describe_alarms(response->body);
      if (!parsed) return fail(parsed.error());
      for (auto& a : parsed->alarms) out.push_back(std::move(a));
      if (parsed->next_token.empty()) break;
      if (parsed->next_token == token) return fail(ErrorKind::invalid, "DescribeAlarms: NextToken did not advance");
      token = parsed->next_token;
    }
  }
  return out;
}

}  // namespace lcd::clients
