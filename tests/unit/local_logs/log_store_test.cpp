#include "local/logs/log_store.hpp"

#include <gtest/gtest.h>

#include "util/file_io.hpp"

namespace lcd::local::logs {
namespace {

constexpr int64_t k_now = 1795694400000LL;

AppendBatch batch(const std::string& stream, int first, int count, int64_t at) {
  AppendBatch b{"eu-west-1", "123456789012", "/aws/lambda/f", stream, {}, true};
  for (int i = 0; i < count; ++i) b.events.push_back(LogEvent{at + i, "event " + std::to_string(first + i) + "\n"});
  return b;
}

TEST(LogStore, CapsEventsPerGroupOldestFirst) {
  TempDir dir("lcd-logs-cap");
  auto store = LogStore::open(dir.path(), LogStoreOptions{100});
  ASSERT_TRUE(store);
  for (int round = 0; round < 30; ++round) {
    ASSERT_TRUE((*store)->append({batch("s", round * 10, 10, k_now + round * 10)}, k_now));
  }
  auto group = (*store)->group("eu-west-1", "123456789012", "/aws/lambda/f");
  ASSERT_TRUE(group && *group);
  auto events = (*store)->group_events((*group)->id, {}, std::nullopt, 0, k_now * 2, 1000);
  ASSERT_TRUE(events);
  // Trimmed back to the cap once a tenth over it: between 100 and 110 left, the newest kept.
  EXPECT_GE(events->size(), 100u);
  EXPECT_LE(events->size(), 110u);
  EXPECT_EQ(events->back().message, "event 299\n");
  EXPECT_EQ(events->front().message, "event " + std::to_string(300 - events->size()) + "\n");
  EXPECT_EQ((*group)->stored_bytes > 0, true);
}

TEST(LogStore, RetentionDropsOlderEventsAndAppendNeedsExistingStreamsUnlessCreating) {
  TempDir dir("lcd-logs-retention");
  auto store = LogStore::open(dir.path());
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->append({batch("s", 0, 3, k_now - 10 * 86400000LL), batch("s", 3, 2, k_now - 1000)}, k_now));
  auto group = (*store)->group("eu-west-1", "123456789012", "/aws/lambda/f");
  ASSERT_TRUE(group && *group);
  ASSERT_TRUE((*store)->set_retention((*group)->id, 7));
  auto removed = (*store)->retain(k_now);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 3);
  auto left = (*store)->group_events((*group)->id, {}, std::nullopt, 0, k_now * 2, 100);
  ASSERT_EQ(left->size(), 2u);

  AppendBatch missing = batch("other", 0, 1, k_now);
  missing.create_missing = false;
  auto refused = (*store)->append({missing}, k_now);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::not_found);
  EXPECT_EQ(refused.error().message, "The specified log stream does not exist.");
}

TEST(LogStore, StreamReadsForwardAndBackwardFromPositions) {
  TempDir dir("lcd-logs-read");
  auto store = LogStore::open(dir.path());
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->append({batch("s", 0, 10, k_now)}, k_now));
  auto group = *(*store)->group("eu-west-1", "123456789012", "/aws/lambda/f");
  auto stream = *(*store)->stream(group->id, "s");
  ASSERT_TRUE(stream);
  auto newest = (*store)->stream_events(stream->id, std::nullopt, std::nullopt, 0, k_now * 2, 3);
  ASSERT_EQ(newest->size(), 3u);
  EXPECT_EQ(newest->front().message, "event 7\n");
  auto before = (*store)->stream_events(stream->id, std::nullopt,
                                        EventPosition{newest->front().timestamp_ms, newest->front().id}, 0, k_now * 2, 3);
  ASSERT_EQ(before->size(), 3u);
  EXPECT_EQ(before->back().message, "event 6\n");
  auto after = (*store)->stream_events(stream->id, EventPosition{before->back().timestamp_ms, before->back().id},
                                       std::nullopt, 0, k_now * 2, 2);
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ(after->front().message, "event 7\n");
  auto window = (*store)->stream_events(stream->id, EventPosition{INT64_MIN / 2, 0}, std::nullopt, k_now + 2, k_now + 4, 100);
  ASSERT_EQ(window->size(), 2u);  // endTime exclusive
}

}  // namespace
}  // namespace lcd::local::logs
