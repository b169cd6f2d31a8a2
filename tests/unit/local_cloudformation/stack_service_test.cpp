// The stack service's regional and account scoping, DeletionPolicy / UpdateReplacePolicy,
// RetainResources, DescribeStackEvents paging, AWS::Lambda::Version over an unchanged function,
// and a failed state write reaching the client.
#include <gtest/gtest.h>

#include "endpoint_fixture.hpp"
#include "local/sqlite_db.hpp"
#include "util/file_io.hpp"

namespace lcd::local::cloudformation {
namespace {

using test::count_of;
using test::Endpoint;
using test::xml_field;

constexpr const char* k_regional = R"({
  "Resources": {
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
      "FunctionName": {"Fn::Sub": "regional-${AWS::AccountId}"}, "Runtime": "nodejs20.x", "Handler": "index.handler",
      "Role": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/r"},
      "Code": {"ZipFile": "exports.handler = async () => 1;"}}}
  },
  "Outputs": {
    "Arn": {"Value": {"Fn::GetAtt": ["Fn", "Arn"]}},
    "Where": {"Value": {"Fn::Sub": "${AWS::Region}/${AWS::AccountId}/${AWS::Partition}/${AWS::URLSuffix}"}}
  }
})";

std::string create_form(const std::string& name, const std::string& body) {
  return "Action=CreateStack&StackName=" + name + "&TemplateBody=" + uri_encode(body);
}

std::string output(const std::string& describe, const std::string& key) {
  auto at = describe.find("<OutputKey>" + key + "</OutputKey>");
  return at == std::string::npos ? "" : xml_field(describe, "OutputValue", at);
}

TEST(StackService, TheSameStackNameInTwoRegionsAndAccountsIsFourStacks) {
  TempDir state("lcd-stacks");
  Endpoint e(state.path());
  const std::vector<RequestContext> places = {Endpoint::context("eu-west-1"), Endpoint::context("ap-southeast-2"),
                                              Endpoint::context("eu-west-1", "111122223333"),
                                              Endpoint::context("ap-southeast-2", "111122223333")};
  for (const auto& ctx : places) {
    auto created = e.cfn(create_form("app", k_regional), ctx);
    ASSERT_EQ(created.status, 200) << created.body;
    EXPECT_EQ(xml_field(created.body, "StackId").rfind("arn:aws:cloudformation:" + ctx.region + ":" + ctx.account_id +
                                                           ":stack/app/",
                                                       0),
              0u);
  }
  for (const auto& ctx : places) {
    std::string stack = e.wait_for("app", ctx);
    ASSERT_EQ(xml_field(stack, "StackStatus"), "CREATE_COMPLETE") << stack;
    EXPECT_EQ(output(stack, "Arn").rfind("arn:aws:lambda:" + ctx.region + ":", 0), 0u) << output(stack, "Arn");
    EXPECT_EQ(output(stack, "Where"), ctx.region + "/" + ctx.account_id + "/aws/amazonaws.com");
    // Only this region and account's stack is listed here.
    std::string all = e.cfn("Action=DescribeStacks", ctx).body;
    EXPECT_EQ(count_of(all, "<StackName>app</StackName>"), 1u);
    EXPECT_NE(all.find(":" + ctx.region + ":" + ctx.account_id + ":stack/app/"), std::string::npos);
    // The function lives in the stack's region and account.
    auto fn = e.lambda("GET", "/2015-03-31/functions/regional-" + ctx.account_id + "/configuration", "", ctx);
    ASSERT_EQ(fn.status, 200) << fn.body;
    EXPECT_NE(fn.body.find("arn:aws:lambda:" + ctx.region + ":"), std::string::npos) << fn.body;
  }
  EXPECT_EQ(e.cfn("Action=DescribeStacks&StackName=app", Endpoint::context("us-east-1")).status, 400);
  // A stack id from another region is not found here.
  std::string eu_id = xml_field(e.cfn("Action=DescribeStacks&StackName=app", places[0]).body, "StackId");
  EXPECT_EQ(e.cfn("Action=DescribeStacks&StackName=" + uri_encode(eu_id), places[1]).status, 400);
  // Deleting one leaves the others.
  ASSERT_EQ(e.cfn("Action=DeleteStack&StackName=app", places[0]).status, 200);
  e.wait_for(eu_id, places[0]);
  EXPECT_EQ(e.lambda("GET", "/2015-03-31/functions/regional-000000000000", "", places[0]).status, 404);
  EXPECT_EQ(e.lambda("GET", "/2015-03-31/functions/regional-000000000000", "", places[1]).status, 200);
  EXPECT_EQ(xml_field(e.cfn("Action=DescribeStacks&StackName=app", places[2]).body, "StackStatus"), "CREATE_COMPLETE");
}

