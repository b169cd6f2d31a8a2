// Retention of the metrics store against CloudWatch's ladder (aws-api-notes-2 §14.4), on real SQLite.
#include "local/cloudwatch/metrics_store.hpp"

#include <gtest/gtest.h>

#include "util/file_io.hpp"

namespace lcd::local::cloudwatch {
namespace {

constexpr int64_t k_now = 1795694400000LL;  // 2026-11-26T12:00:00Z
constexpr int64_t k_day = 86400000LL;

MetricSample sample(int64_t at_ms, double value, int resolution = 60) {
  MetricSample s;
  s.key.region = "eu-west-1";
  s.key.account = "123456789012";
  s.key.metric_namespace = "App";
  s.key.metric_name = "M";
  s.key.unit = "Count";
  s.timestamp_ms = at_ms;
  s.resolution_s = resolution;
  s.values.add_value(value);
  return s;
}

TEST(MetricsStore, MergesSamplesPerMinuteBucket) {
  TempDir dir("lcd-cw-store");
  auto store = MetricsStore::open(dir.path());
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->add({sample(k_now + 1000, 1), sample(k_now + 59000, 2)}));
  ASSERT_TRUE((*store)->add({sample(k_now + 30000, 3), sample(k_now + 60000, 4)}));
  auto points = (*store)->points(sample(0, 0).key, std::nullopt, k_now / 1000, k_now / 1000 + 3600);
  ASSERT_TRUE(points);
  ASSERT_EQ(points->size(), 2u);
  EXPECT_EQ((*points)[0].timestamp_s, k_now / 1000);
  EXPECT_EQ((*points)[0].values.sum, 6);
  EXPECT_EQ((*points)[0].values.sample_count, 3);
  EXPECT_EQ((*points)[1].values.sum, 4);
}

TEST(MetricsStore, RetentionRollsUpThenDeletesAsCloudWatchDoes) {
  TempDir dir("lcd-cw-retain");
  auto opened = MetricsStore::open(dir.path());
  ASSERT_TRUE(opened);
  MetricsStore& store = **opened;
  // High resolution two hours ago and four hours ago; minutes 16 days ago; one 500 days ago.
  ASSERT_TRUE(store.add({sample(k_now - 2 * 3600000 + 1000, 1, 1), sample(k_now - 2 * 3600000 + 2000, 2, 1),
                         sample(k_now - 4 * 3600000 + 1000, 5, 1), sample(k_now - 4 * 3600000 + 2000, 6, 1),
                         sample(k_now - 16 * k_day, 10), sample(k_now - 16 * k_day + 60000, 20),
                         sample(k_now - 500 * k_day, 99)}));
  RetentionReport report;
  ASSERT_TRUE(store.retain(k_now, &report));
  EXPECT_EQ(report.deleted, 1);
  // Two 4-hour-old seconds and two 16-day-old minutes; the 500-day-old minute climbs the whole
  // ladder (to 5 minutes, to an hour) before it goes.
  EXPECT_EQ(report.rolled_up, 6);
  auto key = sample(0, 0).key;
  auto recent = store.points(key, std::nullopt, (k_now - 3 * 3600000) / 1000, k_now / 1000);
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 2u);  // still 1 s buckets
  EXPECT_EQ((*recent)[0].resolution_s, 1);
  auto minutes = store.points(key, std::nullopt, (k_now - 5 * 3600000) / 1000, (k_now - 3 * 3600000) / 1000);
  ASSERT_TRUE(minutes);
  ASSERT_EQ(minutes->size(), 1u);
  EXPECT_EQ(minutes->front().resolution_s, 60);
  EXPECT_EQ(minutes->front().values.sum, 11);
  auto old = store.points(key, std::nullopt, (k_now - 17 * k_day) / 1000, (k_now - 15 * k_day) / 1000);
  ASSERT_TRUE(old);
  ASSERT_EQ(old->size(), 1u);
  EXPECT_EQ(old->front().resolution_s, 300);
  EXPECT_EQ(old->front().values.sum, 30);
  EXPECT_EQ(old->front().values.sample_count, 2);
  auto gone = store.points(key, std::nullopt, (k_now - 501 * k_day) / 1000, (k_now - 499 * k_day) / 1000);
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->empty());
  // Idempotent.
  RetentionReport again;
  ASSERT_TRUE(store.retain(k_now, &again));
  EXPECT_EQ(again.rolled_up + again.deleted, 0);
}

TEST(MetricsStore, ListsSeriesByDimensionFilterAndActivity) {
  TempDir dir("lcd-cw-list");
  auto opened = MetricsStore::open(dir.path());
  ASSERT_TRUE(opened);
  auto a = sample(k_now, 1);
  a.key.dimensions = {{"FunctionName", "f"}, {"Resource", "f:live"}};
  auto b = sample(k_now - 5 * 3600000, 1);
  b.key.dimensions = {{"FunctionName", "g"}};
  ASSERT_TRUE((*opened)->add({a, b}));
  SeriesFilter filter;
  filter.region = "eu-west-1";
  filter.account = "123456789012";
  filter.dimension_filters = {{"FunctionName", std::nullopt}};
  auto all = (*opened)->series(filter);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  filter.dimension_filters = {{"Resource", std::string("f:live")}};
  EXPECT_EQ((*opened)->series(filter)->size(), 1u);
  filter.dimension_filters.clear();
  filter.active_since_ms = k_now - 3 * 3600000;
  EXPECT_EQ((*opened)->series(filter)->size(), 1u);
  filter.account = "999999999999";
  EXPECT_TRUE((*opened)->series(filter)->empty());
}

}  // namespace
}  // namespace lcd::local::cloudwatch
