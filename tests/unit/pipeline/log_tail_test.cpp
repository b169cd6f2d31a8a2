#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness.hpp"
#include "pipeline/log_tail.hpp"

namespace lcd::pipeline {
namespace {

using nlohmann::json;

// A log group that grows between polls; answers FilterLogEvents two events per page.
struct FakeLogs : aws::ServiceCaller {
  struct Stored {
    std::string stream;
    int64_t timestamp;
    std::string message;
    std::string id;
  };
  std::vector<Stored> events;
  std::vector<json> requests;
  bool group_exists = true;

  Result<aws::ServiceResponse> call(const aws::ServiceRequest& r) override {
    auto body = json::parse(r.body);
    requests.push_back(body);
    if (!group_exists) {
      Error e{ErrorKind::not_found, "The specified log group does not exist."};
      e.code = "ResourceNotFoundException";
      e.http_status = 400;
      return tl::unexpected<Error>(e);
    }
    const int64_t start = body.value("startTime", int64_t{0});
    const size_t offset = body.contains("nextToken") ? std::stoul(body["nextToken"].get<std::string>()) : 0;
    std::vector<Stored> matching;
    for (const auto& e : events) {
      if (e.timestamp < start) continue;
      if (body.contains("filterPattern") && e.message.find(body["filterPattern"].get<std::string>()) == std::string::npos) continue;
      matching.push_back(e);
    }
    json out{{"events", json::array()}};
    for (size_t i = offset; i < std::min(matching.size(), offset + 2); ++i) {
      const auto& e = matching[i];
      out["events"].push_back(json{{"logStreamName", e.stream}, {"timestamp", e.timestamp}, {"message", e.message},
                                   {"ingestionTime", e.timestamp + 5}, {"eventId", e.id}});
    }
    if (offset + 2 < matching.size()) out["nextToken"] = std::to_string(offset + 2);
    aws::ServiceResponse resp;
    resp.status = 200;
    resp.body = out.dump();
    return resp;
  }
};

std::vector<std::string> messages(const std::vector<clients::LogEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.message);
  return out;
}

TEST(LogTail, StreamVersions) {
  EXPECT_EQ(stream_version("2026/11/26/[3]0123456789abcdef0123456789abcdef"), "3");
  EXPECT_EQ(stream_version("2026/11/26/[$LATEST]0123"), "$LATEST");
  EXPECT_EQ(stream_version("custom-stream"), "");
}

TEST(LogTail, FollowingPrintsEachEventOnceAcrossPagesAndPolls) {
  FakeLogs service;
  clients::LogsClient logs(service);
  test::FakeClock clock;
  const auto since = clock.now() - std::chrono::minutes(10);
  const int64_t t0 = to_epoch_ms(since);
  service.events = {{"s/[1]a", t0 - 1, "too old", "e0"},
                    {"s/[1]a", t0, "START 1", "e1"},
                    {"s/[2]b", t0 + 10, "START 2", "e2"},
                    {"s/[1]a", t0 + 10, "END 1", "e3"}};
  LogTail tail(logs, LogQuery{"/aws/lambda/fn", since, "", {}});
  std::vector<std::string> printed;
  int polls = 0;
  auto done = follow_logs(
      tail, clock, std::chrono::seconds(2),
      [&](const std::vector<clients::LogEvent>& events) {
        for (const auto& m : messages(events)) printed.push_back(m);
      },
      [&] {
        if (polls == 1) service.events.push_back({"s/[2]b", t0 + 10, "late at the same ms", "e4"});
        if (polls == 2) service.events.push_back({"s/[2]b", t0 + 20, "END 2", "e5"});
        return polls++ == 3 * 2;  // stop() is asked twice per poll
      });
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(printed, (std::vector<std::string>{"START 1", "START 2", "END 1", "late at the same ms", "END 2"}));
  // Later polls start at the newest timestamp seen (inclusive), not from the beginning.
  EXPECT_EQ(service.requests.front()["startTime"], t0);
  EXPECT_EQ(service.requests.back()["startTime"], t0 + 20);
  EXPECT_EQ(clock.now() - since, std::chrono::minutes(10) + std::chrono::seconds(2 * 3));
}

TEST(LogTail, QualifierKeepsOnlyThoseVersionsStreamsAndFilterIsSent) {
  FakeLogs service;
  clients::LogsClient logs(service);
  test::FakeClock clock;
  const int64_t t0 = to_epoch_ms(clock.now());
  service.events = {{"2026/11/26/[1]a", t0, "ERROR one", "e1"},
                    {"2026/11/26/[2]b", t0 + 1, "ERROR two", "e2"},
                    {"2026/11/26/[2]b", t0 + 2, "fine", "e3"},
                    {"2026/11/26/[3]c", t0 + 3, "ERROR three", "e4"}};
  LogTail tail(logs, LogQuery{"/aws/lambda/fn", clock.now(), "ERROR", {"2", "3"}});
  auto events = tail.poll();
  ASSERT_TRUE(events) << events.error().message;
  EXPECT_EQ(messages(*events), (std::vector<std::string>{"ERROR two", "ERROR three"}));
  EXPECT_EQ(service.requests[0]["filterPattern"], "ERROR");
  EXPECT_EQ(service.requests[0]["logGroupName"], "/aws/lambda/fn");
}

TEST(LogTail, MissingGroupIsNotFound) {
  FakeLogs service;
  service.group_exists = false;
  clients::LogsClient logs(service);
  test::FakeClock clock;
  LogTail tail(logs, LogQuery{"/aws/lambda/fn", clock.now(), "", {}});
  auto events = tail.poll();
  ASSERT_FALSE(events);
  EXPECT_EQ(events.error().kind, ErrorKind::not_found);
}

}  // namespace
}  // namespace lcd::pipeline
