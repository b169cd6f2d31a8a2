#include "local/cloudformation/template_parser.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

TEST(TemplateParser, JsonTemplate) {
  auto t = parse_template(R"({"Resources":{"B":{"Type":"AWS::S3::Bucket"}}})");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ((*t)["Resources"]["B"]["Type"], "AWS::S3::Bucket");
}

TEST(TemplateParser, YamlShortFormTagsBecomeLongForm) {
  auto t = parse_template(R"(
Resources:
  F:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt Role.Arn
      FunctionName: !Sub "${AWS::StackName}-fn"
      Handler: !Join [".", [index, handler]]
      Description: !Ref Desc
      Timeout: 30
      Quoted: "30"
      Flag: true
      Az: !Select [0, !GetAZs ""]
      Parts: !Split [",", "a,b"]
      Pick: !If [IsProd, !Ref AWS::NoValue, x]
      Encoded: !Base64 hello
      Mapped: !FindInMap [M, K, V]
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Or [!Condition IsProd, !Condition NotProd]]
)");
  ASSERT_TRUE(t) << t.error().message;
  const auto& p = (*t)["Resources"]["F"]["Properties"];
  EXPECT_EQ(p["Role"], json::parse(R"({"Fn::GetAtt":["Role","Arn"]})"));
  EXPECT_EQ(p["FunctionName"], json::parse(R"({"Fn::Sub":"${AWS::StackName}-fn"})"));
  EXPECT_EQ(p["Handler"], json::parse(R"({"Fn::Join":[".",["index","handler"]]})"));
  EXPECT_EQ(p["Description"], json::parse(R"({"Ref":"Desc"})"));
  EXPECT_EQ(p["Timeout"], 30);
  EXPECT_EQ(p["Quoted"], "30");
  EXPECT_EQ(p["Flag"], true);
  EXPECT_EQ(p["Az"], json::parse(R"({"Fn::Select":[0,{"Fn::GetAZs":""}]})"));
  EXPECT_EQ(p["Parts"], json::parse(R"({"Fn::Split":[",","a,b"]})"));
  EXPECT_EQ(p["Pick"], json::parse(R"({"Fn::If":["IsProd",{"Ref":"AWS::NoValue"},"x"]})"));
  EXPECT_EQ(p["Encoded"], json::parse(R"({"Fn::Base64":"hello"})"));
  EXPECT_EQ(p["Mapped"], json::parse(R"({"Fn::FindInMap":["M","K","V"]})"));
  const auto& c = (*t)["Conditions"];
  EXPECT_EQ(c["IsProd"], json::parse(R"({"Fn::Equals":[{"Ref":"Env"},"prod"]})"));
  EXPECT_EQ(c["NotProd"], json::parse(R"({"Fn::Not":[{"Condition":"IsProd"}]})"));
  EXPECT_EQ(c["Both"]["Fn::And"][1]["Fn::Or"][1], json::parse(R"({"Condition":"NotProd"})"));
}

TEST(TemplateParser, LiteralBlockKeepsNewlines) {
  auto t = parse_template("Resources:\n  F:\n    Type: X::Y::Z\n    Properties:\n      Code: |\n        line1\n        line2\n");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ((*t)["Resources"]["F"]["Properties"]["Code"], "line1\nline2\n");
}

// Found by libFuzzer (cfn_template): a YAML template with a byte that is not UTF-8 parsed, and the
// analysis's dump() of a value then threw (json type_error 316) through every caller.
TEST(TemplateParser, BytesThatAreNotUtf8AreATemplateFormatError) {
  for (std::string body : {std::string("AWSTemplateFormatVersion: '2010-09-09'\nDescription: caf\xE9\nResources: {}\n"),
                           std::string("{\"Description\": \"caf\xE9\", \"Resources\": {}}")}) {
    auto model = parse_template(body);
    ASSERT_FALSE(model) << body;
    EXPECT_EQ(model.error().code, "ValidationError");
    EXPECT_NE(model.error().message.find("not valid UTF-8"), std::string::npos) << model.error().message;
  }
  auto fine = parse_template("Description: caf\xC3\xA9\nResources: {}\n");
  ASSERT_TRUE(fine) << fine.error().message;
  EXPECT_EQ((*fine)["Description"], "caf\xC3\xA9");
}

