#include "util/duration.hpp"

#include <gtest/gtest.h>

namespace lcd {
namespace {

using namespace std::chrono_literals;

TEST(Duration, ParsesUnitsCombinationsAndBareSeconds) {
  EXPECT_EQ(*parse_duration("30s"), 30s);
  EXPECT_EQ(*parse_duration("5m"), 5min);
  EXPECT_EQ(*parse_duration("2h"), 2h);
  EXPECT_EQ(*parse_duration("30d"), 720h);
  EXPECT_EQ(*parse_duration("250ms"), 250ms);
  EXPECT_EQ(*parse_duration("1m30s"), 90s);
  EXPECT_EQ(*parse_duration("90"), 90s);
  EXPECT_EQ(*parse_duration("0s"), 0ms);
}

TEST(Duration, RefusesWhatIsNotADuration) {
  for (const char* bad : {"", "s", "5x", "-5m", "1m30", "5 m", "1.5h", "m5", "99999999999s"}) {
    auto d = parse_duration(bad);
    EXPECT_FALSE(d) << bad;
    if (!d) {
      EXPECT_NE(d.error().message.find("is not a duration"), std::string::npos);
    }
  }
}

TEST(Duration, FormatsTheShortestExactForm) {
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(10min), "10m");
  EXPECT_EQ(format_duration(1500ms), "1s500ms");
  EXPECT_EQ(format_duration(720h), "30d");
}

}  // namespace
}  // namespace lcd
