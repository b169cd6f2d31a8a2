#pragma once
// Typed CloudWatch operations (service "monitoring", API 2010-08-01) over aws::ServiceCaller, in
// the query protocol: form-encoded POST, XML answers (aws-api-notes-2 §14). The query protocol is
// what AWS CLI 2.9 sends and what every CloudWatch endpoint serves; the JSON and CBOR forms carry
// the same shapes.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/service_caller.hpp"
#include "util/result.hpp"

namespace lcd::clients {

using TimePoint = std::chrono::system_clock::time_point;

struct MetricDimension {
  std::string name;
  std::string value;
};

// One MetricStat query of GetMetricData (ReturnData true).
struct MetricStatQuery {
  std::string id;  // ^[a-z][a-zA-Z0-9_]*$, unique within the call
  std::string metric_namespace;
  std::string metric_name;
  std::vector<MetricDimension> dimensions;
  int period = 60;  // seconds
  std::string stat = "Sum";
  std::string label;  // optional
};

struct GetMetricDataRequest {
  std::vector<MetricStatQuery> queries;  // at most 500
  TimePoint start_time;                  // inclusive
  TimePoint end_time;                    // exclusive
};

struct MetricDataResult {
  std::string id;
  std::string label;
  std::vector<TimePoint> timestamps;
  std::vector<double> values;  // same length as timestamps
  std::string status_code;     // Complete | PartialData | InternalError | Forbidden
  std::vector<std::string> messages;
  double sum() const;
};

struct GetMetricDataPage {
  std::vector<MetricDataResult> results;
  std::string next_token;
};

struct MetricAlarm {
  std::string name;
  std::string arn;
  bool composite = false;
  std::string state_value;  // OK | ALARM | INSUFFICIENT_DATA
  std::string state_reason;
  std::string state_updated;  // ISO 8601 as sent
};

struct DescribeAlarmsPage {
  std::vector<MetricAlarm> alarms;
  std::string next_token;
};

class CloudWatchClient {
 public:
  explicit CloudWatchClient(aws::ServiceCaller& caller) : m_caller(caller) {}

  // Every page (NextToken), each query's datapoints merged into one result per id, in request order.
  Result<std::vector<MetricDataResult>> get_metric_data(const GetMetricDataRequest& request);
  // The named alarms, metric and composite (names that do not exist are simply absent), 100 names
  // per call, following NextToken.
  Result<std::vector<MetricAlarm>> describe_alarms(const std::vector<std::string>& alarm_names);

  static constexpr int k_max_pages = 100;

 private:
  aws::ServiceCaller& m_caller;
};

inline constexpr const char* k_cloudwatch_api_version = "2010-08-01";

// Request parameters and response bodies (pure).
std::vector<std::pair<std::string, std::string>> get_metric_data_params(const GetMetricDataRequest& request,
                                                                         const std::string& next_token);
Result<GetMetricDataPage> parse_get_metric_data(std::string_view xml);
Result<DescribeAlarmsPage> parse_describe_alarms(std::string_view xml);

// "2026-11-26T12:00:00Z" (whole seconds, as the CLI sends them).
std::string format_query_timestamp(TimePoint t);
// ISO 8601 UTC with optional fraction and "Z" or "+00:00"; nullopt on anything else.
std::optional<TimePoint> parse_iso8601(std::string_view text);

}  // namespace lcd::clients
