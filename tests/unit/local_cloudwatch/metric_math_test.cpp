#include "local/cloudwatch/metric_math.hpp"

#include <gtest/gtest.h>

namespace lcd::local::cloudwatch {
namespace {

TEST(MetricMath, ArithmeticOverSeriesAtSharedTimestamps) {
  std::map<std::string, MetricSeries> series = {{"errors", {{60, 1}, {120, 0}, {180, 3}}},
                                                {"invocations", {{60, 4}, {120, 0}, {240, 5}}}};
  auto rate = evaluate_expression("100 * errors / invocations", series);
  ASSERT_TRUE(rate) << rate.error();
  EXPECT_EQ(*rate, (MetricSeries{{60, 25.0}}));  // 120: division by zero; 180, 240: only one side
  auto combined = evaluate_expression("-(errors + 1) * 2", series);
  ASSERT_TRUE(combined);
  EXPECT_EQ(*combined, (MetricSeries{{60, -4}, {120, -2}, {180, -8}}));
}

TEST(MetricMath, UnsupportedAndMalformedExpressionsSaySo) {
  std::map<std::string, MetricSeries> series = {{"m", {{60, 1}}}};
  auto fn = evaluate_expression("FILL(m, 0)", series);
  ASSERT_FALSE(fn);
  EXPECT_NE(fn.error().find("FILL"), std::string::npos);
  EXPECT_FALSE(evaluate_expression("m +", series));
  EXPECT_FALSE(evaluate_expression("unknown * 2", series));
  EXPECT_FALSE(evaluate_expression("(m", series));
  EXPECT_FALSE(evaluate_expression("1 + 2", series));
}

}  // namespace
}  // namespace lcd::local::cloudwatch
