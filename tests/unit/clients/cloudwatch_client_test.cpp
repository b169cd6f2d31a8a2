#include <gtest/gtest.h>

#include "clients/cloudwatch_client.hpp"
#include "fakes.hpp"

namespace lcd::clients {
namespace {

using test::ok;
using test::ScriptedCaller;

constexpr const char* k_ns = " xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"";

std::string wrap(const std::string& action, const std::string& result) {
  return "<" + action + "Response" + k_ns + "><" + action + "Result>" + result + "</" + action +
         "Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></" + action + "Response>";
}

TimePoint at(const char* iso) { return *parse_iso8601(iso); }

TEST(CloudWatchClient, GetMetricDataSendsTheQueryFormTheCliSends) {
  ScriptedCaller caller([](const aws::ServiceRequest&) {
    return ok(wrap("GetMetricData",
                   "<MetricDataResults><member><Id>m1</Id><Label>Invocations</Label>"
                   "<Timestamps><member>2026-11-26T12:00:00Z</member><member>2026-11-26T12:01:00Z</member></Timestamps>"
                   "<Values><member>1.0</member><member>3.0</member></Values>"
                   "<StatusCode>Complete</StatusCode><Messages/></member></MetricDataResults><Messages/>"));
  });
  CloudWatchClient cw(caller);
  GetMetricDataRequest req;
  MetricStatQuery q;
  q.id = "m1";
  q.metric_namespace = "AWS/Lambda";
  q.metric_name = "Invocations";
  q.dimensions = {{"FunctionName", "f"}, {"Resource", "f:live"}};
  req.queries.push_back(q);
  req.start_time = at("2026-11-26T12:00:00Z");
  req.end_time = at("2026-11-26T13:00:00Z");
  auto results = cw.get_metric_data(req);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(caller.requests.size(), 1u);
  const auto& r = caller.requests[0];
  EXPECT_EQ(r.service, "monitoring");
  EXPECT_EQ(r.protocol, aws::Protocol::query_xml);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/");
  EXPECT_EQ(r.operation, "GetMetricData");
  EXPECT_EQ(r.body,
            "Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.1.Id=m1"
            "&MetricDataQueries.member.1.MetricStat.Metric.Namespace=AWS%2FLambda"
            "&MetricDataQueries.member.1.MetricStat.Metric.MetricName=Invocations"
            "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=FunctionName"
            "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=f"
            "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Name=Resource"
            "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Value=f%3Alive"
            "&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Sum"
            "&MetricDataQueries.member.1.ReturnData=true"
            "&StartTime=2026-11-26T12%3A00%3A00Z&EndTime=2026-11-26T13%3A00%3A00Z&ScanBy=TimestampAscending");
  ASSERT_EQ(results->size(), 1u);
  const auto& m = results->front();
  EXPECT_EQ(m.id, "m1");
  EXPECT_EQ(m.label, "Invocations");
  EXPECT_EQ(m.status_code, "Complete");
  ASSERT_EQ(m.values.size(), 2u);
  EXPECT_EQ(m.timestamps[1], at("2026-11-26T12:01:00Z"));
  EXPECT_DOUBLE_EQ(m.sum(), 4.0);
}

TEST(CloudWatchClient, GetMetricDataFollowsNextTokenAndMergesById) {
  int calls = 0;
  ScriptedCaller caller([&](const aws::ServiceRequest&) {
    ++calls;
    if (calls == 1) {
      return ok(wrap("GetMetricData",
                     "<MetricDataResults><member><Id>err</Id><Timestamps><member>2026-11-26T12:00:00.000Z</member>"
                     "</Timestamps><Values><member>2</member></Values><StatusCode>PartialData</StatusCode></member>"
                     "<member><Id>inv</Id><Timestamps><member>2026-11-26T12:00:00Z</member></Timestamps>"
                     "<Values><member>10</member></Values><StatusCode>PartialData</StatusCode></member>"
                     "</MetricDataResults><NextToken>t-1</NextToken>"));
    }
    return ok(wrap("GetMetricData",
                   "<MetricDataResults><member><Id>inv</Id><Timestamps><member>2026-11-26T12:01:00+00:00</member>"
                   "</Timestamps><Values><member>5.5E1</member></Values><StatusCode>Complete</StatusCode></member>"
                   "<member><Id>err</Id><StatusCode>Complete</StatusCode></member></MetricDataResults>"));
  });
  CloudWatchClient cw(caller);
  GetMetricDataRequest req;
  req.queries = {MetricStatQuery{"inv", "AWS/Lambda", "Invocations", {}, 60, "Sum", ""},
                 MetricStatQuery{"err", "AWS/Lambda", "Errors", {}, 60, "Sum", ""}};
  req.start_time = at("2026-11-26T12:00:00Z");
  req.end_time = at("2026-11-26T12:05:00Z");
  auto results = cw.get_metric_data(req);
  ASSERT_TRUE(results) << results.error().message;
  ASSERT_EQ(caller.requests.size(), 2u);
  EXPECT_NE(caller.requests[1].body.find("&NextToken=t-1"), std::string::npos);
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ((*results)[0].id, "inv");  // request order, whatever order the pages used
  EXPECT_DOUBLE_EQ((*results)[0].sum(), 65.0);
  EXPECT_EQ((*results)[0].status_code, "Complete");
  EXPECT_EQ((*results)[1].id, "err");
  EXPECT_DOUBLE_EQ((*results)[1].sum(), 2.0);
}

TEST(CloudWatchClient, RepeatedNextTokenIsAnErrorNotALoop) {
  ScriptedCaller caller([](const aws::ServiceRequest&) {
    return ok(wrap("GetMetricData", "<MetricDataResults/><NextToken>same</NextToken>"));
  });
  CloudWatchClient cw(caller);
  GetMetricDataRequest req;
  req.queries = {MetricStatQuery{"inv", "AWS/Lambda", "Invocations", {}, 60, "Sum", ""}};
  auto results = cw.get_metric_data(req);
  ASSERT_FALSE(results);
  EXPECT_NE(results.error().message.find("did not advance"), std::string::npos);
  EXPECT_EQ(caller.requests.size(), 2u);
}

TEST(CloudWatchClient, MalformedResponsesAreErrors) {
  EXPECT_FALSE(parse_get_metric_data("<GetMetricDataResponse><GetMetricDataResult><MetricDataResults><member>"
                                     "<Id>a</Id><Timestamps><member>yesterday</member></Timestamps><Values><member>1"
                                     "</member></Values></member></MetricDataResults></GetMetricDataResult>"
                                     "</GetMetricDataResponse>"));
  EXPECT_FALSE(parse_get_metric_data("<GetMetricDataResponse><GetMetricDataResult><MetricDataResults><member>"
                                     "<Id>a</Id><Timestamps><member>2026-11-26T12:00:00Z</member></Timestamps>"
                                     "<Values><member>NaN-ish</member></Values></member></MetricDataResults>"
                                     "</GetMetricDataResult></GetMetricDataResponse>"));
  EXPECT_FALSE(parse_get_metric_data("<GetMetricDataResponse><GetMetricDataResult><MetricDataResults><member>"
                                     "<Id>a</Id><Timestamps><member>2026-11-26T12:00:00Z</member></Timestamps>"
                                     "</member></MetricDataResults></GetMetricDataResult></GetMetricDataResponse>"));
  EXPECT_FALSE(parse_get_metric_data("<DescribeAlarmsResponse/>"));
  EXPECT_FALSE(parse_get_metric_data("not xml"));
}

TEST(CloudWatchClient, DescribeAlarmsAsksForBothTypesAndReadsStates) {
  ScriptedCaller caller([](const aws::ServiceRequest&) {
    return ok(wrap("DescribeAlarms",
                   "<MetricAlarms><member><AlarmName>errors-high</AlarmName><AlarmArn>arn:aws:cloudwatch:eu-west-1:1:"
                   "alarm:errors-high</AlarmArn><StateValue>ALARM</StateValue><StateReason>Threshold Crossed: 1 out "
                   "of the last 1 datapoints</StateReason><StateUpdatedTimestamp>2026-11-26T12:00:00.000Z"
                   "</StateUpdatedTimestamp></member></MetricAlarms>"
                   "<CompositeAlarms><member><AlarmName>service-down</AlarmName><StateValue>OK</StateValue></member>"
                   "</CompositeAlarms>"));
  });
  CloudWatchClient cw(caller);
  auto alarms = cw.describe_alarms({"errors-high", "service-down", "missing"});
  ASSERT_TRUE(alarms) << alarms.error().message;
  ASSERT_EQ(caller.requests.size(), 1u);
  EXPECT_EQ(caller.requests[0].body,
            "Action=DescribeAlarms&Version=2010-08-01&AlarmNames.member.1=errors-high"
            "&AlarmNames.member.2=service-down&AlarmNames.member.3=missing"
            "&AlarmTypes.member.1=MetricAlarm&AlarmTypes.member.2=CompositeAlarm");
  ASSERT_EQ(alarms->size(), 2u);
  EXPECT_EQ((*alarms)[0].name, "errors-high");
  EXPECT_EQ((*alarms)[0].state_value, "ALARM");
  EXPECT_FALSE((*alarms)[0].composite);
  EXPECT_EQ((*alarms)[0].state_reason, "Threshold Crossed: 1 out of the last 1 datapoints");
  EXPECT_EQ((*alarms)[1].name, "service-down");
  EXPECT_TRUE((*alarms)[1].composite);
}

TEST(CloudWatchClient, DescribeAlarmsSplitsNamesIntoCallsOfAHundred) {
  ScriptedCaller caller([](const aws::ServiceRequest&) { return ok(wrap("DescribeAlarms", "<MetricAlarms/>")); });
  CloudWatchClient cw(caller);
  std::vector<std::string> names;
  for (int i = 0; i < 150; ++i) names.push_back("a" + std::to_string(i));
  ASSERT_TRUE(cw.describe_alarms(names));
  ASSERT_EQ(caller.requests.size(), 2u);
  EXPECT_NE(caller.requests[0].body.find("AlarmNames.member.100=a99&"), std::string::npos);
  EXPECT_EQ(caller.requests[0].body.find("AlarmNames.member.101="), std::string::npos);
  EXPECT_NE(caller.requests[1].body.find("AlarmNames.member.1=a100&"), std::string::npos);
  EXPECT_NE(caller.requests[1].body.find("AlarmNames.member.50=a149&"), std::string::npos);
}

TEST(CloudWatchClient, ErrorsPassThroughWithTheirKind) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    return test::aws_error(ErrorKind::auth, 403, "AccessDenied", "User is not authorized to perform: cloudwatch:GetMetricData");
  });
  CloudWatchClient cw(caller);
  GetMetricDataRequest req;
  req.queries = {MetricStatQuery{"inv", "AWS/Lambda", "Invocations", {}, 60, "Sum", ""}};
  auto results = cw.get_metric_data(req);
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().kind, ErrorKind::auth);
  EXPECT_EQ(results.error().code, "AccessDenied");
}

TEST(CloudWatchTime, FormatsAndParsesIso8601) {
  auto t = at("2026-11-26T12:00:05.250Z");
  EXPECT_EQ(format_query_timestamp(t), "2026-11-26T12:00:05Z");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(t - at("2026-11-26T12:00:05Z")).count(), 250);
  EXPECT_EQ(at("2026-11-26T12:00:05+00:00"), at("2026-11-26T12:00:05Z"));
  EXPECT_FALSE(parse_iso8601("2026-11-26T12:00:05"));
  EXPECT_FALSE(parse_iso8601("2026-11-26T12:00:05+01:00"));
  EXPECT_FALSE(parse_iso8601("2026-13-26T12:00:05Z"));
  EXPECT_FALSE(parse_iso8601("2026-11-26T12:00:05.Z"));
  EXPECT_FALSE(parse_iso8601(""));
}

}  // namespace
}  // namespace lcd::clients
