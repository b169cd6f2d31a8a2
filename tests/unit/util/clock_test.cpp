#include "util/clock.hpp"

#include <gtest/gtest.h>

namespace lcd {

TEST(Clock, FormatsAndParsesAmzDate) {
  std::chrono::system_clock::time_point t;
  ASSERT_TRUE(parse_amz_date("20150830T123600Z", t));
  EXPECT_EQ(format_amz_date(t), "20150830T123600Z");
  EXPECT_EQ(format_lambda_time(t + std::chrono::milliseconds(7)), "2015-08-30T12:36:00.007+0000");
  EXPECT_EQ(format_iso8601_ms(t), "2015-08-30T12:36:00.000Z");
  EXPECT_EQ(format_http_date(t), "Sun, 30 Aug 2015 12:36:00 GMT");
  EXPECT_FALSE(parse_amz_date("2015-08-30", t));
}

}  // namespace lcd
