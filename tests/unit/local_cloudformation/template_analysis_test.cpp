#include "local/cloudformation/template_analysis.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "local/cloudformation/template_parser.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

Result<TemplateInfo> analyze_text(const std::string& text) {
  auto model = parse_template(text);
  if (!model) return fail(model.error());
  return analyze_template(*model);
}

std::string error_of(const std::string& text) {
  auto r = analyze_text(text);
  EXPECT_FALSE(r) << text;
  if (r) return "";
  EXPECT_EQ(r.error().code, "ValidationError");
  return r.error().message;
}

const char* k_stack = R"(
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
Resources:
  Alias:
    Type: AWS::Lambda::Alias
    Properties: {FunctionName: !Ref Fn, FunctionVersion: !GetAtt Version.Version, Name: live}
  Version:
    Type: AWS::Lambda::Version
    Properties: {FunctionName: !Ref Fn}
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      Code: {ZipFile: !Sub "exports.env = '${Env}';"}
  Role:
    Type: AWS::IAM::Role
    Properties: {AssumeRolePolicyDocument: {}}
  Bucket:
    Type: AWS::S3::Bucket
    DependsOn: Alias
Outputs:
  Arn: {Value: !GetAtt Fn.Arn}
)";

TEST(TemplateAnalysis, OrdersByReferencesAndDependsOn) {
  auto info = analyze_text(k_stack);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->creation_order, (std::vector<std::string>{"Role", "Fn", "Version", "Alias", "Bucket"}));
  EXPECT_EQ(info->dependencies["Alias"], (std::set<std::string>{"Fn", "Version"}));
  EXPECT_EQ(info->capabilities, (std::vector<std::string>{"CAPABILITY_IAM"}));
  ASSERT_EQ(info->parameters.size(), 1u);
  EXPECT_EQ(info->parameters[0].default_value.value_or(""), "dev");
}

TEST(TemplateAnalysis, NamedIamNeedsNamedCapability) {
  auto info = analyze_text(R"({"Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{"RoleName":"x","AssumeRolePolicyDocument":{}}}}})");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->capabilities, (std::vector<std::string>{"CAPABILITY_NAMED_IAM"}));
  auto missing = check_capabilities(info->capabilities, {"CAPABILITY_IAM"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "InsufficientCapabilitiesException");
  EXPECT_EQ(missing.error().message, "Requires capabilities : [CAPABILITY_NAMED_IAM]");
  EXPECT_TRUE(check_capabilities(info->capabilities, {"CAPABILITY_NAMED_IAM"}));
  auto plain = analyze_text(k_stack);
  ASSERT_TRUE(plain);
  EXPECT_EQ(check_capabilities(plain->capabilities, {}).error().message, "Requires capabilities : [CAPABILITY_IAM]");
  EXPECT_TRUE(check_capabilities(plain->capabilities, {"CAPABILITY_NAMED_IAM"}));
}

TEST(TemplateAnalysis, CircularReferencesAreNamed) {
  auto message = error_of(R"({"Resources":{
    "A":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":{"Ref":"B"}}},
    "B":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":{"Fn::Sub":"${C}"}}},
    "C":{"Type":"AWS::S3::Bucket","DependsOn":["A"]},
    "D":{"Type":"AWS::S3::Bucket"}}})");
  EXPECT_EQ(message, "Circular dependency between resources: [A, B, C]");
  EXPECT_EQ(error_of(R"({"Resources":{"A":{"Type":"AWS::S3::Bucket","DependsOn":"A"}}})"),
            "Circular dependency between resources: [A]");
}

TEST(TemplateAnalysis, MalformedTemplatesNameTheProblem) {
  EXPECT_NE(error_of(R"({"Resources":{}})").find("At least one Resources member"), std::string::npos);
  EXPECT_NE(error_of(R"({"Resources":{"A":{"Properties":{}}}})").find("Every Resources object must contain a Type"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"Resources":{"A":{"Type":"AWS::S3::Bucket","Properties":{"X":{"Fn::Bogus":1}}}}})")
                .find("Encountered unsupported function: Fn::Bogus"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"Resources":{"A":{"Type":"AWS::S3::Bucket","Properties":{"X":{"Ref":"Ghost"}}}}})")
                .find("Unresolved resource dependencies [Ghost]"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"Resources":{"A":{"Type":"AWS::S3::Bucket","DependsOn":"Ghost"}}})")
                .find("Unresolved resource dependencies [Ghost]"),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"Resources":{"F":{"Type":"AWS::Lambda::Function","Properties":{"Role":"r"}}}})"),
            "Properties validation failed for resource F with message: #: required key [Code] not found");
  EXPECT_NE(error_of(R"({"Resources":{"A":{"Type":"NotAType"}}})").find("Unrecognized resource types: [NotAType]"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"Resourcez":{}, "Resources":{"A":{"Type":"AWS::S3::Bucket"}}})").find("[Resourcez]"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"Resources":{"A":{"Type":"AWS::S3::Bucket"}},"Outputs":{"O":{"Description":"x"}}})")
                .find("Value"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"Resources":{"A":{"Type":"AWS::S3::Bucket","Condition":"Nope"}}})").find("Nope"),
            std::string::npos);
}

TEST(TemplateAnalysis, SupportedTypes) {
  EXPECT_TRUE(is_supported_resource_type("AWS::Lambda::Function"));
  EXPECT_FALSE(is_supported_resource_type("AWS::DynamoDB::Table"));
  // A well-formed but unsupported type passes analysis; the stack fails when it reaches it.
  EXPECT_TRUE(analyze_text(R"({"Resources":{"T":{"Type":"AWS::DynamoDB::Table"}}})"));
}

TEST(Parameters, DefaultsAllowedValuesTypesAndUnknowns) {
  auto info = analyze_text(R"(
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Size: {Type: Number, Default: 128, MinValue: 128, MaxValue: 1024}
  Names: {Type: CommaDelimitedList}
  Pattern: {Type: String, Default: abc, AllowedPattern: "[a-z]+"}
Resources:
  B: {Type: AWS::S3::Bucket}
)");
  ASSERT_TRUE(info) << info.error().message;
  auto ok = resolve_parameters(info->parameters, {{"Names", "a, b,c"}});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->at("Env"), "dev");
  EXPECT_EQ(ok->at("Size"), "128");
  EXPECT_EQ(ok->at("Names"), json::parse(R"(["a","b","c"])"));
  auto missing = resolve_parameters(info->parameters, {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "Parameters: [Names] must have values");
  EXPECT_EQ(resolve_parameters(info->parameters, {{"Names", "x"}, {"Env", "qa"}}).error().message,
            "Parameter 'Env' must be one of AllowedValues");
  EXPECT_EQ(resolve_parameters(info->parameters, {{"Names", "x"}, {"Size", "big"}}).error().message,
            "Parameter 'Size' must be a number.");
  EXPECT_FALSE(resolve_parameters(info->parameters, {{"Names", "x"}, {"Size", "64"}}));
  EXPECT_FALSE(resolve_parameters(info->parameters, {{"Names", "x"}, {"Pattern", "ABC"}}));
  EXPECT_EQ(resolve_parameters(info->parameters, {{"Names", "x"}, {"Extra", "1"}}).error().message,
            "Parameters: [Extra] do not exist in the template");
}

}  // namespace
}  // namespace lcd::local::cloudformation
