// CloudWatchService below HTTP: real SQLite in a temp dir, a fake clock, requests in the three
// protocols, alarms evaluated by calling the evaluator the background thread would call.
#include "local/cloudwatch/cloudwatch_service.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_clock.hpp"
#include "local/protocol/cbor_rpc.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::local::cloudwatch {
namespace {

using nlohmann::json;
using lcd::local::testing::FakeClock;

constexpr int64_t k_t0 = 1795694400000LL;  // 2026-11-26T12:00:00Z

std::string form(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [k, v] : params) out += (out.empty() ? "" : "&") + uri_encode(k) + "=" + uri_encode(v);
  return out;
}

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

class CloudWatchServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }

  void open() {
    CloudWatchOptions options;
    options.state_dir = m_dir.path();
    options.background = false;
    options.ingest.background = false;
    auto service = CloudWatchService::open(options, m_clock);
    ASSERT_TRUE(service) << service.error().message;
    m_service = std::move(*service);
  }

  RequestContext context(WireProtocol protocol, const std::string& region = "eu-west-1",
                         const std::string& account = "123456789012") {
    RequestContext c;
    c.region = region;
    c.account_id = account;
    c.request_id = "req-1";
    c.protocol = protocol;
    return c;
  }

  HttpResponse query(const std::string& action, std::vector<std::pair<std::string, std::string>> params,
                     const std::string& region = "eu-west-1") {
    params.insert(params.begin(), {{"Action", action}, {"Version", "2010-08-01"}});
    HttpRequest r;
    r.method = "POST";
    r.raw_path = r.path = "/";
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    r.body = form(params);
    return m_service->handle(r, context(WireProtocol::query, region));
  }

  HttpResponse json10(const std::string& op, const json& body) {
    HttpRequest r;
    r.method = "POST";
    r.raw_path = r.path = "/";
    r.headers = {{"X-Amz-Target", std::string(k_json_target_prefix) + "." + op},
                 {"Content-Type", "application/x-amz-json-1.0"}};
    r.body = body.dump();
    return m_service->handle(r, context(WireProtocol::json_1_0));
  }

  HttpResponse cbor(const std::string& op, const json& body) {
    HttpRequest r;
    r.method = "POST";
    r.raw_path = r.path = "/service/GraniteServiceVersion20100801/operation/" + op;
    r.headers = {{"Smithy-Protocol", "rpc-v2-cbor"}, {"Content-Type", "application/cbor"}};
    r.body = encode_cbor_document(body);
    return m_service->handle(r, context(WireProtocol::rpc_v2_cbor));
  }

  void invoke(const std::string& qualifier, const std::string& version, bool error, int64_t at_ms,
              const std::string& region = "eu-west-1") {
    LambdaInvocation i;
    i.region = region;
    i.account = "123456789012";
    i.function_name = "f";
    i.qualifier = qualifier;
    i.executed_version = version;
    i.start_ms = at_ms;
    i.duration_ms = 5;
    i.function_error = error;
    i.concurrent_executions = i.account_concurrent_executions = 1;
    m_service->record_invocation(i);
  }

  TempDir m_dir{"lcd-cw"};
  FakeClock m_clock{k_t0 + 30 * 60000};
  std::unique_ptr<CloudWatchService> m_service;
};

