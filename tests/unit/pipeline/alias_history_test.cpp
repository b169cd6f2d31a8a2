#include <gtest/gtest.h>

#include "pipeline/alias_history.hpp"
#include "pipeline/build_registry.hpp"
#include "pipeline/junit.hpp"

using namespace lcd::pipeline;

TEST(AliasHistory, RoundTripsAndIgnoresForeignDescriptions) {
  AliasHistory h;
  h.build = "42";
  h.previous = {"7", "6", "5"};
  auto text = format_alias_description(h);
  EXPECT_EQ(text, "lambda-cd build=42 history=7,6,5");
  auto back = parse_alias_description(text);
  EXPECT_TRUE(back.managed);
  EXPECT_EQ(back.build, "42");
  EXPECT_EQ(back.previous, h.previous);
  auto foreign = parse_alias_description("production traffic");
  EXPECT_FALSE(foreign.managed);
  EXPECT_TRUE(foreign.previous.empty());
}

TEST(AliasHistory, PromotePushesCurrentAndTrimsToDescriptionLimit) {
  AliasHistory h;
  for (int i = 0; i < 200; ++i) {
    h = history_after_promote(h, std::to_string(1000 + i), "b" + std::to_string(i));
    h = parse_alias_description(format_alias_description(h));
  }
  const auto text = format_alias_description(h);
  EXPECT_LE(text.size(), k_alias_description_max);
  EXPECT_EQ(h.previous.front(), "1199");
  EXPECT_GT(h.previous.size(), 20u);
  EXPECT_EQ(history_after_promote({}, "$LATEST", "1").previous.size(), 0u);
}

TEST(BuildIds, DescriptionAndTagFormats) {
  EXPECT_EQ(build_description("12"), "build 12");
  EXPECT_EQ(build_from_description("build 12"), "12");
  EXPECT_FALSE(build_from_description("manual 12"));
  EXPECT_FALSE(build_from_description("build 1 2"));
  EXPECT_EQ(build_from_tag_key("lambda-cd:build:2026.1-rc_1"), "2026.1-rc_1");
  EXPECT_FALSE(valid_build_id(""));
  EXPECT_FALSE(valid_build_id("a/b"));
  EXPECT_EQ(unqualified_arn("arn:aws:lambda:us-east-1:1:function:fn:7"), "arn:aws:lambda:us-east-1:1:function:fn");
  EXPECT_EQ(unqualified_arn("arn:aws:lambda:us-east-1:1:function:fn"), "arn:aws:lambda:us-east-1:1:function:fn");
}

TEST(JUnit, EscapesAndDropsControlCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"'\x01\n"), "a&lt;b&gt;&amp;&quot;&apos;?\n");
  CommandTestCase tc;
  tc.suite = "unit-tests";
  tc.name = "npm test";
  tc.passed = true;
  auto xml = junit_xml(tc);
  EXPECT_NE(xml.find("tests=\"1\" failures=\"0\""), std::string::npos);
  EXPECT_EQ(xml.find("<failure"), std::string::npos);
}
