// The engine's observer feeding real CloudWatch and Logs services (temp SQLite, no background threads).
#include "local/invocation_telemetry.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "util/file_io.hpp"

namespace lcd::local {
namespace {

using nlohmann::json;

class FixedClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return std::chrono::system_clock::time_point(std::chrono::milliseconds(1795694460000LL)); }
  std::chrono::steady_clock::time_point monotonic() const override { return {}; }
  void sleep_for(std::chrono::milliseconds) override {}
};

runtime::InvokeRequest request_for(const std::string& qualifier, const std::string& version) {
  runtime::InvokeRequest r;
  r.function.function_name = "f";
  r.function.version = version;
  r.function.region = "eu-west-1";
  r.function.account_id = "123456789012";
  r.invoked_arn = "arn:aws:lambda:eu-west-1:123456789012:function:f" + (qualifier.empty() ? "" : ":" + qualifier);
  return r;
}

HttpResponse call(Service& service, WireProtocol protocol, const std::string& target, const json& body) {
  HttpRequest r;
  r.method = "POST";
  r.raw_path = r.path = "/";
  r.headers = {{"X-Amz-Target", target},
               {"Content-Type", protocol == WireProtocol::json_1_0 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1"}};
  r.body = body.dump();
  RequestContext c;
  c.region = "eu-west-1";
  c.account_id = "123456789012";
  c.protocol = protocol;
  return service.handle(r, c);
}

TEST(InvocationTelemetry, QualifierOfTheInvokedArn) {
  EXPECT_EQ(invoked_qualifier("arn:aws:lambda:eu-west-1:123456789012:function:f:live"), "live");
  EXPECT_EQ(invoked_qualifier("arn:aws:lambda:eu-west-1:123456789012:function:f"), "");
  EXPECT_EQ(invoked_qualifier("arn:aws:lambda:eu-west-1:123456789012:function:f:$LATEST"), "$LATEST");
}

TEST(InvocationTelemetry, InvocationsBecomeMetricsAndLogsWithConcurrency) {
  TempDir dir("lcd-telemetry");
  FixedClock clock;
  cloudwatch::CloudWatchOptions cw;
  cw.state_dir = dir.path();
  cw.background = false;
  cw.ingest.background = false;
  auto metrics = cloudwatch::CloudWatchService::open(cw, clock);
  ASSERT_TRUE(metrics);
  logs::LogsOptions lo;
  lo.state_dir = dir.path();
  lo.background = false;
  lo.ingest.background = false;
  auto log_service = logs::LogsService::open(lo, clock);
  ASSERT_TRUE(log_service);
  InvocationTelemetry telemetry(metrics->get(), log_service->get());

  auto first = request_for("live", "2");
  auto second = request_for("live", "2");
  auto throttled = request_for("live", "2");
  auto started = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795694400500LL));
  telemetry.started(first);
  telemetry.started(second);
  telemetry.started(throttled);
  telemetry.finished(runtime::InvocationRecord{throttled, "r3", started, false, true, false, 0, "", ""});
  telemetry.finished(runtime::InvocationRecord{first, "r1", started, true, false, true, 7.5,
                                               "2026/11/26/[2]00000000000000000000000000000001",
                                               "START RequestId: r1 Version: 2\nEND RequestId: r1\n"});
  telemetry.finished(runtime::InvocationRecord{second, "r2", started, true, false, false, 2.5,
                                               "2026/11/26/[2]00000000000000000000000000000002",
                                               "START RequestId: r2 Version: 2\nEND RequestId: r2\n"});

  json query = {{"MetricDataQueries", json::array()}, {"StartTime", 1795694400}, {"EndTime", 1795694460},
                {"ScanBy", "TimestampAscending"}};
  json alias_dims = {{{"Name", "FunctionName"}, {"Value", "f"}}, {{"Name", "Resource"}, {"Value", "f:live"}}};
  json executed_dims = alias_dims;
  executed_dims.push_back({{"Name", "ExecutedVersion"}, {"Value", "2"}});
  auto add = [&](const char* id, const char* name, const json& dims, const char* stat) {
    query["MetricDataQueries"].push_back(
        {{"Id", id},
         {"MetricStat", {{"Metric", {{"Namespace", "AWS/Lambda"}, {"MetricName", name}, {"Dimensions", dims}}},
                         {"Period", 60}, {"Stat", stat}}}});
  };
  add("inv", "Invocations", executed_dims, "Sum");
  add("err", "Errors", executed_dims, "Sum");
  add("thr", "Throttles", alias_dims, "Sum");
  add("conc", "ConcurrentExecutions", alias_dims, "Maximum");
  add("dur", "Duration", alias_dims, "Maximum");
  auto r = call(**metrics, WireProtocol::json_1_0, "GraniteServiceVersion20100801.GetMetricData", query);
  ASSERT_EQ(r.status, 200) << r.body;
  auto results = json::parse(r.body)["MetricDataResults"];
  EXPECT_EQ(results[0]["Values"], json::array({2.0}));
  EXPECT_EQ(results[1]["Values"], json::array({1.0}));
  EXPECT_EQ(results[2]["Values"], json::array({1.0}));
  EXPECT_EQ(results[3]["Values"], json::array({2.0}));  // the throttled request was not in flight
  EXPECT_EQ(results[4]["Values"], json::array({7.5}));

  auto streams = call(**log_service, WireProtocol::json_1_1, "Logs_20140328.DescribeLogStreams",
                      {{"logGroupName", "/aws/lambda/f"}});
  ASSERT_EQ(streams.status, 200) << streams.body;
  EXPECT_EQ(json::parse(streams.body)["logStreams"].size(), 2u);
}

}  // namespace
}  // namespace lcd::local
