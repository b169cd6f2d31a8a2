// The SAM expansion against what AWS's SAM translator produces for the same templates
// (sam_fixtures/README.md says how the expected outputs were made), and its refusals.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "local/cloudformation/sam_transform.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "util/file_io.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

const std::string k_fixtures = std::string(LCD_SOURCE_DIR) + "/tests/unit/local_cloudformation/sam_fixtures/";

json parse_file(const std::string& path) {
  auto text = read_file(path);
  EXPECT_TRUE(text) << path;
  auto model = parse_template(text ? *text : "{}");
  EXPECT_TRUE(model) << model.error().message;
  return model ? *model : json::object();
}

// Tags after lambda:createdBy compared as a set (see the fixtures' README).
void normalize_tags(json& value) {
  if (value.is_object()) {
    for (auto& [key, item] : value.items()) {
      if (key == "Tags" && item.is_array() && item.size() > 1) {
        std::sort(item.begin() + 1, item.end(), [](const json& a, const json& b) { return a.dump() < b.dump(); });
      }
      normalize_tags(item);
    }
  } else if (value.is_array()) {
    for (auto& item : value) normalize_tags(item);
  }
}

// The translator gets the parameters' defaults (CloudFormation passes the stack's values).
std::map<std::string, json> defaults_of(const json& model) {
  std::map<std::string, json> out;
  const json parameters = model.value("Parameters", json::object());
  for (const auto& [name, p] : parameters.items()) {
    if (p.contains("Default")) out[name] = p["Default"];
  }
  return out;
}

void expect_fixture(const std::string& name) {
  json input = parse_file(k_fixtures + name + ".input.yaml");
  auto expected_text = read_file(k_fixtures + name + ".expected.json");
  ASSERT_TRUE(expected_text);
  json expected = json::parse(*expected_text);
  auto processed = expand_serverless(input, defaults_of(input), "us-east-1");
  ASSERT_TRUE(processed) << processed.error().message;
  json got = *processed;
  normalize_tags(got);
  normalize_tags(expected);
  EXPECT_EQ(got, expected) << "got:\n" << got.dump(2) << "\nexpected:\n" << expected.dump(2);
}

TEST(SamTransform, GlobalsCodeUriAutoPublishAliasAndPoliciesAsSamGenerates) { expect_fixture("basic"); }
TEST(SamTransform, InlineCodeExplicitRoleCodeUriObjectAndStringPolicyAsSamGenerates) { expect_fixture("inline_role"); }
TEST(SamTransform, ParametersResolvedInAliasAndCodeAsSamGenerates) { expect_fixture("parameters"); }
TEST(SamTransform, GlobalsSupplyCodeHandlerRuntimeAndEnvironmentWithoutAnAliasAsSamGenerates) {
  expect_fixture("globals_plain");
}

TEST(SamTransform, LogicalIdHashIsSha1OfPythonsSortedCompactJson) {
  // sha1('{"MemorySize":256,"S3Bucket":"bucket","S3Key":"hello.zip","Variables":{"STAGE":"dev"}}')
  json data{{"S3Bucket", "bucket"}, {"S3Key", "hello.zip"}, {"Variables", {{"STAGE", "dev"}}}, {"MemorySize", 256}};
  EXPECT_EQ(sam_logical_id_hash(data), "5b5c8e6e35");
  // Non-ASCII is escaped as Python's ensure_ascii does: sha1('{"k":"\u00e9"}').
  EXPECT_EQ(sam_logical_id_hash(json{{"k", "\xC3\xA9"}}), "0fe46ab54f");
}

TEST(SamTransform, ANewCodeLocationMeansANewVersionLogicalId) {
  json input = parse_file(k_fixtures + "basic.input.yaml");
  auto first = expand_serverless(input, {}, "us-east-1");
  input["Resources"]["Hello"]["Properties"]["CodeUri"] = "s3://artifacts/hello/4567efgh.zip";
  auto second = expand_serverless(input, {}, "us-east-1");
  ASSERT_TRUE(first && second);
  auto version_of = [](const json& t) {
    for (const auto& [id, r] : t["Resources"].items()) {
      if (r["Type"] == "AWS::Lambda::Version") return id;
    }
    return std::string();
  };
  EXPECT_NE(version_of(*first), version_of(*second));
  EXPECT_EQ((*second)["Resources"]["HelloAliaslive"]["Properties"]["FunctionVersion"]["Fn::GetAtt"][0],
            version_of(*second));
}

