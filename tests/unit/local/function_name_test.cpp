// Function names matched as AWS's patterns match them. The accept/reject cases are the ones AWS
// was recorded answering in 2025 (LocalStack's parity snapshots of AWS Lambda,
// test_function_name_and_qualifier_validation): each reject below got a pattern violation there.
#include "local/function_name.hpp"

#include <gtest/gtest.h>

using namespace lcd::local;

namespace {

std::optional<FunctionRef> plain(std::string_view s) { return match_function_name(s, NameShape::plain); }
std::optional<FunctionRef> ns(std::string_view s) { return match_function_name(s, NameShape::namespaced); }

}  // namespace

TEST(FunctionName, BareName) {
  auto ref = plain("my-fn");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->name, "my-fn");
  EXPECT_EQ(ref->qualifier, "");
}

TEST(FunctionName, NameWithQualifier) {
  auto ref = plain("my-fn:live");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->name, "my-fn");
  EXPECT_EQ(ref->qualifier, "live");
  auto latest = plain("my-fn:$LATEST");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->qualifier, "$LATEST");
  EXPECT_FALSE(plain("my-fn:$LATEST.PUBLISHED"));
  ASSERT_TRUE(ns("my-fn:$LATEST.PUBLISHED"));
}

TEST(FunctionName, PartialArns) {
  auto ref = plain("123456789012:function:my-fn:3");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->account, "123456789012");
  EXPECT_EQ(ref->name, "my-fn");
  EXPECT_EQ(ref->qualifier, "3");
  auto regional = plain("eu-west-1:123456789012:function:my-fn");
  ASSERT_TRUE(regional);
  EXPECT_EQ(regional->region, "eu-west-1");
  EXPECT_EQ(regional->account, "123456789012");
}

TEST(FunctionName, FullArns) {
  auto ref = plain("arn:aws:lambda:eu-west-1:123456789012:function:my-fn");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->region, "eu-west-1");
  EXPECT_EQ(ref->account, "123456789012");
  EXPECT_EQ(ref->name, "my-fn");
  EXPECT_EQ(ref->qualifier, "");
  auto qualified = plain("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:live");
  ASSERT_TRUE(qualified);
  EXPECT_EQ(qualified->qualifier, "live");
  // Today's pattern has (eusc-)? regions and iso partitions.
  auto eusc = plain("arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:f");
  ASSERT_TRUE(eusc);
  EXPECT_EQ(eusc->region, "eusc-de-east-1");
  EXPECT_TRUE(plain("arn:aws-iso-b:lambda:us-isob-east-1:123456789012:function:f"));
}

TEST(FunctionName, AnArnEndingInFunctionNamesAFunctionCalledFunction) {
  // AWS answered ResourceNotFound "...:function:function" for GetFunction of this ARN.
  auto ref = ns("arn:aws:lambda:us-east-1:123456789012:function");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->name, "function");
  EXPECT_EQ(ref->region, "us-east-1");
}

TEST(FunctionName, RejectsWhatAwsRejects) {
  for (const char* text : {"my-function!", "*", "invalid-account:function:my-function",
                           "arn:aws:lambda:invalid-region:123456789012:function:my-function",
                           "arn:aws:ec2:us-east-1:123456789012:instance:i-1234567890abcdef0",
                           "arn:aws:lambda:us-east-1:123456789012:function:my-function:1:2",
                           "function:my-function:$LATEST:extra", "arn:aws:lambda::123456789012:function:my-function",
                           "arn:aws:lambda:us-east-1::function:my-function",
                           "arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATES", "invalid:function:name",
                           "", "has space", "a:b:c"}) {
    EXPECT_FALSE(ns(text)) << text;
    EXPECT_FALSE(plain(text)) << text;
  }
  EXPECT_FALSE(plain("dotted.name"));
  EXPECT_TRUE(ns("dotted.name"));
}

TEST(FunctionName, LengthIsNotPartOfThePattern) {
  // A 65-character name matches the pattern: AWS reports it as a length violation (or not found).
  auto ref = plain(std::string(65, 'a'));
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->name.size(), 65u);
}

TEST(FunctionName, QualifierPattern) {
  EXPECT_TRUE(matches_qualifier_pattern("$LATEST"));
  EXPECT_TRUE(matches_qualifier_pattern("$latest"));  // [a-zA-Z0-9-_$]+
  EXPECT_TRUE(matches_qualifier_pattern("valid-with-$-but-doesnotexist"));
  EXPECT_FALSE(matches_qualifier_pattern("invalid!"));
  EXPECT_FALSE(matches_qualifier_pattern("invalid-qualifier-with-?-char"));
  EXPECT_EQ(qualifier_pattern(), "\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+");
}

TEST(FunctionName, PatternsAreTheOnesAwsQuotes) {
  // Verbatim from AWS ValidationException texts recorded in 2025.
  EXPECT_EQ(function_name_pattern(NameShape::namespaced),
            "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
            "(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?");
  EXPECT_EQ(function_name_pattern(NameShape::plain),
            "(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?"
            "(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
}

TEST(FunctionName, AliasNames) {
  EXPECT_TRUE(is_valid_alias_name("live"));
  EXPECT_TRUE(is_valid_alias_name("v2-canary_1"));
  EXPECT_FALSE(is_valid_alias_name("123"));
  EXPECT_FALSE(is_valid_alias_name(""));
  EXPECT_FALSE(is_valid_alias_name("a.b"));
  EXPECT_FALSE(is_valid_alias_name(std::string(129, 'a')));
}

TEST(FunctionName, VersionNumbers) {
  EXPECT_TRUE(is_version_number("1"));
  EXPECT_TRUE(is_version_number("120"));
  EXPECT_FALSE(is_version_number("01"));
  EXPECT_FALSE(is_version_number("$LATEST"));
  EXPECT_FALSE(is_version_number(""));
}

TEST(FunctionName, Arns) {
  EXPECT_EQ(function_arn("us-east-1", "123456789012", "f"), "arn:aws:lambda:us-east-1:123456789012:function:f");
  EXPECT_EQ(qualified_arn("us-east-1", "123456789012", "f", "$LATEST"),
            "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST");
}