TEST(StackService, BucketsAreCreatedInTheStacksRegion) {
  TempDir state("lcd-stacks");
  Endpoint e(state.path());
  auto ctx = Endpoint::context("eu-west-1");
  ASSERT_EQ(e.cfn(create_form("b", R"({"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":"eu-bucket"}}},
    "Outputs":{"D":{"Value":{"Fn::GetAtt":["B","RegionalDomainName"]}}}})"), ctx).status, 200);
  std::string stack = e.wait_for("b", ctx);
  ASSERT_EQ(xml_field(stack, "StackStatus"), "CREATE_COMPLETE") << stack;
  EXPECT_EQ(output(stack, "D"), "eu-bucket.s3.eu-west-1.amazonaws.com");
  auto info = e.m_s3->store().bucket_info("eu-bucket");
  ASSERT_TRUE(info && *info);
  EXPECT_EQ((*info)->region, "eu-west-1");
  EXPECT_EQ((*info)->account, "000000000000");
}

constexpr const char* k_policies = R"({
  "Parameters": {"Suffix": {"Type": "String", "Default": "one"}},
  "Resources": {
    "Kept": {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain", "Properties": {"BucketName": "kept-bucket"}},
    "Replaced": {"Type": "AWS::S3::Bucket", "UpdateReplacePolicy": "Retain",
                 "Properties": {"BucketName": {"Fn::Sub": "replaced-${Suffix}"}}},
    "Plain": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "plain-${Suffix}"}}}
  }
})";

TEST(StackService, RetainPoliciesKeepResourcesOnReplacementRemovalAndDelete) {
  TempDir state("lcd-stacks");
  Endpoint e(state.path());
  ASSERT_EQ(e.cfn(create_form("p", k_policies)).status, 200);
  ASSERT_EQ(xml_field(e.wait_for("p"), "StackStatus"), "CREATE_COMPLETE");
  // New names replace both buckets: UpdateReplacePolicy keeps the old "replaced-one", not "plain-one".
  ASSERT_EQ(e.cfn("Action=UpdateStack&StackName=p&TemplateBody=" + uri_encode(k_policies) +
                  "&Parameters.member.1.ParameterKey=Suffix&Parameters.member.1.ParameterValue=two")
                .status,
            200);
  ASSERT_EQ(xml_field(e.wait_for("p"), "StackStatus"), "UPDATE_COMPLETE");
  auto exists = [&](const std::string& bucket) { return *e.m_s3->bucket_exists(bucket); };
  EXPECT_TRUE(exists("replaced-one"));
  EXPECT_FALSE(exists("plain-one"));
  EXPECT_TRUE(exists("replaced-two") && exists("plain-two"));
  std::string events = e.cfn("Action=DescribeStackEvents&StackName=p").body;
  EXPECT_NE(events.find("<PhysicalResourceId>replaced-one</PhysicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType>"
                        "<Timestamp>"),
            std::string::npos);
  EXPECT_EQ(count_of(events, "<ResourceStatus>DELETE_SKIPPED</ResourceStatus>"), 1u);
  // Deleting the stack keeps the DeletionPolicy: Retain bucket only.
  std::string id = xml_field(e.cfn("Action=DescribeStacks&StackName=p").body, "StackId");
  ASSERT_EQ(e.cfn("Action=DeleteStack&StackName=p").status, 200);
  EXPECT_EQ(xml_field(e.wait_for(id), "StackStatus"), "DELETE_COMPLETE");
  EXPECT_TRUE(exists("kept-bucket"));
  EXPECT_FALSE(exists("replaced-two") || exists("plain-two"));
  events = e.cfn("Action=DescribeStackEvents&StackName=" + uri_encode(id)).body;
  EXPECT_EQ(count_of(events, "<ResourceStatus>DELETE_SKIPPED</ResourceStatus>"), 2u);
}

