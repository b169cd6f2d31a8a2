#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clients/logs_client.hpp"
#include "fakes.hpp"

namespace lcd::clients {
namespace {

using nlohmann::json;
using test::ok;
using test::ScriptedCaller;

std::string header(const aws::ServiceRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

TEST(LogsClient, FilterLogEventsSendsJson11WithTheLogsTarget) {
  ScriptedCaller caller([](const aws::ServiceRequest&) {
    return ok(R"({"events":[{"logStreamName":"2026/11/26/[3]0123456789abcdef0123456789abcdef","timestamp":1795694400000,
      "message":"START RequestId: r1 Version: 3\n","ingestionTime":1795694400100,"eventId":"e1"}],
      "searchedLogStreams":[],"nextToken":"n-1"})");
  });
  LogsClient logs(caller);
  FilterLogEventsRequest req;
  req.log_group_name = lambda_log_group("greeting");
  req.start_time = 1795694000000;
  req.filter_pattern = "?ERROR ?Exception";
  req.log_stream_names = {"a", "b"};
  auto page = logs.filter_log_events(req);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(caller.requests.size(), 1u);
  const auto& r = caller.requests[0];
  EXPECT_EQ(r.service, "logs");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/");
  EXPECT_EQ(header(r, "X-Amz-Target"), "Logs_20140328.FilterLogEvents");
  EXPECT_EQ(header(r, "Content-Type"), "application/x-amz-json-1.1");
  auto body = json::parse(r.body);
  EXPECT_EQ(body["logGroupName"], "/aws/lambda/greeting");
  EXPECT_EQ(body["startTime"], 1795694000000LL);
  EXPECT_EQ(body["filterPattern"], "?ERROR ?Exception");
  EXPECT_EQ(body["logStreamNames"], json::array({"a", "b"}));
  EXPECT_FALSE(body.contains("endTime"));
  EXPECT_FALSE(body.contains("nextToken"));
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->events[0].event_id, "e1");
  EXPECT_EQ(page->events[0].timestamp, 1795694400000LL);
  EXPECT_EQ(page->events[0].message, "START RequestId: r1 Version: 3\n");
  EXPECT_EQ(page->next_token, "n-1");
}

TEST(LogsClient, GetLogEventsReadsBothTokens) {
  ScriptedCaller caller([](const aws::ServiceRequest&) {
    return ok(R"({"events":[{"timestamp":1,"message":"a","ingestionTime":2}],"nextForwardToken":"f/1","nextBackwardToken":"b/1"})");
  });
  LogsClient logs(caller);
  GetLogEventsRequest req{"/aws/lambda/f", "s", std::nullopt, std::nullopt, true, "f/0", 100};
  auto page = logs.get_log_events(req);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(header(caller.requests[0], "X-Amz-Target"), "Logs_20140328.GetLogEvents");
  auto body = json::parse(caller.requests[0].body);
  EXPECT_EQ(body["startFromHead"], true);
  EXPECT_EQ(body["nextToken"], "f/0");
  EXPECT_EQ(body["limit"], 100);
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_EQ(page->next_forward_token, "f/1");
  EXPECT_EQ(page->next_backward_token, "b/1");
}

TEST(LogsClient, DescribeLogStreamsOrdersByLastEvent) {
  ScriptedCaller caller([](const aws::ServiceRequest&) {
    return ok(R"({"logStreams":[{"logStreamName":"s1","creationTime":5,"lastEventTimestamp":9},
                                {"logStreamName":"s2","creationTime":4}]})");
  });
  LogsClient logs(caller);
  DescribeLogStreamsRequest req;
  req.log_group_name = "/aws/lambda/f";
  req.order_by_last_event_time = true;
  req.descending = true;
  auto page = logs.describe_log_streams(req);
  ASSERT_TRUE(page) << page.error().message;
  auto body = json::parse(caller.requests[0].body);
  EXPECT_EQ(body["orderBy"], "LastEventTime");
  EXPECT_EQ(body["descending"], true);
  ASSERT_EQ(page->streams.size(), 2u);
  EXPECT_EQ(page->streams[0].last_event_timestamp, 9);
  EXPECT_FALSE(page->streams[1].last_event_timestamp);
  EXPECT_TRUE(page->next_token.empty());
}

TEST(LogsClient, MissingGroupIsNotFound) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    return test::aws_error(ErrorKind::not_found, 400, "ResourceNotFoundException",
                           "The specified log group does not exist.");
  });
  LogsClient logs(caller);
  auto page = logs.filter_log_events(FilterLogEventsRequest{"/aws/lambda/nope"});
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorKind::not_found);
  EXPECT_FALSE(parse_filter_log_events("[]"));
  EXPECT_FALSE(parse_describe_log_streams("nope"));
}

}  // namespace
}  // namespace lcd::clients
