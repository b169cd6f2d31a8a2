#include "local/cloudformation/intrinsics.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

class Intrinsics : public ::testing::Test {
 protected:
  Intrinsics() {
    ctx.identity = {"eu-west-1", "123456789012", "mystack", "arn:aws:cloudformation:eu-west-1:123456789012:stack/mystack/u"};
    ctx.parameters["Env"] = "prod";
    ctx.parameters["Subnets"] = json::array({"s1", "s2"});
    ctx.resources["Role"] = {"mystack-Role-ABC", {{"Arn", "arn:aws:iam::123456789012:role/mystack-Role-ABC"}}};
    ctx.conditions["IsProd"] = true;
    mappings = json::parse(R"({"M":{"prod":{"Size":"256"}}})");
    ctx.mappings = &mappings;
  }
  json eval(const std::string& text) {
    auto r = evaluate(json::parse(text), ctx);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : json();
  }
  std::string error(const std::string& text) {
    auto r = evaluate(json::parse(text), ctx);
    EXPECT_FALSE(r);
    return r ? "" : r.error().message;
  }
  EvalContext ctx;
  json mappings;
};

TEST_F(Intrinsics, RefParametersPseudoAndResources) {
  EXPECT_EQ(eval(R"({"Ref":"Env"})"), "prod");
  EXPECT_EQ(eval(R"({"Ref":"Role"})"), "mystack-Role-ABC");
  EXPECT_EQ(eval(R"({"Ref":"AWS::Region"})"), "eu-west-1");
  EXPECT_EQ(eval(R"({"Ref":"AWS::AccountId"})"), "123456789012");
  EXPECT_EQ(eval(R"({"Ref":"AWS::StackName"})"), "mystack");
  EXPECT_EQ(eval(R"({"Ref":"AWS::Partition"})"), "aws");
  EXPECT_EQ(eval(R"({"Ref":"AWS::URLSuffix"})"), "amazonaws.com");
  EXPECT_NE(error(R"({"Ref":"Nope"})").find("Unresolved resource dependencies [Nope]"), std::string::npos);
}

TEST_F(Intrinsics, GetAttBothForms) {
  EXPECT_EQ(eval(R"({"Fn::GetAtt":["Role","Arn"]})"), "arn:aws:iam::123456789012:role/mystack-Role-ABC");
  EXPECT_EQ(eval(R"({"Fn::GetAtt":"Role.Arn"})"), "arn:aws:iam::123456789012:role/mystack-Role-ABC");
  EXPECT_NE(error(R"({"Fn::GetAtt":["Role","Nope"]})").find("has no attribute Nope"), std::string::npos);
  EXPECT_NE(error(R"({"Fn::GetAtt":["Ghost","Arn"]})").find("undefined resource Ghost"), std::string::npos);
}

TEST_F(Intrinsics, JoinBuildsInlineCode) {
  EXPECT_EQ(eval(R"({"Fn::Join":["\n",["exports.handler = async () => {","  return 'hi';","};"]]})"),
            "exports.handler = async () => {\n  return 'hi';\n};");
  EXPECT_EQ(eval(R"({"Fn::Join":[",",{"Ref":"Subnets"}]})"), "s1,s2");
  EXPECT_EQ(eval(R"({"Fn::Join":["-",["a",1,true]]})"), "a-1-true");
}

