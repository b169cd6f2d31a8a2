// LogsService below HTTP: JSON 1.1 requests, real SQLite, a fake clock.
#include "local/logs/logs_service.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

#include "fake_clock.hpp"
#include "util/file_io.hpp"

namespace lcd::local::logs {
namespace {

using nlohmann::json;
using lcd::local::testing::FakeClock;

constexpr int64_t k_now = 1795694400000LL;

class LogsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LogsOptions options;
    options.state_dir = m_dir.path();
    options.background = false;
    options.ingest.background = false;
    auto service = LogsService::open(options, m_clock);
    ASSERT_TRUE(service) << service.error().message;
    m_service = std::move(*service);
  }

  std::pair<int, json> call(const std::string& op, const json& body, const std::string& region = "eu-west-1") {
    HttpRequest r;
    r.method = "POST";
    r.raw_path = r.path = "/";
    r.headers = {{"X-Amz-Target", "Logs_20140328." + op}, {"Content-Type", "application/x-amz-json-1.1"}};
    r.body = body.dump();
    RequestContext c;
    c.region = region;
    c.account_id = "123456789012";
    c.request_id = "rid";
    c.protocol = WireProtocol::json_1_1;
    auto response = m_service->handle(r, c);
    EXPECT_EQ(response.content_type, "application/x-amz-json-1.1");
    return {response.status, json::parse(response.body)};
  }

  void put(const std::string& group, const std::string& stream, const std::vector<std::pair<int64_t, std::string>>& events) {
    json list = json::array();
    for (const auto& [ts, message] : events) list.push_back({{"timestamp", ts}, {"message", message}});
    auto [status, body] = call("PutLogEvents", {{"logGroupName", group}, {"logStreamName", stream}, {"logEvents", list}});
    ASSERT_EQ(status, 200) << body.dump();
  }

  TempDir m_dir{"lcd-logs-svc"};
  FakeClock m_clock{k_now};
  std::unique_ptr<LogsService> m_service;
};

TEST_F(LogsServiceTest, GroupsAndStreamsWithAwsErrors) {
  EXPECT_EQ(call("CreateLogGroup", {{"logGroupName", "/app/one"}}).first, 200);
  auto [dup_status, dup] = call("CreateLogGroup", {{"logGroupName", "/app/one"}});
  EXPECT_EQ(dup_status, 400);
  EXPECT_EQ(dup["__type"], "ResourceAlreadyExistsException");
  EXPECT_EQ(dup["message"], "The specified log group already exists");
  EXPECT_EQ(call("CreateLogGroup", {{"logGroupName", "bad name"}}).second["__type"], "InvalidParameterException");
  EXPECT_EQ(call("CreateLogGroup", {{"logGroupName", "/app/two"}}).first, 200);
  EXPECT_EQ(call("CreateLogGroup", {{"logGroupName", "/other"}}).first, 200);

  auto [status, page1] = call("DescribeLogGroups", {{"logGroupNamePrefix", "/app/"}, {"limit", 1}});
  ASSERT_EQ(status, 200);
  ASSERT_EQ(page1["logGroups"].size(), 1u);
  EXPECT_EQ(page1["logGroups"][0]["logGroupName"], "/app/one");
  EXPECT_EQ(page1["logGroups"][0]["arn"], "arn:aws:logs:eu-west-1:123456789012:log-group:/app/one:*");
  EXPECT_FALSE(page1["logGroups"][0].contains("retentionInDays"));
  auto page2 = call("DescribeLogGroups", {{"logGroupNamePrefix", "/app/"}, {"limit", 1}, {"nextToken", page1["nextToken"]}}).second;
  ASSERT_EQ(page2["logGroups"].size(), 1u);
  EXPECT_EQ(page2["logGroups"][0]["logGroupName"], "/app/two");
  EXPECT_FALSE(page2.contains("nextToken"));
  EXPECT_TRUE(call("DescribeLogGroups", json::object(), "us-west-2").second["logGroups"].empty());

  EXPECT_EQ(call("PutRetentionPolicy", {{"logGroupName", "/app/one"}, {"retentionInDays", 8}}).second["__type"],
            "InvalidParameterException");
  EXPECT_EQ(call("PutRetentionPolicy", {{"logGroupName", "/app/one"}, {"retentionInDays", 7}}).first, 200);
  EXPECT_EQ(call("DescribeLogGroups", {{"logGroupNamePrefix", "/app/one"}}).second["logGroups"][0]["retentionInDays"], 7);

  auto [missing_status, missing] = call("PutLogEvents", {{"logGroupName", "/app/one"}, {"logStreamName", "s"},
                                                         {"logEvents", {{{"timestamp", k_now}, {"message", "x"}}}}});
  EXPECT_EQ(missing_status, 400);
  EXPECT_EQ(missing["__type"], "ResourceNotFoundException");
  EXPECT_EQ(missing["message"], "The specified log stream does not exist.");
  EXPECT_EQ(call("DeleteLogGroup", {{"logGroupName", "/app/two"}}).first, 200);
  auto [gone_status, gone] = call("DeleteLogGroup", {{"logGroupName", "/app/two"}});
  EXPECT_EQ(gone_status, 400);
  EXPECT_EQ(gone["message"], "The specified log group does not exist.");
}

