#include "local/s3/bucket_rules.hpp"

#include <gtest/gtest.h>

namespace lcd::local::s3 {
namespace {

std::string code_of(const ApiResult<std::string>& r) { return r ? "" : r.error().code; }

TEST(BucketRules, RegionNames) {
  for (const char* good : {"us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1", "il-central-1"}) {
    EXPECT_TRUE(is_region_name(good)) << good;
  }
  for (const char* bad : {"", "EU", "eu-west", "eu-west-x", "Eu-west-1", "eu--1", "eu-west-1 ", "eu_west_1"}) {
    EXPECT_FALSE(is_region_name(bad)) << bad;
  }
}

TEST(BucketRules, CreateBucketLocationConstraintTable) {
  // aws-api-notes-2 §17.3, row by row.
  EXPECT_EQ(*bucket_region_for("us-east-1", ""), "us-east-1");
  auto unspecified = bucket_region_for("eu-west-1", "");
  EXPECT_EQ(code_of(unspecified), "IllegalLocationConstraintException");
  EXPECT_EQ(unspecified.error().message,
            "The unspecified location constraint is incompatible for the region specific endpoint this request was "
            "sent to.");
  EXPECT_EQ(*bucket_region_for("eu-west-1", "eu-west-1"), "eu-west-1");
  auto other = bucket_region_for("ap-southeast-2", "eu-west-1");
  EXPECT_EQ(code_of(other), "IllegalLocationConstraintException");
  EXPECT_EQ(other.error().status, 400);
  EXPECT_NE(other.error().message.find("The eu-west-1 location constraint is incompatible"), std::string::npos);
  auto explicit_us = bucket_region_for("us-east-1", "us-east-1");
  EXPECT_EQ(code_of(explicit_us), "InvalidLocationConstraint");
  EXPECT_EQ(explicit_us.error().message, "The specified location-constraint is not valid");
  EXPECT_EQ(*bucket_region_for("eu-west-1", "EU"), "eu-west-1");
  EXPECT_EQ(code_of(bucket_region_for("eu-west-1", "mars-north-x")), "InvalidLocationConstraint");
  // Signed for us-east-1 (AWS's global endpoint): any region may be named.
  EXPECT_EQ(*bucket_region_for("us-east-1", "ap-southeast-2"), "ap-southeast-2");
}

TEST(BucketRules, ARequestSignedForAnotherRegionIsToldTheBucketsRegion) {
  BucketRequest request{"us-east-1", "000000000000", true, false, true};
  auto e = bucket_access_error(request, "eu-west-1", "000000000000");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 400);
  EXPECT_EQ(e->code, "AuthorizationHeaderMalformed");
  EXPECT_EQ(e->message, "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'");
  ASSERT_EQ(e->extra.size(), 1u);
  EXPECT_EQ(e->extra[0], (std::pair<std::string, std::string>{"Region", "eu-west-1"}));

  request.presigned = true;
  e = bucket_access_error(request, "eu-west-1", "000000000000");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, "AuthorizationQueryParametersError");

  request.presigned = false;
  request.check_region = false;  // GetBucketLocation
  EXPECT_FALSE(bucket_access_error(request, "eu-west-1", "000000000000"));
  request.check_region = true;
  request.is_signed = false;  // nothing to be wrong about
  EXPECT_FALSE(bucket_access_error(request, "eu-west-1", "000000000000"));
  request.is_signed = true;
  request.region = "eu-west-1";
  EXPECT_FALSE(bucket_access_error(request, "eu-west-1", "000000000000"));
}

TEST(BucketRules, AnotherAccountIsDenied) {
  BucketRequest request{"eu-west-1", "111111111111", true, false, true};
  auto e = bucket_access_error(request, "eu-west-1", "222222222222");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 403);
  EXPECT_EQ(e->code, "AccessDenied");
  EXPECT_FALSE(bucket_access_error(request, "eu-west-1", "111111111111"));
}

}  // namespace
}  // namespace lcd::local::s3