TEST(StackService, RetainResourcesOnlyForADeleteFailedStack) {
  TempDir state("lcd-stacks");
  Endpoint e(state.path());
  ASSERT_EQ(e.cfn(create_form("full", R"({"Resources":{"B":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":"full-bucket"}},
    "C":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":"empty-bucket"}}}})")).status, 200);
  ASSERT_EQ(xml_field(e.wait_for("full"), "StackStatus"), "CREATE_COMPLETE");
  auto early = e.cfn("Action=DeleteStack&StackName=full&RetainResources.member.1=B");
  EXPECT_EQ(early.status, 400);
  EXPECT_NE(xml_field(early.body, "Message").find("RetainResources can only be specified when the stack is in the "
                                                  "DELETE_FAILED state"),
            std::string::npos);
  ASSERT_TRUE(e.m_s3->put_object_bytes("full-bucket", "k", "v"));
  ASSERT_EQ(e.cfn("Action=DeleteStack&StackName=full").status, 200);
  std::string failed = e.wait_for("full");
  ASSERT_EQ(xml_field(failed, "StackStatus"), "DELETE_FAILED") << failed;
  auto deleted_one = e.cfn("Action=DeleteStack&StackName=full&RetainResources.member.1=C");
  EXPECT_EQ(xml_field(deleted_one.body, "Message"),
            "The specified resources to retain must be in a valid state. Do not specify resources that are in the "
            "DELETE_COMPLETE state.");
  ASSERT_EQ(e.cfn("Action=DeleteStack&StackName=full&RetainResources.member.1=B").status, 200);
  std::string id = xml_field(failed, "StackId");
  EXPECT_EQ(xml_field(e.wait_for(id), "StackStatus"), "DELETE_COMPLETE");
  EXPECT_TRUE(*e.m_s3->bucket_exists("full-bucket"));
}

TEST(StackService, EventsArePagedNewestFirstAndNewEventsDoNotShiftPages) {
  TempDir state("lcd-stacks");
  Endpoint e(state.path());
  std::string body = R"({"Resources":{)";
  for (int i = 0; i < 40; ++i) {
    body += (i ? "," : "") + std::string("\"B") + std::to_string(i) + R"(":{"Type":"AWS::S3::Bucket"})";
  }
  body += "}}";
  ASSERT_EQ(e.cfn(create_form("many", body)).status, 200);
  ASSERT_EQ(xml_field(e.wait_for("many"), "StackStatus"), "CREATE_COMPLETE");
  // 2 stack events + 3 per bucket = 122.
  auto first = e.cfn("Action=DescribeStackEvents&StackName=many").body;
  EXPECT_EQ(count_of(first, "<EventId>"), 100u);
  std::string token = xml_field(first, "NextToken");
  ASSERT_FALSE(token.empty());
  // The stack moves on (new events at the head) before the next page is read.
  ASSERT_EQ(e.cfn("Action=DeleteStack&StackName=many").status, 200);
  auto second = e.cfn("Action=DescribeStackEvents&StackName=" +
                      uri_encode(xml_field(first, "StackId")) + "&NextToken=" + uri_encode(token))
                    .body;
  EXPECT_EQ(count_of(second, "<EventId>"), 22u) << second;
  EXPECT_TRUE(xml_field(second, "NextToken").empty());
  EXPECT_NE(second.find("<ResourceStatus>CREATE_IN_PROGRESS</ResourceStatus><ResourceStatusReason>User Initiated"),
            std::string::npos)
      << "the oldest event ends the last page";
  auto bad = e.cfn("Action=DescribeStackEvents&StackName=many&NextToken=bm9wZQ==");
  EXPECT_EQ(bad.status, 400);
}