TEST_F(LogsServiceTest, PutLogEventsValidatesOrderAndRejectsOutOfRangeEvents) {
  call("CreateLogGroup", {{"logGroupName", "g"}});
  call("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}});
  auto unordered = call("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"},
                                         {"logEvents", {{{"timestamp", k_now}, {"message", "b"}}, {{"timestamp", k_now - 1}, {"message", "a"}}}}});
  EXPECT_EQ(unordered.second["message"], "Log events in a single PutLogEvents request must be in chronological order.");
  auto [status, body] = call("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"},
                                              {"logEvents",
                                               {{{"timestamp", k_now - 15 * 86400000LL}, {"message", "old"}},
                                                {{"timestamp", k_now - 20 * 3600000LL}, {"message", "kept"}},
                                                {{"timestamp", k_now + 3 * 3600000LL}, {"message", "future"}}}}});
  ASSERT_EQ(status, 400) << "span over 24 hours";
  std::tie(status, body) = call("PutLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"},
                                                 {"logEvents",
                                                  {{{"timestamp", k_now - 20 * 3600000LL}, {"message", "kept"}},
                                                   {{"timestamp", k_now + 3 * 3600000LL}, {"message", "future"}}}}});
  ASSERT_EQ(status, 200) << body.dump();
  EXPECT_EQ(body["rejectedLogEventsInfo"]["tooNewLogEventStartIndex"], 1);
  EXPECT_TRUE(body["nextSequenceToken"].is_string());
  auto events = call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"startFromHead", true}}).second["events"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["message"], "kept");
  EXPECT_EQ(events[0]["ingestionTime"], k_now);
}

TEST_F(LogsServiceTest, GetLogEventsTokensRepeatAtTheEndOfTheStream) {
  call("CreateLogGroup", {{"logGroupName", "g"}});
  call("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", "s"}});
  put("g", "s", {{k_now, "e0"}, {k_now + 1, "e1"}, {k_now + 2, "e2"}, {k_now + 3, "e3"}, {k_now + 4, "e4"}});
  std::vector<std::string> read;
  json request = {{"logGroupName", "g"}, {"logStreamName", "s"}, {"startFromHead", true}, {"limit", 2}};
  std::string token;
  for (int i = 0; i < 10; ++i) {
    auto body = call("GetLogEvents", request).second;
    for (const auto& e : body["events"]) read.push_back(e["message"]);
    std::string next = body["nextForwardToken"];
    EXPECT_EQ(next.substr(0, 2), "f/");
    EXPECT_EQ(next.size(), 58u);
    if (next == token) break;  // how clients detect the end
    token = next;
    request["nextToken"] = token;
  }
  EXPECT_EQ(read, (std::vector<std::string>{"e0", "e1", "e2", "e3", "e4"}));
  // New events appear behind the same forward token.
  put("g", "s", {{k_now + 5, "e5"}});
  auto more = call("GetLogEvents", request).second;
  ASSERT_EQ(more["events"].size(), 1u);
  EXPECT_EQ(more["events"][0]["message"], "e5");
  // Without a token and startFromHead=false: the newest, oldest first; then backwards.
  auto newest = call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"limit", 2}}).second;
  EXPECT_EQ(newest["events"][0]["message"], "e4");
  EXPECT_EQ(newest["events"][1]["message"], "e5");
  auto older = call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"limit", 2},
                                     {"nextToken", newest["nextBackwardToken"]}}).second;
  EXPECT_EQ(older["events"][0]["message"], "e2");
  EXPECT_EQ(call("GetLogEvents", {{"logGroupName", "g"}, {"logStreamName", "s"}, {"nextToken", "x"}}).second["__type"],
            "InvalidParameterException");
}

