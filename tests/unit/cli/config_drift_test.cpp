#include <gtest/gtest.h>

#include "cli/config_drift.hpp"

namespace lcd::cli {
namespace {

const char* k_template = R"(AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  FunctionName:
    Type: String
    Default: orders
  Memory:
    Type: Number
    Default: 256
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: orders-role
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: !Ref FunctionName
      Runtime: nodejs20.x
      Handler: src/index.handler
      MemorySize: !Ref Memory
      Timeout: 10
      Role: !GetAtt Role.Arn
      Environment:
        Variables:
          LOG_LEVEL: debug
  Other:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: other
      Runtime: python3.12
)";

TEST(ConfigDrift, ReadsTheNamedFunctionWithParametersAndSkipsComputedValues) {
  auto found = function_in_template(k_template, {}, "orders");
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_TRUE(*found);
  const FunctionView& v = **found;
  EXPECT_EQ(v.runtime, "nodejs20.x");
  EXPECT_EQ(v.handler, "src/index.handler");
  EXPECT_EQ(v.memory, 256);  // the parameter's Default
  EXPECT_EQ(v.timeout, 10);
  EXPECT_FALSE(v.role);  // !GetAtt: not known before the stack exists
  EXPECT_EQ(v.environment, (std::map<std::string, std::string>{{"LOG_LEVEL", "debug"}}));
  auto overridden = function_in_template(k_template, {{"Memory", "512"}, {"FunctionName", "renamed"}}, "renamed");
  ASSERT_TRUE(overridden && *overridden);
  EXPECT_EQ((*overridden)->memory, 512);  // [stack.parameters] win
  EXPECT_FALSE(*function_in_template(k_template, {}, "absent"));
  EXPECT_FALSE(function_in_template("Resources: [unclosed", {}, "orders"));
}

TEST(ConfigDrift, ReportsOnlyWhatTheSourcesThatSetItDisagreeOn) {
  pipeline::FunctionSettings toml;
  toml.name = "orders";
  toml.runtime = "nodejs20.x";
  toml.handler = "src/index.handler";
  toml.memory = 128;
  toml.timeout = 10;
  toml.role = "arn:aws:iam::000000000000:role/orders-role";
  clients::FunctionConfiguration deployed;
  deployed.runtime = "nodejs20.x";
  deployed.handler = "src/index.handler";
  deployed.memory_size = 256;
  deployed.timeout = 10;
  deployed.role = "arn:aws:iam::000000000000:role/orders-role";
  deployed.environment = {{"LOG_LEVEL", "debug"}};
  auto stack = function_in_template(k_template, {}, "orders");
  ASSERT_TRUE(stack && *stack);
  FunctionView function = view_of(deployed);
  auto lines = compare_function_views(view_of(toml), &function, &**stack);
  ASSERT_EQ(lines.size(), 1u) << describe(lines.back(), "template.yaml");
  EXPECT_EQ(describe(lines[0], "template.yaml"), "memory: lambda-cd.toml 128, function 256, template.yaml 256");
  // lambda-cd.toml sets no environment: the function and the template agree, so no drift there.
  toml.environment = std::map<std::string, std::string>{{"LOG_LEVEL", "info"}};
  lines = compare_function_views(view_of(toml), &function, &**stack);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(describe(lines[1], "template.yaml"),
            "environment: lambda-cd.toml {LOG_LEVEL=info}, function {LOG_LEVEL=debug}, template.yaml {LOG_LEVEL=debug}");
  // Without the function or the template, only what is known is compared.
  EXPECT_EQ(compare_function_views(view_of(toml), nullptr, nullptr).size(), 0u);
  auto no_function = compare_function_views(view_of(toml), nullptr, &**stack);
  ASSERT_EQ(no_function.size(), 2u);
  EXPECT_EQ(describe(no_function[0], "t.yaml"), "memory: lambda-cd.toml 128, t.yaml 256");
}

TEST(ConfigDrift, ARoleNameIsTheRoleItsArnNames) {
  pipeline::FunctionSettings toml;
  toml.role = "orders-role";
  clients::FunctionConfiguration deployed;
  deployed.role = "arn:aws:iam::123456789012:role/service/orders-role";
  // Only the role is looked at here (the other settings are left unset on one side).
  auto role_lines = [](const std::vector<DriftLine>& lines) {
    std::vector<DriftLine> out;
    for (const auto& l : lines)
      if (l.setting == "role") out.push_back(l);
    return out;
  };
  FunctionView function = view_of(deployed);
  EXPECT_TRUE(role_lines(compare_function_views(view_of(toml), &function, nullptr)).empty());
  deployed.role = "arn:aws:iam::123456789012:role/other-role";
  function = view_of(deployed);
  auto lines = role_lines(compare_function_views(view_of(toml), &function, nullptr));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(describe(lines[0], "t.yaml"), "role: lambda-cd.toml orders-role, function arn:aws:iam::123456789012:role/other-role");
  // Two ARNs are compared whole: the same name in another account is another role.
  toml.role = "arn:aws:iam::000000000000:role/orders-role";
  deployed.role = "arn:aws:iam::123456789012:role/orders-role";
  function = view_of(deployed);
  EXPECT_EQ(role_lines(compare_function_views(view_of(toml), &function, nullptr)).size(), 1u);
}

}  // namespace
}  // namespace lcd::cli