constexpr const char* k_versioned = R"({
  "Parameters": {"Note": {"Type": "String", "Default": "first"}},
  "Resources": {
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
      "FunctionName": "versioned", "Runtime": "nodejs20.x", "Handler": "index.handler",
      "Role": "arn:aws:iam::000000000000:role/r", "Code": {"ZipFile": "exports.handler = async () => 1;"}}},
    "V": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}, "Description": {"Ref": "Note"}}},
    "Live": {"Type": "AWS::Lambda::Alias", "Properties": {
      "FunctionName": {"Ref": "Fn"}, "FunctionVersion": {"Fn::GetAtt": ["V", "Version"]}, "Name": "live"}}
  }
})";

TEST(StackService, ANewVersionOfAnUnchangedFunctionFailsAndTheLiveVersionSurvives) {
  TempDir state("lcd-stacks");
  Endpoint e(state.path());
  ASSERT_EQ(e.cfn(create_form("v", k_versioned)).status, 200);
  ASSERT_EQ(xml_field(e.wait_for("v"), "StackStatus"), "CREATE_COMPLETE");
  // A new Description replaces the Version resource, but the code did not change.
  ASSERT_EQ(e.cfn("Action=UpdateStack&StackName=v&TemplateBody=" + uri_encode(k_versioned) +
                  "&Parameters.member.1.ParameterKey=Note&Parameters.member.1.ParameterValue=second")
                .status,
            200);
  std::string stack = e.wait_for("v");
  EXPECT_EQ(xml_field(stack, "StackStatus"), "UPDATE_ROLLBACK_COMPLETE") << stack;
  std::string events = e.cfn("Action=DescribeStackEvents&StackName=v").body;
  EXPECT_NE(events.find("A version for this Lambda function exists ( 1 ). Modify the function to create a new version."),
            std::string::npos)
      << events;
  EXPECT_EQ(e.lambda("GET", "/2015-03-31/functions/versioned/configuration", "", Endpoint::context()).status, 200);
  auto v1 = e.lambda("GET", "/2015-03-31/functions/versioned:1/configuration");
  EXPECT_EQ(v1.status, 200) << "the live version was deleted: " << v1.body;
  auto alias = e.lambda("GET", "/2015-03-31/functions/versioned/aliases/live");
  EXPECT_NE(alias.body.find("\"FunctionVersion\":\"1\""), std::string::npos) << alias.body;
}

TEST(StackService, AFailedStateWriteIsAnErrorNotSilence) {
  TempDir state("lcd-stacks");
  Endpoint e(state.path());
  {
    auto db = SqliteDb::open(state_database(state.path()), "");
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->exec("DROP TABLE stacks"));
  }
  auto created = e.cfn(create_form("lost", k_regional));
  EXPECT_EQ(created.status, 500);
  EXPECT_EQ(xml_field(created.body, "Code"), "InternalFailure");
  EXPECT_NE(xml_field(created.body, "Message").find("stack lost could not be saved"), std::string::npos) << created.body;
  // Nothing was started, and CloudFormation refuses every later request rather than answer from
  // state it could not keep.
  EXPECT_EQ(e.lambda("GET", "/2015-03-31/functions/regional-000000000000").status, 404);
  EXPECT_EQ(e.cfn("Action=DescribeStacks&StackName=lost").status, 500);
}

}  // namespace
}  // namespace lcd::local::cloudformation