TEST(SamTransform, PartitionFollowsTheRegion) {
  json input = parse_file(k_fixtures + "inline_role.input.yaml");
  auto processed = expand_serverless(input, {}, "cn-north-1");
  ASSERT_TRUE(processed);
  EXPECT_EQ((*processed)["Resources"]["StoredRole"]["Properties"]["ManagedPolicyArns"][0],
            "arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
}

std::string failure_of(const std::string& yaml) {
  auto model = parse_template(yaml);
  EXPECT_TRUE(model) << model.error().message;
  auto processed = expand_serverless(*model, {}, "us-east-1");
  EXPECT_FALSE(processed);
  if (processed) return "";
  EXPECT_EQ(processed.error().code, "ValidationError");
  return processed.error().message;
}

TEST(SamTransform, OtherServerlessTypesEventSourcesAndPolicyTemplatesFailNamingThem) {
  std::string api = failure_of(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties: {StageName: prod}
)");
  EXPECT_EQ(api.rfind("Transform AWS::Serverless-2016-10-31 failed with: Invalid Serverless Application Specification "
                      "document. Number of errors found: 1. Resource with id [Api] is invalid. Resource type "
                      "AWS::Serverless::Api is not supported",
                      0),
            0u)
      << api;
  std::string events = failure_of(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://b/k.zip
      Handler: index.handler
      Runtime: nodejs20.x
      Events:
        Get: {Type: Api, Properties: {Path: /, Method: get}}
        Nightly: {Type: Schedule, Properties: {Schedule: rate(1 day)}}
)");
  EXPECT_NE(events.find("Number of errors found: 2."), std::string::npos) << events;
  EXPECT_NE(events.find("Event with id [Get] is invalid. Event source type 'Api' is not supported"), std::string::npos);
  EXPECT_NE(events.find("Event with id [Nightly] is invalid. Event source type 'Schedule' is not supported"),
            std::string::npos);
  std::string templates = failure_of(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "exports.handler = async () => 1;"
      Handler: index.handler
      Runtime: nodejs20.x
      Policies:
        - S3ReadPolicy: {BucketName: b}
      DeploymentPreference: {Type: AllAtOnce}
)");
  EXPECT_NE(templates.find("(S3ReadPolicy) is not supported"), std::string::npos) << templates;
  EXPECT_NE(templates.find("Property 'DeploymentPreference' of AWS::Serverless::Function is not supported"),
            std::string::npos);
}

TEST(SamTransform, LocalCodeUriMustBePackagedFirst) {
  std::string local = failure_of(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: ./src, Handler: index.handler, Runtime: nodejs20.x}
)");
  EXPECT_NE(local.find("Resource with id [Fn] is invalid. 'CodeUri' is not a valid S3 Uri of the form "
                       "'s3://bucket/key' with optional versionId query parameter."),
            std::string::npos)
      << local;
  std::string neither = failure_of(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Handler: index.handler, Runtime: nodejs20.x}
)");
  EXPECT_NE(neither.find("Only one of 'InlineCode' or 'CodeUri' can be set."), std::string::npos) << neither;
}

TEST(SamTransform, OnlyTheServerlessTransformRuns) {
  auto model = parse_template("Transform: [AWS::Serverless-2016-10-31, AWS::Include]\nResources: {}\n");
  ASSERT_TRUE(model);
  auto processed = expand_serverless(*model, {}, "us-east-1");
  ASSERT_FALSE(processed);
  EXPECT_NE(processed.error().message.find("not: AWS::Include"), std::string::npos) << processed.error().message;
  EXPECT_TRUE(declares_serverless_transform(*model));
}

}  // namespace
}  // namespace lcd::local::cloudformation