TEST_F(CloudWatchServiceTest, InvocationCountsPerAliasAndExecutedVersionInEveryProtocol) {
  for (int i = 0; i < 3; ++i) invoke("live", "1", false, k_t0 + 1000 * i);
  invoke("live", "2", true, k_t0 + 61000);
  invoke("", "$LATEST", false, k_t0 + 62000);

  auto q = query("GetMetricStatistics", {{"Namespace", "AWS/Lambda"},
                                         {"MetricName", "Invocations"},
                                         {"Dimensions.member.1.Name", "FunctionName"},
                                         {"Dimensions.member.1.Value", "f"},
                                         {"Dimensions.member.2.Name", "Resource"},
                                         {"Dimensions.member.2.Value", "f:live"},
                                         {"Dimensions.member.3.Name", "ExecutedVersion"},
                                         {"Dimensions.member.3.Value", "1"},
                                         {"StartTime", "2026-11-26T12:00:00Z"},
                                         {"EndTime", "2026-11-26T12:10:00Z"},
                                         {"Period", "60"},
                                         {"Statistics.member.1", "Sum"}});
  ASSERT_EQ(q.status, 200) << q.body;
  EXPECT_EQ(q.content_type, "text/xml");
  EXPECT_NE(q.body.find("<Datapoints><member>"), std::string::npos) << q.body;
  EXPECT_NE(q.body.find("<Timestamp>2026-11-26T12:00:00Z</Timestamp>"), std::string::npos) << q.body;
  EXPECT_NE(q.body.find("<Sum>3.0</Sum>"), std::string::npos) << q.body;
  EXPECT_EQ(q.body.find("12:01:00"), std::string::npos) << "version 2 ran in the next minute";

  json alias_query = {{"MetricDataQueries",
                       {{{"Id", "v2"},
                         {"MetricStat",
                          {{"Metric",
                            {{"Namespace", "AWS/Lambda"},
                             {"MetricName", "Errors"},
                             {"Dimensions",
                              {{{"Name", "ExecutedVersion"}, {"Value", "2"}},
                               {{"Name", "Resource"}, {"Value", "f:live"}},
                               {{"Name", "FunctionName"}, {"Value", "f"}}}}}},
                           {"Period", 60},
                           {"Stat", "Sum"}}}},
                        {{"Id", "all"},
                         {"MetricStat",
                          {{"Metric",
                            {{"Namespace", "AWS/Lambda"},
                             {"MetricName", "Invocations"},
                             {"Dimensions", {{{"Name", "FunctionName"}, {"Value", "f"}}}}}},
                           {"Period", 300},
                           {"Stat", "Sum"}}}}}},
                     {"StartTime", k_t0 / 1000},
                     {"EndTime", k_t0 / 1000 + 600},
                     {"ScanBy", "TimestampAscending"}};
  auto j = json10("GetMetricData", alias_query);
  ASSERT_EQ(j.status, 200) << j.body;
  auto jb = json::parse(j.body);
  EXPECT_EQ(jb["MetricDataResults"][0]["Values"], json::array({1.0}));
  EXPECT_EQ(jb["MetricDataResults"][0]["Timestamps"], json::array({(k_t0 + 60000) / 1000}));
  EXPECT_EQ(jb["MetricDataResults"][1]["Values"], json::array({5.0}));
  EXPECT_EQ(jb["MetricDataResults"][1]["Label"], "Invocations");

  auto c = cbor("GetMetricData", alias_query);
  ASSERT_EQ(c.status, 200);
  EXPECT_EQ(c.content_type, "application/cbor");
  EXPECT_EQ(header(c, "Smithy-Protocol"), "rpc-v2-cbor");
  auto cb = decode_cbor_request(c.body);
  ASSERT_TRUE(cb);
  EXPECT_EQ((*cb)["MetricDataResults"], jb["MetricDataResults"]);
  EXPECT_NE(c.body.find(std::string("\xc1\x1a", 2)), std::string::npos) << "timestamps tagged";
}

TEST_F(CloudWatchServiceTest, RegionsAndAccountsAreSeparate) {
  invoke("", "$LATEST", false, k_t0, "eu-west-1");
  auto list_there = query("ListMetrics", {{"Namespace", "AWS/Lambda"}}, "ap-southeast-2");
  ASSERT_EQ(list_there.status, 200);
  EXPECT_EQ(list_there.body.find("<member>"), std::string::npos) << list_there.body;
  auto list_here = query("ListMetrics", {{"Namespace", "AWS/Lambda"}, {"MetricName", "Invocations"}});
  EXPECT_NE(list_here.body.find("<MetricName>Invocations</MetricName>"), std::string::npos) << list_here.body;
}

