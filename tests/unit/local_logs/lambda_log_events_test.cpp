#include "local/logs/lambda_log_events.hpp"

#include <gtest/gtest.h>

namespace lcd::local::logs {
namespace {

constexpr int64_t k_start = 1795694400000LL;  // 2026-11-26T12:00:00.000Z

TEST(LambdaLogEvents, PlatformAndConsoleLinesBecomeEventsWithTheirTimes) {
  std::string log =
      "init line\n"
      "START RequestId: r1 Version: 3\n"
      "2026-11-26T12:00:00.250Z\tr1\tINFO\tfirst line\nsecond line of the same message\n"
      "raw stdout write\n"
      "2026-11-26T12:00:00.300Z\tr1\tERROR\tboom\n"
      "END RequestId: r1\n"
      "REPORT RequestId: r1\tDuration: 400.00 ms\tBilled Duration: 400 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n";
  auto events = lambda_log_events(log, k_start, k_start + 400);
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events[0].message, "init line\n");
  EXPECT_EQ(events[0].timestamp_ms, k_start);
  EXPECT_EQ(events[1].message, "START RequestId: r1 Version: 3\n");
  EXPECT_EQ(events[1].timestamp_ms, k_start);
  EXPECT_EQ(events[2].message,
            "2026-11-26T12:00:00.250Z\tr1\tINFO\tfirst line\nsecond line of the same message\nraw stdout write\n");
  EXPECT_EQ(events[2].timestamp_ms, k_start + 250);
  EXPECT_EQ(events[3].timestamp_ms, k_start + 300);
  EXPECT_EQ(events[4].message, "END RequestId: r1\n");
  EXPECT_EQ(events[4].timestamp_ms, k_start + 400);
  EXPECT_EQ(events[5].timestamp_ms, k_start + 400);
  for (size_t i = 1; i < events.size(); ++i) EXPECT_LE(events[i - 1].timestamp_ms, events[i].timestamp_ms);
}

TEST(LambdaLogEvents, UntimedOutputFollowsTheLatestTimeAndHugeLinesAreCut) {
  std::string huge(300 * 1024, 'x');
  std::string log = "START RequestId: r Version: $LATEST\n" + huge + "\nEND RequestId: r\n";
  auto events = lambda_log_events(log, k_start, k_start + 5);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].message.size(), k_max_lambda_event_bytes);
  EXPECT_EQ(events[1].timestamp_ms, k_start);
  EXPECT_EQ(events[2].timestamp_ms, k_start + 5);
  EXPECT_EQ(lambda_log_group("f"), "/aws/lambda/f");
}

}  // namespace
}  // namespace lcd::local::logs
