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

namespace lcd {

TEST(Clock, ParsesTheThreeHttpDateForms) {
  std::chrono::system_clock::time_point expected;
  ASSERT_TRUE(parse_amz_date("19941106T084937Z", expected));
  for (const char* text : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"}) {
    std::chrono::system_clock::time_point t;
    ASSERT_TRUE(parse_http_date(text, t)) << text;
    EXPECT_EQ(t, expected) << text;
  }
  std::chrono::system_clock::time_point t;
  EXPECT_TRUE(parse_http_date(format_http_date(expected), t));
  EXPECT_EQ(t, expected);
  EXPECT_FALSE(parse_http_date("yesterday", t));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing", t));
  EXPECT_FALSE(parse_http_date("", t));
}

}  // namespace lcd

namespace lcd {

// Found by the http_request fuzz target under UBSan: X-Amz-Date 28260101T000000Z overflowed
// system_clock's 64-bit nanosecond count (signed overflow in from_time_t).
TEST(Clock, DatesSystemClockCannotHoldAreRejectedNotOverflowed) {
  std::chrono::system_clock::time_point t;
  EXPECT_FALSE(parse_amz_date("28260101T000000Z", t));
  EXPECT_FALSE(parse_amz_date("99991231T235959Z", t));
  EXPECT_FALSE(parse_amz_date("2826-01-01T00:00:00Z", t));
  EXPECT_FALSE(parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT", t));
  EXPECT_FALSE(parse_amz_date("16000101T000000Z", t));
  ASSERT_TRUE(parse_amz_date("22501231T235959Z", t));
  EXPECT_EQ(format_amz_date(t), "22501231T235959Z");
  ASSERT_TRUE(parse_amz_date("17000101T000000Z", t));
  EXPECT_EQ(format_amz_date(t), "17000101T000000Z");

  std::tm tm{};
  tm.tm_year = 2025 - 1900;
  tm.tm_mday = 1;
  tm.tm_mon = 1000000;  // normalised by timegm to a year past the range
  EXPECT_FALSE(from_utc_tm(tm).has_value());
  tm.tm_mon = 0;
  ASSERT_TRUE(from_utc_tm(tm).has_value());
  EXPECT_EQ(format_amz_date(*from_utc_tm(tm)), "20250101T000000Z");
}

}  // namespace lcd