TEST_F(CloudWatchServiceTest, ErrorsTakeEachProtocolsShape) {
  auto q = query("SetAlarmState", {{"AlarmName", "nope"}, {"StateValue", "ALARM"}, {"StateReason", "x"}});
  EXPECT_EQ(q.status, 404);
  EXPECT_NE(q.body.find("<Code>ResourceNotFound</Code>"), std::string::npos);
  EXPECT_NE(q.body.find("xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\""), std::string::npos);
  auto j = json10("SetAlarmState", {{"AlarmName", "nope"}, {"StateValue", "ALARM"}, {"StateReason", "x"}});
  EXPECT_EQ(j.status, 404);
  EXPECT_EQ(json::parse(j.body)["__type"], "ResourceNotFound");
  EXPECT_EQ(header(j, "x-amzn-query-error"), "ResourceNotFound;Sender");
  auto c = cbor("GetMetricData", {{"MetricDataQueries", {{{"Id", "Bad"}, {"Expression", "1"}}}},
                                  {"StartTime", 1}, {"EndTime", 2}});
  EXPECT_EQ(c.status, 400);
  auto cb = decode_cbor_request(c.body);
  ASSERT_TRUE(cb);
  EXPECT_EQ((*cb)["__type"], "ValidationError");
  EXPECT_EQ((*cb)["message"],
            "The value Bad for parameter MetricDataQueries.member.1.Id is not matching the expected pattern "
            "^[a-z][a-zA-Z0-9_]*$.");
  EXPECT_EQ(header(c, "x-amzn-query-error"), "ValidationError;Sender");
  auto unknown = query("DescribeAlarmHistory", {});
  EXPECT_EQ(unknown.status, 501);
  auto too_many = query("GetMetricStatistics", {{"Namespace", "N"}, {"MetricName", "M"}, {"Period", "60"},
                                                {"StartTime", "2026-11-20T00:00:00Z"}, {"EndTime", "2026-11-26T00:00:00Z"},
                                                {"Statistics.member.1", "Sum"}});
  EXPECT_EQ(too_many.status, 400);
  EXPECT_NE(too_many.body.find("You have requested up to 8640 datapoints, which exceeds the limit of 1440."),
            std::string::npos) << too_many.body;
}

