#include "local/iam/iam_identifiers.hpp"

#include <gtest/gtest.h>

#include <set>

#include "local/iam/iam_errors.hpp"

namespace lcd::local::iam {
namespace {

TEST(IamIdentifiers, UniqueIdsHaveThePrefixLengthAndAlphabetOfAwsIds) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string id = unique_id("AROA");
    ASSERT_EQ(id.size(), 21u);
    EXPECT_EQ(id.rfind("AROA", 0), 0u);
    EXPECT_EQ(id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(unique_id("ASIA", 20).size(), 20u);
}

TEST(IamIdentifiers, DerivedIdsAreStablePerSeed) {
  EXPECT_EQ(derived_id("AROA", "arn:aws:iam::1:role/a"), derived_id("AROA", "arn:aws:iam::1:role/a"));
  EXPECT_NE(derived_id("AROA", "arn:aws:iam::1:role/a"), derived_id("AROA", "arn:aws:iam::1:role/b"));
}

TEST(IamIdentifiers, ParsesArnsAndSplitsRolePaths) {
  auto arn = parse_arn("arn:aws:iam::123456789012:role/service-role/team/deployer");
  ASSERT_TRUE(arn);
  EXPECT_EQ(arn->service, "iam");
  EXPECT_EQ(arn->region, "");
  EXPECT_EQ(arn->account, "123456789012");
  auto role = resource_path_and_name(*arn, "role");
  ASSERT_TRUE(role);
  EXPECT_EQ(role->path, "/service-role/team/");
  EXPECT_EQ(role->name, "deployer");
  auto plain = resource_path_and_name(*parse_arn("arn:aws:iam::123456789012:role/r"), "role");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->path, "/");
  EXPECT_FALSE(resource_path_and_name(*arn, "policy"));
  EXPECT_FALSE(parse_arn("arn:aws:iam::123"));
  EXPECT_FALSE(parse_arn("role/r"));
  // The resource may itself hold colons.
  EXPECT_EQ(parse_arn("arn:aws:lambda:eu-west-1:1:function:f:PROD")->resource, "function:f:PROD");
}

TEST(IamIdentifiers, BuildsArnsWithoutRegion) {
  EXPECT_EQ(role_arn("123456789012", "/a/", "r"), "arn:aws:iam::123456789012:role/a/r");
  EXPECT_EQ(policy_arn("123456789012", "/", "p"), "arn:aws:iam::123456789012:policy/p");
  EXPECT_EQ(root_arn("000000000000"), "arn:aws:iam::000000000000:root");
  EXPECT_EQ(assumed_role_arn("1", "r", "s"), "arn:aws:sts::1:assumed-role/r/s");
  EXPECT_TRUE(is_aws_managed_policy_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"));
  EXPECT_FALSE(is_aws_managed_policy_arn("arn:aws:iam::123456789012:policy/mine"));
  EXPECT_FALSE(is_aws_managed_policy_arn("arn:aws:iam::aws:role/x"));
}

TEST(IamIdentifiers, FormatsSecondPrecisionUtc) {
  EXPECT_EQ(format_iam_time(std::chrono::system_clock::time_point(std::chrono::seconds(1800000000))),
            "2027-01-15T08:00:00Z");
}

TEST(IamErrors, NameAndPathChecksAnswerValidationErrorsAsIamWordsThem) {
  EXPECT_TRUE(check_name("my-role_1+=,.@", "roleName", 1, 64));
  auto bad = check_name("my role", "roleName", 1, 64);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "ValidationError");
  EXPECT_EQ(bad.error().status, 400);
  EXPECT_EQ(bad.error().message,
            "1 validation error detected: Value 'my role' at 'roleName' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [\\w+=,.@-]+");
  EXPECT_FALSE(check_name(std::string(65, 'a'), "roleName", 1, 64));
  EXPECT_FALSE(check_name("a", "roleSessionName", 2, 64));
  EXPECT_TRUE(check_path("/", "path"));
  EXPECT_TRUE(check_path("/service-role/", "path"));
  EXPECT_FALSE(check_path("service-role/", "path"));
  EXPECT_FALSE(check_path("/a", "path"));
  EXPECT_FALSE(check_path("/a b/", "path"));
}

TEST(IamErrors, IntegerParametersAreCheckedAgainstTheirRange) {
  EXPECT_EQ(*integer_param("", "durationSeconds", 900, 43200, 3600), 3600);
  EXPECT_EQ(*integer_param("900", "durationSeconds", 900, 43200, 3600), 900);
  auto low = integer_param("100", "durationSeconds", 900, 43200, 3600);
  ASSERT_FALSE(low);
  EXPECT_NE(low.error().message.find("greater than or equal to 900"), std::string::npos);
  EXPECT_FALSE(integer_param("x1", "durationSeconds", 900, 43200, 3600));
}

}  // namespace
}  // namespace lcd::local::iam
