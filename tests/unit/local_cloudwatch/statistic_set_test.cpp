#include "local/cloudwatch/statistic_set.hpp"

#include <gtest/gtest.h>

namespace lcd::local::cloudwatch {
namespace {

TEST(StatisticSet, BasicStatisticsMergeAcrossBuckets) {
  StatisticSet a, b;
  a.add_value(10);
  a.add_value(2);
  b.add_value(30, 2);
  a.merge(b);
  EXPECT_EQ(a.sample_count, 4);
  EXPECT_EQ(a.sum, 72);
  EXPECT_EQ(a.minimum, 2);
  EXPECT_EQ(a.maximum, 30);
  EXPECT_EQ(statistic_value(a, *parse_statistic("Average")), 18);
  EXPECT_EQ(statistic_value(a, *parse_statistic("SampleCount")), 4);
  EXPECT_FALSE(statistic_value(StatisticSet{}, *parse_statistic("Sum")));
}

TEST(StatisticSet, PercentilesAreNearestRankAndExactForSpreadValues) {
  StatisticSet s;
  for (int v = 1; v <= 100; ++v) s.add_value(v);
  EXPECT_DOUBLE_EQ(*statistic_value(s, *parse_statistic("p50")), 50);
  EXPECT_DOUBLE_EQ(*statistic_value(s, *parse_statistic("p99")), 99);
  EXPECT_DOUBLE_EQ(*statistic_value(s, *parse_statistic("p100")), 100);
  EXPECT_DOUBLE_EQ(*statistic_value(s, *parse_statistic("p0")), 1);
  // Values in one 1% bucket come back as their mean, within 1%.
  StatisticSet close;
  close.add_value(1000.0);
  close.add_value(1004.0);
  double p100 = *statistic_value(close, *parse_statistic("p99.9"));
  EXPECT_NEAR(p100, 1004.0, 10.04);
}

TEST(StatisticSet, PercentilesSurviveEncodingAndMerging) {
  StatisticSet a, b;
  for (int v = 1; v <= 50; ++v) a.add_value(v);
  for (int v = 51; v <= 100; ++v) b.add_value(v);
  StatisticSet stored;
  stored.distribution = Distribution::decode(a.distribution.encode());
  stored.sample_count = a.sample_count;
  stored.sum = a.sum;
  stored.minimum = a.minimum;
  stored.maximum = a.maximum;
  stored.merge(b);
  EXPECT_DOUBLE_EQ(*statistic_value(stored, *parse_statistic("p90")), 90);
  EXPECT_FALSE(Distribution::decode("garbage").available());
}

TEST(StatisticSet, PercentilesUnavailableForNegativeValuesOrSummaries) {
  StatisticSet negative;
  negative.add_value(-1);
  negative.add_value(5);
  EXPECT_FALSE(statistic_value(negative, *parse_statistic("p50")));
  EXPECT_EQ(statistic_value(negative, *parse_statistic("Sum")), 4);
  StatisticSet summary;
  summary.add_summary(10, 100, 1, 20);
  EXPECT_FALSE(statistic_value(summary, *parse_statistic("p50")));
  EXPECT_EQ(statistic_value(summary, *parse_statistic("Average")), 10);
  // One sample, or all equal: the distribution is known.
  StatisticSet equal;
  equal.add_summary(4, 20, 5, 5);
  EXPECT_EQ(statistic_value(equal, *parse_statistic("p90")), 5);
  EXPECT_EQ(equal.sum, 20);
}

TEST(StatisticSet, TrimmedMeans) {
  StatisticSet s;
  for (int v = 1; v <= 100; ++v) s.add_value(v);
  EXPECT_NEAR(*statistic_value(s, *parse_statistic("tm90")), 45.5, 1e-9);  // mean of 1..90
  EXPECT_NEAR(*statistic_value(s, *parse_statistic("IQM")), 50.5, 1e-9);   // mean of 26..75
  EXPECT_NEAR(*statistic_value(s, *parse_statistic("TM(10%:20%)")), 15.5, 1e-9);
}

TEST(StatisticSet, StatisticNames) {
  EXPECT_TRUE(parse_statistic("p99.99"));
  EXPECT_FALSE(parse_statistic("p99.999"));
  EXPECT_FALSE(parse_statistic("p101"));
  EXPECT_FALSE(parse_statistic("sum"));
  EXPECT_FALSE(parse_statistic("TM(20%:10%)"));
  EXPECT_TRUE(is_basic_statistic("Maximum"));
  EXPECT_FALSE(is_basic_statistic("p50"));
}

}  // namespace
}  // namespace lcd::local::cloudwatch