TEST_F(Intrinsics, SubBothFormsAndEscapes) {
  EXPECT_EQ(eval(R"({"Fn::Sub":"${AWS::StackName}-${Env}-${AWS::Region}"})"), "mystack-prod-eu-west-1");
  EXPECT_EQ(eval(R"({"Fn::Sub":"role=${Role.Arn}"})"), "role=arn:aws:iam::123456789012:role/mystack-Role-ABC");
  EXPECT_EQ(eval(R"({"Fn::Sub":["${A}/${Env}",{"A":{"Ref":"AWS::AccountId"}}]})"), "123456789012/prod");
  EXPECT_EQ(eval(R"({"Fn::Sub":"${!Literal} $5 {x}"})"), "${Literal} $5 {x}");
  EXPECT_FALSE(evaluate(json::parse(R"({"Fn::Sub":"${Unclosed"})"), ctx));
}

TEST_F(Intrinsics, SelectSplitBase64AndFindInMap) {
  EXPECT_EQ(eval(R"({"Fn::Select":["1",{"Fn::Split":[",","a,b,c"]}]})"), "b");
  EXPECT_EQ(eval(R"({"Fn::Select":[0,{"Fn::GetAZs":""}]})"), "eu-west-1a");
  EXPECT_NE(error(R"({"Fn::Select":[5,["a"]]})").find("index 5"), std::string::npos);
  EXPECT_EQ(eval(R"({"Fn::Base64":"hello"})"), "aGVsbG8=");
  EXPECT_EQ(eval(R"({"Fn::FindInMap":["M",{"Ref":"Env"},"Size"]})"), "256");
  EXPECT_FALSE(evaluate(json::parse(R"({"Fn::FindInMap":["M","dev","Size"]})"), ctx));
}

TEST_F(Intrinsics, ConditionsAndNoValue) {
  EXPECT_EQ(eval(R"({"Fn::If":["IsProd","big","small"]})"), "big");
  EXPECT_EQ(eval(R"({"A":{"Fn::If":["IsProd",{"Ref":"AWS::NoValue"},"x"]},"B":1})"), json::parse(R"({"B":1})"));
  EXPECT_EQ(eval(R"(["a",{"Ref":"AWS::NoValue"},"b"])"), json::parse(R"(["a","b"])"));
  EXPECT_EQ(eval(R"({"Fn::Equals":[{"Ref":"Env"},"prod"]})"), true);
  EXPECT_EQ(eval(R"({"Fn::Not":[{"Fn::Equals":["a","b"]}]})"), true);
  EXPECT_EQ(eval(R"({"Fn::And":[{"Condition":"IsProd"},{"Fn::Equals":["1",1]}]})"), true);
  EXPECT_EQ(eval(R"({"Fn::Or":[{"Fn::Equals":["a","b"]},{"Fn::Equals":["a","c"]}]})"), false);
}

TEST_F(Intrinsics, UnknownFunctionIsAnError) {
  EXPECT_NE(error(R"({"Fn::Frobnicate":["x"]})").find("Fn::Frobnicate"), std::string::npos);
}

TEST(Conditions, EvaluatedInDependencyOrderAndCyclesRejected) {
  EvalContext ctx;
  ctx.parameters["Env"] = "dev";
  auto conditions = json::parse(R"({
    "Both": {"Fn::And": [{"Condition": "IsDev"}, {"Condition": "NotProd"}]},
    "IsDev": {"Fn::Equals": [{"Ref": "Env"}, "dev"]},
    "NotProd": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Env"}, "prod"]}]}
  })");
  auto r = evaluate_conditions(conditions, ctx);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->at("Both"));
  EXPECT_TRUE(r->at("IsDev"));
  auto cyclic = evaluate_conditions(json::parse(R"({"A":{"Condition":"B"},"B":{"Fn::Not":[{"Condition":"A"}]}})"), ctx);
  ASSERT_FALSE(cyclic);
  EXPECT_NE(cyclic.error().message.find("Circular condition"), std::string::npos);
}

TEST(SubParser, SplitsLiteralsAndVariables) {
  auto parts = parse_sub("arn:${AWS::Partition}:x:${ Res.Arn }${!Keep}");
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 5u);
  EXPECT_FALSE((*parts)[0].is_variable);
  EXPECT_TRUE((*parts)[1].is_variable);
  EXPECT_EQ((*parts)[1].text, "AWS::Partition");
  EXPECT_FALSE((*parts)[2].is_variable);
  EXPECT_EQ((*parts)[3].text, "Res.Arn");
  EXPECT_FALSE((*parts)[4].is_variable);
  EXPECT_EQ((*parts)[4].text, "${Keep}");
}

}  // namespace
}  // namespace lcd::local::cloudformation