TEST_F(LogsServiceTest, FilterLogEventsPagesWithStableEventIdsAndInclusiveStart) {
  call("CreateLogGroup", {{"logGroupName", "g"}});
  for (const char* s : {"a", "b"}) call("CreateLogStream", {{"logGroupName", "g"}, {"logStreamName", s}});
  put("g", "a", {{k_now, "ERROR one"}, {k_now + 10, "INFO two"}, {k_now + 20, "ERROR three"}});
  put("g", "b", {{k_now + 10, "ERROR four"}, {k_now + 30, "WARN five"}});
  std::vector<std::string> messages;
  std::set<std::string> ids;
  json request = {{"logGroupName", "g"}, {"filterPattern", "?ERROR ?WARN"}, {"limit", 2}, {"startTime", k_now + 10}};
  std::string token;
  for (int i = 0; i < 10; ++i) {
    auto body = call("FilterLogEvents", request).second;
    for (const auto& e : body["events"]) {
      messages.push_back(e["message"]);
      ids.insert(e["eventId"].get<std::string>());
    }
    if (!body.contains("nextToken")) break;
    ASSERT_NE(body["nextToken"], token);
    token = body["nextToken"];
    request["nextToken"] = token;
  }
  EXPECT_EQ(messages, (std::vector<std::string>{"ERROR four", "ERROR three", "WARN five"}));
  EXPECT_EQ(ids.size(), 3u);
  // The same events read again carry the same ids (what `aws logs tail --follow` dedupes on).
  auto again = call("FilterLogEvents", {{"logGroupName", "g"}, {"startTime", k_now + 10}, {"logStreamNames", {"b"}}}).second;
  ASSERT_EQ(again["events"].size(), 2u);
  EXPECT_TRUE(ids.count(again["events"][0]["eventId"].get<std::string>()));
  EXPECT_EQ(again["events"][0]["logStreamName"], "b");
  auto [status, missing] = call("FilterLogEvents", {{"logGroupName", "nope"}});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(missing["message"], "The specified log group does not exist.");
  EXPECT_EQ(call("FilterLogEvents", {{"logGroupName", "g"}, {"filterPattern", "{ $.x = 1 }"}}).second["__type"],
            "InvalidParameterException");
}

TEST_F(LogsServiceTest, LambdaOutputLandsInTheFunctionsGroupInTheEnvironmentsStream) {
  LambdaOutput out;
  out.region = "eu-west-1";
  out.account = "123456789012";
  out.function_name = "f";
  out.log_stream = "2026/11/26/[3]0123456789abcdef0123456789abcdef";
  out.log = "START RequestId: r Version: 3\n2026-11-26T12:00:00.005Z\tr\tINFO\thi\nEND RequestId: r\nREPORT RequestId: r\tDuration: 9.00 ms\t\n";
  out.start_ms = k_now;
  out.end_ms = k_now + 9;
  m_service->record_lambda(out);
  auto streams = call("DescribeLogStreams", {{"logGroupName", "/aws/lambda/f"}}).second["logStreams"];
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0]["logStreamName"], out.log_stream);
  EXPECT_EQ(streams[0]["firstEventTimestamp"], k_now);
  EXPECT_EQ(streams[0]["lastEventTimestamp"], k_now + 9);
  auto events = call("FilterLogEvents", {{"logGroupIdentifier", "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f:*"},
                                         {"filterPattern", "REPORT"}}).second["events"];
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["message"], "REPORT RequestId: r\tDuration: 9.00 ms\t\n");
  EXPECT_EQ(events[0]["timestamp"], k_now + 9);
}

}  // namespace
}  // namespace lcd::local::logs
