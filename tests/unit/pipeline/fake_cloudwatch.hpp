#pragma once
// An in-memory CloudWatch behind aws::ServiceCaller for pipeline tests: datapoints recorded by the
// test (per metric, exact dimension set, time), answered by GetMetricData in the query protocol
// (per-minute Sum buckets over [StartTime, EndTime)); alarms with a state, answered by DescribeAlarms.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aws/service_caller.hpp"
#include "clients/cloudwatch_client.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::test {

class FakeCloudWatch : public aws::ServiceCaller {
 public:
  using Dimensions = std::map<std::string, std::string>;
  struct Point {
    std::string metric;
    Dimensions dimensions;
    std::chrono::system_clock::time_point time;
    double value = 0;
  };
  struct Alarm {
    std::string state = "OK";
    std::string reason;
  };

  std::vector<Point> points;
  std::map<std::string, Alarm> alarms;
  std::vector<aws::ServiceRequest> log;
  std::optional<Error> fail_with;  // every call fails with this when set

  void record(const std::string& metric, Dimensions dimensions, std::chrono::system_clock::time_point t, double v) {
    points.push_back({metric, std::move(dimensions), t, v});
  }
  int count(const std::string& operation) const {
    int n = 0;
    for (const auto& r : log) n += r.operation == operation;
    return n;
  }

  Result<aws::ServiceResponse> call(const aws::ServiceRequest& r) override {
    log.push_back(r);
    if (fail_with) return tl::unexpected<Error>(*fail_with);
    auto params = parse_form(r.body);
    if (params["Action"] == "GetMetricData") return get_metric_data(params);
    if (params["Action"] == "DescribeAlarms") return describe_alarms(params);
    Error e{ErrorKind::invalid, "unsupported action " + params["Action"]};
    e.code = "InvalidAction";
    e.http_status = 400;
    return tl::unexpected<Error>(e);
  }

 private:
  static std::map<std::string, std::string> parse_form(const std::string& body) {
    std::map<std::string, std::string> out;
    for (const auto& pair : split(body, '&')) {
      auto eq = pair.find('=');
      if (eq == std::string::npos) continue;
      out[uri_decode(pair.substr(0, eq), true).value_or("")] = uri_decode(pair.substr(eq + 1), true).value_or("");
    }
    return out;
  }
  static aws::ServiceResponse ok(const std::string& action, const std::string& result) {
    aws::ServiceResponse resp;
    resp.status = 200;
    resp.body = "<" + action + "Response xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><" + action +
                "Result>" + result + "</" + action + "Result></" + action + "Response>";
    return resp;
  }
  Result<aws::ServiceResponse> get_metric_data(std::map<std::string, std::string>& p) {
    auto start = clients::parse_iso8601(p["StartTime"]);
    auto end = clients::parse_iso8601(p["EndTime"]);
    std::string results;
    for (int i = 1;; ++i) {
      const std::string base = "MetricDataQueries.member." + std::to_string(i);
      if (!p.count(base + ".Id")) break;
      const std::string metric = p[base + ".MetricStat.Metric.MetricName"];
      Dimensions dims;
      for (int d = 1;; ++d) {
        const std::string dim = base + ".MetricStat.Metric.Dimensions.member." + std::to_string(d);
        if (!p.count(dim + ".Name")) break;
        dims[p[dim + ".Name"]] = p[dim + ".Value"];
      }
      std::map<long long, double> buckets;  // minute -> sum
      for (const auto& pt : points) {
        if (pt.metric != metric || pt.dimensions != dims || pt.time < *start || pt.time >= *end) continue;
        buckets[std::chrono::duration_cast<std::chrono::minutes>(pt.time.time_since_epoch()).count()] += pt.value;
      }
      std::string ts, vs;
      for (const auto& [minute, sum] : buckets) {
        ts += "<member>" + clients::format_query_timestamp(std::chrono::system_clock::time_point(std::chrono::minutes(minute))) + "</member>";
        vs += "<member>" + std::to_string(sum) + "</member>";
      }
      results += "<member><Id>" + p[base + ".Id"] + "</Id><Label>" + metric + "</Label><Timestamps>" + ts +
                 "</Timestamps><Values>" + vs + "</Values><StatusCode>Complete</StatusCode></member>";
    }
    return ok("GetMetricData", "<MetricDataResults>" + results + "</MetricDataResults>");
  }
  Result<aws::ServiceResponse> describe_alarms(std::map<std::string, std::string>& p) {
    std::string members;
    for (int i = 1;; ++i) {
      auto it = p.find("AlarmNames.member." + std::to_string(i));
      if (it == p.end()) break;
      auto a = alarms.find(it->second);
      if (a == alarms.end()) continue;
      members += "<member><AlarmName>" + a->first + "</AlarmName><StateValue>" + a->second.state +
                 "</StateValue><StateReason>" + xml_escape(a->second.reason) + "</StateReason></member>";
    }
    return ok("DescribeAlarms", "<MetricAlarms>" + members + "</MetricAlarms><CompositeAlarms/>");
  }
};

}  // namespace lcd::test
