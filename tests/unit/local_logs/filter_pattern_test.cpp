#include "local/logs/filter_pattern.hpp"

#include <gtest/gtest.h>

namespace lcd::local::logs {
namespace {

bool match(const std::string& pattern, const std::string& message) {
  auto p = FilterPattern::parse(pattern);
  EXPECT_TRUE(p) << pattern;
  return p && p->matches(message);
}

TEST(FilterPattern, TermsPhrasesAlternativesAndExclusions) {
  EXPECT_TRUE(match("", "anything"));
  EXPECT_TRUE(match("ERROR Exception", "ERROR: Exception in thread"));
  EXPECT_FALSE(match("ERROR Exception", "ERROR only"));
  EXPECT_TRUE(match("?ERROR ?WARN", "a WARN line"));
  EXPECT_FALSE(match("?ERROR ?WARN", "an INFO line"));
  EXPECT_FALSE(match("ERROR -retrying", "ERROR, retrying"));
  EXPECT_TRUE(match("ERROR -retrying", "ERROR, giving up"));
  EXPECT_TRUE(match("\"Task timed out\"", "2026-11-26T12:00:00.000Z rid Task timed out after 3.00 seconds"));
  EXPECT_FALSE(match("\"Task timed out\"", "Task was not timed out"));
  EXPECT_FALSE(match("error", "ERROR"));  // case-sensitive
  EXPECT_TRUE(match("%REPORT.*Init Duration%", "REPORT RequestId: x\tInit Duration: 3 ms"));
}

TEST(FilterPattern, JsonAndSpaceDelimitedPatternsAreRefusedClearly) {
  auto json = FilterPattern::parse("{ $.level = \"ERROR\" }");
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().find("not JSON or space-delimited"), std::string::npos);
  EXPECT_FALSE(FilterPattern::parse("[ip, user]"));
  EXPECT_FALSE(FilterPattern::parse("\"unclosed"));
  EXPECT_FALSE(FilterPattern::parse("%(%"));
}

}  // namespace
}  // namespace lcd::local::logs
