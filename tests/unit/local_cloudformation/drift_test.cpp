// Drift detection: the pure comparison, and the service reading a changed or deleted function.
#include <gtest/gtest.h>

#include "endpoint_fixture.hpp"
#include "local/cloudformation/drift.hpp"
#include "util/file_io.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;
using test::Endpoint;
using test::xml_field;

TEST(Drift, OnlyWhatTheTemplateSetIsCompared) {
  json expected{{"MemorySize", 128}, {"Environment", {{"Variables", {{"A", "1"}, {"B", "x/y"}}}}}, {"Layers", {"l1"}}};
  json actual{{"MemorySize", 256}, {"Timeout", 3}, {"Environment", {{"Variables", {{"A", "1"}, {"C", "new"}}}}},
              {"Layers", {"l1", "l2"}}};
  auto diffs = property_differences(expected, actual);
  ASSERT_EQ(diffs.size(), 3u);
  EXPECT_EQ(diffs[0].path, "/Environment/Variables/B");
  EXPECT_EQ(diffs[0].type, "REMOVE");
  EXPECT_EQ(diffs[0].expected, "\"x/y\"");
  EXPECT_EQ(diffs[1].path, "/Layers");
  EXPECT_EQ(diffs[1].actual, "[\"l1\",\"l2\"]");
  EXPECT_EQ(diffs[2].path, "/MemorySize");
  EXPECT_EQ(diffs[2].expected, "128");
  EXPECT_EQ(diffs[2].actual, "256");
  EXPECT_EQ(diffs[2].type, "NOT_EQUAL");
  // A number and its text are the same value; keys with '/' and '~' are escaped in paths.
  EXPECT_TRUE(property_differences(json{{"Timeout", "3"}}, json{{"Timeout", 3}}).empty());
  EXPECT_EQ(property_differences(json{{"a/b~c", 1}}, json::object())[0].path, "/a~1b~0c");
  StackDriftRecord record{"id", "DRIFTED", "t", {{"L", "P", "T", "MODIFIED", expected, actual, diffs, "t"}}};
  auto back = drift_from_json(drift_to_json(record));
  EXPECT_EQ(back.resources[0].differences[2].actual, "256");
  EXPECT_EQ(back.resources[0].expected, expected);
}

constexpr const char* k_template = R"({
  "Resources": {
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
      "FunctionName": "drifty", "Runtime": "nodejs20.x", "Handler": "index.handler", "MemorySize": 128,
      "Role": "arn:aws:iam::000000000000:role/r", "Code": {"ZipFile": "exports.handler = async () => 1;"}}},
    "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "drift-bucket"}},
    "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}
  }
})";

TEST(Drift, DetectionReportsModifiedDeletedAndUncheckedResources) {
  TempDir state("lcd-drift");
  Endpoint e(state.path());
  ASSERT_EQ(e.cfn("Action=CreateStack&StackName=d&Capabilities.member.1=CAPABILITY_IAM&TemplateBody=" +
                  uri_encode(k_template))
                .status,
            200);
  ASSERT_EQ(xml_field(e.wait_for("d"), "StackStatus"), "CREATE_COMPLETE");
  auto first = e.cfn("Action=DetectStackDrift&StackName=d");
  ASSERT_EQ(first.status, 200) << first.body;
  std::string status = e.cfn("Action=DescribeStackDriftDetectionStatus&StackDriftDetectionId=" +
                             xml_field(first.body, "StackDriftDetectionId")).body;
  EXPECT_EQ(xml_field(status, "StackDriftStatus"), "IN_SYNC") << status;
  EXPECT_EQ(xml_field(status, "DetectionStatus"), "DETECTION_COMPLETE");

  ASSERT_EQ(e.lambda("PUT", "/2015-03-31/functions/drifty/configuration", R"({"MemorySize": 512})").status, 200);
  ASSERT_TRUE(e.m_s3->delete_bucket("drift-bucket"));
  auto second = e.cfn("Action=DetectStackDrift&StackName=d");
  status = e.cfn("Action=DescribeStackDriftDetectionStatus&StackDriftDetectionId=" +
                 xml_field(second.body, "StackDriftDetectionId")).body;
  EXPECT_EQ(xml_field(status, "StackDriftStatus"), "DRIFTED");
  EXPECT_EQ(xml_field(status, "DriftedStackResourceCount"), "2");
  std::string drifts = e.cfn("Action=DescribeStackResourceDrifts&StackName=d").body;
  auto of = [&](const std::string& logical) {
    auto at = drifts.find("<LogicalResourceId>" + logical + "</LogicalResourceId>");
    return xml_field(drifts, "StackResourceDriftStatus", at);
  };
  EXPECT_EQ(of("Fn"), "MODIFIED");
  EXPECT_EQ(of("Bucket"), "DELETED");
  EXPECT_EQ(of("Role"), "NOT_CHECKED");
  EXPECT_EQ(xml_field(drifts, "PropertyPath"), "/MemorySize");
  EXPECT_EQ(xml_field(drifts, "ExpectedValue"), "128");
  EXPECT_EQ(xml_field(drifts, "ActualValue"), "512");
  std::string modified = e.cfn("Action=DescribeStackResourceDrifts&StackName=d&"
                               "StackResourceDriftStatusFilters.member.1=MODIFIED").body;
  EXPECT_EQ(test::count_of(modified, "<StackResourceDriftStatus>"), 1u);
  std::string stack = e.cfn("Action=DescribeStacks&StackName=d").body;
  EXPECT_EQ(xml_field(stack, "StackDriftStatus"), "DRIFTED");
  EXPECT_EQ(e.cfn("Action=DescribeStackDriftDetectionStatus&StackDriftDetectionId=nope").status, 400);
}

}  // namespace
}  // namespace lcd::local::cloudformation