TEST_F(CloudWatchServiceTest, AlarmsEvaluateOnTheirPeriodAndSetAlarmStateLastsUntilTheNext) {
  m_clock.set(k_t0 + 10 * 60000 + 5000);  // 12:10:05
  auto put = query("PutMetricAlarm", {{"AlarmName", "errors"},
                                      {"MetricName", "Errors"},
                                      {"Namespace", "AWS/Lambda"},
                                      {"Statistic", "Sum"},
                                      {"Dimensions.member.1.Name", "FunctionName"},
                                      {"Dimensions.member.1.Value", "f"},
                                      {"Period", "60"},
                                      {"EvaluationPeriods", "1"},
                                      {"Threshold", "1.0"},
                                      {"ComparisonOperator", "GreaterThanOrEqualToThreshold"},
                                      {"TreatMissingData", "notBreaching"}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_NE(put.body.find("<PutMetricAlarmResponse"), std::string::npos);
  EXPECT_EQ(put.body.find("PutMetricAlarmResult"), std::string::npos);
  auto describe = [&] {
    auto r = json10("DescribeAlarms", {{"AlarmNames", {"errors", "unknown"}}});
    EXPECT_EQ(r.status, 200) << r.body;
    auto alarms = json::parse(r.body)["MetricAlarms"];
    EXPECT_EQ(alarms.size(), 1u);
    return alarms.empty() ? json::object() : alarms[0];
  };
  auto created = describe();
  EXPECT_EQ(created["StateValue"], "INSUFFICIENT_DATA");
  EXPECT_EQ(created["StateReason"], "Unchecked: Initial alarm creation");
  EXPECT_EQ(created["AlarmArn"], "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:errors");
  EXPECT_EQ(created["Threshold"], 1.0);

  EXPECT_EQ(m_service->evaluate_alarms(m_clock.ms()), 1);  // no data, notBreaching
  EXPECT_EQ(describe()["StateValue"], "OK");
  EXPECT_EQ(m_service->evaluate_alarms(m_clock.ms() + 30000), 0);  // same minute: not evaluated again

  invoke("", "$LATEST", true, k_t0 + 10 * 60000 + 20000);  // an error at 12:10:20
  m_clock.set(k_t0 + 11 * 60000 + 1000);                     // 12:11:01
  EXPECT_EQ(m_service->evaluate_alarms(m_clock.ms()), 1);
  auto alarmed = describe();
  EXPECT_EQ(alarmed["StateValue"], "ALARM");
  EXPECT_EQ(alarmed["StateReason"],
            "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (26/11/26 12:10:00)] was greater than or equal to "
            "the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).");

  auto set = json10("SetAlarmState", {{"AlarmName", "errors"}, {"StateValue", "OK"}, {"StateReason", "by hand"}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(m_service->evaluate_alarms(m_clock.ms() + 20000), 0);  // until the next evaluation
  EXPECT_EQ(describe()["StateReason"], "by hand");
  m_clock.set(k_t0 + 12 * 60000 + 1000);  // 12:12:01: the 12:10 datapoint is still in the range
  EXPECT_EQ(m_service->evaluate_alarms(m_clock.ms()), 1);
  EXPECT_EQ(describe()["StateValue"], "ALARM");
  m_clock.set(k_t0 + 14 * 60000 + 1000);  // 12:14:01: out of the range (1 + 2 periods)
  EXPECT_EQ(m_service->evaluate_alarms(m_clock.ms()), 1);
  EXPECT_EQ(describe()["StateValue"], "OK");

  // An update keeps the state; DeleteAlarms skips unknown names.
  auto update = query("PutMetricAlarm", {{"AlarmName", "errors"}, {"MetricName", "Errors"}, {"Namespace", "AWS/Lambda"},
                                         {"Statistic", "Sum"}, {"Period", "60"}, {"EvaluationPeriods", "2"},
                                         {"Threshold", "5"}, {"ComparisonOperator", "GreaterThanThreshold"}});
  ASSERT_EQ(update.status, 200) << update.body;
  auto updated = describe();
  EXPECT_EQ(updated["StateValue"], "OK");
  EXPECT_EQ(updated["EvaluationPeriods"], 2);
  auto deleted = query("DeleteAlarms", {{"AlarmNames.member.1", "errors"}, {"AlarmNames.member.2", "other"}});
  EXPECT_EQ(deleted.status, 200) << deleted.body;
  auto after = json10("DescribeAlarms", json::object());
  EXPECT_TRUE(json::parse(after.body)["MetricAlarms"].empty());
}

TEST_F(CloudWatchServiceTest, SetAlarmStateOnANewAlarmHoldsUntilTheNextPeriod) {
  m_clock.set(k_t0 + 10 * 60000 + 5000);  // 12:10:05
  auto put = query("PutMetricAlarm", {{"AlarmName", "gate"}, {"MetricName", "Errors"}, {"Namespace", "AWS/Lambda"},
                                      {"Statistic", "Sum"}, {"Period", "60"}, {"EvaluationPeriods", "1"},
                                      {"Threshold", "1000"}, {"ComparisonOperator", "GreaterThanThreshold"},
                                      {"TreatMissingData", "notBreaching"}});
  ASSERT_EQ(put.status, 200) << put.body;
  // Set before the endpoint's first evaluation of the new alarm: that evaluation is not due until 12:11.
  auto set = json10("SetAlarmState", {{"AlarmName", "gate"}, {"StateValue", "ALARM"}, {"StateReason", "drill"}});
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(m_service->evaluate_alarms(m_clock.ms() + 1000), 0);
  auto state = [&] {
    return json::parse(json10("DescribeAlarms", {{"AlarmNames", {"gate"}}}).body)["MetricAlarms"][0]["StateValue"];
  };
  EXPECT_EQ(state(), "ALARM");
  m_clock.set(k_t0 + 11 * 60000 + 1000);  // 12:11:01
  EXPECT_EQ(m_service->evaluate_alarms(m_clock.ms()), 1);
  EXPECT_EQ(state(), "OK");
}

// The query protocol carries any byte (%AD): a dimension value or an alarm name that is not UTF-8 is
// stored with the invalid byte replaced. Before, nlohmann's dump threw in the metrics writer's
// thread and the uncaught exception ended the endpoint.
TEST_F(CloudWatchServiceTest, ValuesThatAreNotUtf8OverQueryAreStoredNotFatal) {
  auto put = query("PutMetricData", {{"Namespace", "App"}, {"MetricData.member.1.MetricName", "Odd"},
                                     {"MetricData.member.1.Value", "1"},
                                     {"MetricData.member.1.Dimensions.member.1.Name", "D"},
                                     {"MetricData.member.1.Dimensions.member.1.Value", "\xad"}});
  ASSERT_EQ(put.status, 200) << put.body;
  auto alarm = query("PutMetricAlarm", {{"AlarmName", "a\xad"}, {"MetricName", "Odd"}, {"Namespace", "App"},
                                        {"Statistic", "Sum"}, {"Period", "60"}, {"EvaluationPeriods", "1"},
                                        {"Threshold", "1"}, {"ComparisonOperator", "GreaterThanThreshold"}});
  ASSERT_EQ(alarm.status, 200) << alarm.body;
  auto listed = query("ListMetrics", {{"Namespace", "App"}});
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find("<MetricName>Odd</MetricName>"), std::string::npos) << listed.body;
  EXPECT_NE(listed.body.find("\xef\xbf\xbd"), std::string::npos) << listed.body;  // U+FFFD
}

TEST_F(CloudWatchServiceTest, PutMetricDataValidatesAndAggregates) {
  auto put = json10("PutMetricData", {{"Namespace", "App"},
                                      {"MetricData",
                                       {{{"MetricName", "Latency"}, {"Values", {1.0, 2.0, 3.0}}, {"Counts", {1, 1, 2}},
                                         {"Unit", "Milliseconds"}, {"Timestamp", (k_t0 + 5000) / 1000}},
                                        {{"MetricName", "Latency"},
                                         {"StatisticValues", {{"SampleCount", 2}, {"Sum", 10}, {"Minimum", 4}, {"Maximum", 6}}},
                                         {"Unit", "Milliseconds"},
                                         {"Timestamp", (k_t0 + 6000) / 1000}}}}});
  ASSERT_EQ(put.status, 200) << put.body;
  auto stats = query("GetMetricStatistics", {{"Namespace", "App"}, {"MetricName", "Latency"}, {"Period", "60"},
                                             {"StartTime", "2026-11-26T12:00:00Z"}, {"EndTime", "2026-11-26T12:01:00Z"},
                                             {"Statistics.member.1", "SampleCount"}, {"Statistics.member.2", "Sum"},
                                             {"Statistics.member.3", "Maximum"}, {"Unit", "Milliseconds"}});
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_NE(stats.body.find("<SampleCount>6.0</SampleCount>"), std::string::npos) << stats.body;
  EXPECT_NE(stats.body.find("<Sum>19.0</Sum>"), std::string::npos) << stats.body;
  EXPECT_NE(stats.body.find("<Maximum>6.0</Maximum>"), std::string::npos) << stats.body;
  auto other_unit = query("GetMetricStatistics", {{"Namespace", "App"}, {"MetricName", "Latency"}, {"Period", "60"},
                                                  {"StartTime", "2026-11-26T12:00:00Z"}, {"EndTime", "2026-11-26T12:01:00Z"},
                                                  {"Statistics.member.1", "Sum"}, {"Unit", "Seconds"}});
  EXPECT_EQ(other_unit.body.find("<member>"), std::string::npos) << "no unit conversion";

  auto reserved = json10("PutMetricData", {{"Namespace", "AWS/Lambda"}, {"MetricData", {{{"MetricName", "X"}, {"Value", 1}}}}});
  EXPECT_EQ(reserved.status, 400);
  EXPECT_EQ(json::parse(reserved.body)["__type"], "InvalidParameterValue");
  auto both = json10("PutMetricData", {{"Namespace", "App"},
                                       {"MetricData", {{{"MetricName", "X"}, {"Value", 1}, {"Values", {1}}}}}});
  EXPECT_EQ(json::parse(both.body)["__type"], "InvalidParameterCombination");
  auto future = json10("PutMetricData", {{"Namespace", "App"},
                                         {"MetricData", {{{"MetricName", "X"}, {"Value", 1}, {"Timestamp", k_t0 / 1000 + 86400}}}}});
  EXPECT_EQ(json::parse(future.body)["__type"], "InvalidParameterValue");
  auto bad_number = query("PutMetricData", {{"Namespace", "App"}, {"MetricData.member.1.MetricName", "X"},
                                            {"MetricData.member.1.Value", "abc"}});
  EXPECT_EQ(bad_number.status, 400) << bad_number.body;
}

TEST_F(CloudWatchServiceTest, GetMetricDataPagesByMaxDatapointsWithoutRepeatingTokens) {
  for (int minute = 0; minute < 5; ++minute) invoke("", "$LATEST", false, k_t0 + minute * 60000);
  json request = {{"MetricDataQueries",
                   {{{"Id", "m"},
                     {"MetricStat",
                      {{"Metric", {{"Namespace", "AWS/Lambda"}, {"MetricName", "Invocations"}, {"Dimensions", json::array()}}},
                       {"Period", 60},
                       {"Stat", "Sum"}}}}}},
                  {"StartTime", k_t0 / 1000},
                  {"EndTime", k_t0 / 1000 + 600},
                  {"MaxDatapoints", 2}};
  std::vector<int64_t> seen;
  std::string token;
  for (int page = 0; page < 5; ++page) {
    if (!token.empty()) request["NextToken"] = token;
    auto r = json::parse(json10("GetMetricData", request).body);
    for (const auto& t : r["MetricDataResults"][0]["Timestamps"]) seen.push_back(t.get<int64_t>());
    std::string next = r.value("NextToken", "");
    if (next.empty()) {
      EXPECT_EQ(r["MetricDataResults"][0]["StatusCode"], "Complete");
      break;
    }
    EXPECT_EQ(r["MetricDataResults"][0]["StatusCode"], "PartialData");
    EXPECT_NE(next, token);
    token = next;
  }
  // Newest first by default.
  EXPECT_EQ(seen, (std::vector<int64_t>{k_t0 / 1000 + 240, k_t0 / 1000 + 180, k_t0 / 1000 + 120, k_t0 / 1000 + 60, k_t0 / 1000}));
  request["NextToken"] = "not-a-token";
  EXPECT_EQ(json::parse(json10("GetMetricData", request).body)["__type"], "InvalidNextToken");
}

TEST_F(CloudWatchServiceTest, MetricsAndAlarmsSurviveARestart) {
  invoke("live", "1", false, k_t0);
  ASSERT_EQ(query("PutMetricAlarm", {{"AlarmName", "a"}, {"MetricName", "Errors"}, {"Namespace", "AWS/Lambda"},
                                     {"Statistic", "Sum"}, {"Period", "60"}, {"EvaluationPeriods", "1"},
                                     {"Threshold", "1"}, {"ComparisonOperator", "GreaterThanThreshold"}})
                .status,
            200);
  m_service.reset();  // writes what was queued
  open();
  auto stats = query("GetMetricStatistics", {{"Namespace", "AWS/Lambda"}, {"MetricName", "Invocations"},
                                             {"Dimensions.member.1.Name", "Resource"}, {"Dimensions.member.1.Value", "f:live"},
                                             {"Dimensions.member.2.Name", "FunctionName"}, {"Dimensions.member.2.Value", "f"},
                                             {"Period", "60"}, {"StartTime", "2026-11-26T12:00:00Z"},
                                             {"EndTime", "2026-11-26T12:05:00Z"}, {"Statistics.member.1", "Sum"}});
  EXPECT_NE(stats.body.find("<Sum>1.0</Sum>"), std::string::npos) << stats.body;
  EXPECT_NE(query("DescribeAlarms", {}).body.find("<AlarmName>a</AlarmName>"), std::string::npos);
}

}  // namespace
}  // namespace lcd::local::cloudwatch