// libFuzzer (cfn_template, 2.6 million executions into a 10-million run): yaml-cpp decodes the
// YAML escapes \N and \_ to the bytes 0x85 and 0xA0, which are not UTF-8, and the analysis's
// dump() of AWSTemplateFormatVersion threw type_error 316 through the caller.
TEST(TemplateParser, YamlEscapesForNextLineAndNoBreakSpaceBecomeUtf8) {
  auto model = parse_template(
      "AWSTemplateFormatVersion: \"2010\\N09\"\n"
      "Description: \"a\\_b \\N \\x85 \\L\"\n"
      "? \"key\\_1\"\n: !Sub \"x\\Ny\"\n"
      "Resources: {}\n");
  ASSERT_TRUE(model) << model.error().message;
  EXPECT_EQ((*model)["AWSTemplateFormatVersion"], "2010\xC2\x85" "09");
  EXPECT_EQ((*model)["Description"], "a\xC2\xA0" "b \xC2\x85 \xC2\x85 \xE2\x80\xA8");
  EXPECT_EQ((*model)["key\xC2\xA0" "1"], (json{{"Fn::Sub", "x\xC2\x85y"}}));
  EXPECT_NO_THROW((void)model->dump());
}

// libFuzzer (cfn_template): a JSON number past a double's range threw out_of_range to the caller.
TEST(TemplateParser, ANumberBeyondADoubleIsATemplateFormatError) {
  auto model = parse_template(R"({"Resources": {}, "Outputs": {"N": {"Value": 4e334}}})");
  ASSERT_FALSE(model);
  EXPECT_EQ(model.error().code, "ValidationError");
  EXPECT_NE(model.error().message.find("Template format error"), std::string::npos) << model.error().message;
}

TEST(TemplateParser, BadJsonNamesTheLine) {
  auto t = parse_template("{\n  \"Resources\": {\n    \"B\": \n  }\n}");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "ValidationError");
  EXPECT_NE(t.error().message.find("Template format error: JSON not well-formed"), std::string::npos);
  EXPECT_NE(t.error().message.find("line 4"), std::string::npos) << t.error().message;
}

TEST(TemplateParser, BadYamlNamesTheLine) {
  auto t = parse_template("Resources:\n  B:\n    Type: [unclosed\n");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "ValidationError");
  EXPECT_NE(t.error().message.find("YAML not well-formed"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("line "), std::string::npos);
}

TEST(TemplateParser, RejectsUnknownTagsDuplicateKeysAndNonObjects) {
  auto unknown = parse_template("Resources:\n  B:\n    Type: !Frobnicate x\n");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("!Frobnicate"), std::string::npos);
  auto dup = parse_template("Resources:\n  B:\n    Type: a\n  B:\n    Type: b\n");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("duplicate key 'B'"), std::string::npos);
  EXPECT_FALSE(parse_template("- a\n- b\n"));
  EXPECT_FALSE(parse_template("   "));
  auto getatt = parse_template("Outputs:\n  O:\n    Value: !GetAtt NoDot\n");
  ASSERT_FALSE(getatt);
  EXPECT_NE(getatt.error().message.find("Resource.Attribute"), std::string::npos);
}

TEST(TemplateParser, DeepNestingIsAValidationError) {
  std::string deep_json = "{\"Resources\":";
  for (int i = 0; i < 5000; ++i) deep_json += "[";
  for (int i = 0; i < 5000; ++i) deep_json += "]";
  deep_json += "}";
  auto json_result = parse_template(deep_json);
  ASSERT_FALSE(json_result);
  EXPECT_EQ(json_result.error().code, "ValidationError");
  EXPECT_NE(json_result.error().message.find("nested deeper"), std::string::npos) << json_result.error().message;

  std::string deep_yaml = "Resources: ";
  for (int i = 0; i < 300; ++i) deep_yaml += "[";
  for (int i = 0; i < 300; ++i) deep_yaml += "]";
  auto yaml_result = parse_template(deep_yaml);
  ASSERT_FALSE(yaml_result);
  EXPECT_EQ(yaml_result.error().code, "ValidationError");

  std::string ok = "{\"Resources\":{\"A\":";
  for (int i = 0; i < 50; ++i) ok += "[";
  for (int i = 0; i < 50; ++i) ok += "]";
  EXPECT_TRUE(parse_template(ok + "}}"));
}

TEST(TemplateParser, YamlAliasCyclesAndBillionLaughsAreValidationErrors) {
  auto cycle = parse_template("Resources: &a\n  X: *a\n");
  ASSERT_FALSE(cycle);
  EXPECT_EQ(cycle.error().code, "ValidationError");
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string previous = "a";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string name(1, c);
    laughs += name + ": &" + name + " [";
    for (int i = 0; i < 10; ++i) laughs += (i ? ", *" : "*") + previous;
    laughs += "]\n";
    previous = name;
  }
  auto exploded = parse_template(laughs);  // 10^10 values if expanded
  ASSERT_FALSE(exploded);
  EXPECT_NE(exploded.error().message.find("too many values"), std::string::npos) << exploded.error().message;
  // Aliases within reason still work.
  auto shared = parse_template("Tags: &t [a, b]\nOther: *t\n");
  ASSERT_TRUE(shared) << shared.error().message;
  EXPECT_EQ((*shared)["Other"].size(), 2u);
}

}  // namespace
}  // namespace lcd::local::cloudformation
