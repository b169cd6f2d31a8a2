#include <gtest/gtest.h>

#include <map>

#include "cli/cli_config.hpp"
#include "cli/project_template.hpp"

namespace lcd::cli {
namespace {

std::map<std::string, std::string> by_path(const std::vector<GeneratedFile>& files) {
  std::map<std::string, std::string> out;
  for (const auto& f : files) out[f.path] = f.content;
  return out;
}

TEST(ProjectTemplate, WritesEveryFileAndTheConfigurationParsesAndAgreesWithTheTemplate) {
  auto files = new_project_files({"Orders_API", "nodejs22.x"});
  ASSERT_TRUE(files) << files.error().message;
  auto f = by_path(*files);
  for (const char* path : {"lambda-cd.toml", "template.yaml", "src/index.js", "test/unit/index.test.js",
                           "test/integration/invoke.test.js", "package.json", "package-lock.json", ".gitignore"}) {
    EXPECT_TRUE(f.count(path)) << path;
  }
  CliConfig config;
  auto applied = apply_toml(f["lambda-cd.toml"], "lambda-cd.toml", config);
  ASSERT_TRUE(applied) << applied.error().message;
  EXPECT_EQ(config.project.function.name, "Orders_API");
  EXPECT_EQ(config.project.function.runtime, "nodejs22.x");
  EXPECT_EQ(config.project.function.role, "arn:aws:iam::000000000000:role/Orders_API-role");
  EXPECT_FALSE(config.project.tests.install.empty());
  EXPECT_EQ(config.project.tests.unit_junit, "reports/unit-tests.xml");
  EXPECT_EQ(config.stack.template_path, "template.yaml");
  // What lambda-cd.toml says the function is, the template says too (no drift on first deploy).
  const std::string& tmpl = f["template.yaml"];
  EXPECT_NE(tmpl.find("Runtime: nodejs22.x"), std::string::npos);
  EXPECT_NE(tmpl.find("Handler: " + config.project.function.handler), std::string::npos);
  EXPECT_NE(tmpl.find("MemorySize: " + std::to_string(*config.project.function.memory)), std::string::npos);
  EXPECT_NE(tmpl.find("Timeout: " + std::to_string(*config.project.function.timeout)), std::string::npos);
  EXPECT_NE(tmpl.find("Default: Orders_API-role"), std::string::npos);
  // npm wants lowercase package names; the lockfile matches package.json.
  EXPECT_NE(f["package.json"].find("\"name\": \"orders_api\""), std::string::npos);
  EXPECT_NE(f["package-lock.json"].find("\"name\": \"orders_api\""), std::string::npos);
  EXPECT_NE(f["src/index.js"].find("invokedFunctionArn"), std::string::npos);
  EXPECT_NE(f[".gitignore"].find("node_modules/"), std::string::npos);
}

TEST(ProjectTemplate, RefusesNamesAndRuntimesLambdaWouldNot) {
  EXPECT_FALSE(new_project_files({"", "nodejs20.x"}));
  EXPECT_FALSE(new_project_files({"has space", "nodejs20.x"}));
  EXPECT_FALSE(new_project_files({std::string(60, 'a'), "nodejs20.x"}));
  EXPECT_TRUE(new_project_files({std::string(59, 'a'), "nodejs20.x"}));
  auto python = new_project_files({"fn", "python3.12"});
  ASSERT_FALSE(python);
  EXPECT_NE(python.error().message.find("not a Node.js runtime"), std::string::npos);
  EXPECT_FALSE(new_project_files({"fn", "nodejs.x"}));
  EXPECT_FALSE(new_project_files({"fn", "nodejsXX.x"}));
  EXPECT_TRUE(new_project_files({"fn", "nodejs18.x"}));
}

TEST(ProjectTemplate, FunctionNameFromAFolder) {
  EXPECT_EQ(function_name_from("my app.v2"), "my-app-v2");
  EXPECT_EQ(function_name_from("..."), "");
  EXPECT_EQ(function_name_from(std::string(80, 'x')).size(), 64u);
}

}  // namespace
}  // namespace lcd::cli
