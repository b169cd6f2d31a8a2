#include "local/function_name.hpp"

#include <gtest/gtest.h>

using namespace lcd::local;

TEST(FunctionName, BareName) {
  auto ref = parse_function_ref("my-fn");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->name, "my-fn");
  EXPECT_EQ(ref->qualifier, "");
}

TEST(FunctionName, NameWithQualifier) {
  auto ref = parse_function_ref("my-fn:live");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->name, "my-fn");
  EXPECT_EQ(ref->qualifier, "live");
  auto latest = parse_function_ref("my-fn:$LATEST");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->qualifier, "$LATEST");
}

TEST(FunctionName, PartialArn) {
  auto ref = parse_function_ref("123456789012:function:my-fn:3");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->account, "123456789012");
  EXPECT_EQ(ref->name, "my-fn");
  EXPECT_EQ(ref->qualifier, "3");
}

TEST(FunctionName, FullArn) {
  auto ref = parse_function_ref("arn:aws:lambda:eu-west-1:123456789012:function:my-fn");
  ASSERT_TRUE(ref);
  EXPECT_EQ(ref->region, "eu-west-1");
  EXPECT_EQ(ref->account, "123456789012");
  EXPECT_EQ(ref->name, "my-fn");
  EXPECT_EQ(ref->qualifier, "");
  auto qualified = parse_function_ref("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:live");
  ASSERT_TRUE(qualified);
  EXPECT_EQ(qualified->qualifier, "live");
}

TEST(FunctionName, RejectsMalformed) {
  EXPECT_FALSE(parse_function_ref(""));
  EXPECT_FALSE(parse_function_ref("has space"));
  EXPECT_FALSE(parse_function_ref("a:b:c"));
  EXPECT_FALSE(parse_function_ref("arn:aws:s3:us-east-1:123456789012:function:f"));
  EXPECT_FALSE(parse_function_ref("arn:aws:lambda:us-east-1:1234:function:f"));
  EXPECT_FALSE(parse_function_ref(std::string(65, 'a')));
  EXPECT_FALSE(parse_function_ref("dotted.name"));
  EXPECT_TRUE(parse_function_ref("dotted.name", true));
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
