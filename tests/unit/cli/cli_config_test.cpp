#include <gtest/gtest.h>

#include <map>

#include "cli/cli_config.hpp"
#include "util/file_io.hpp"

using namespace lcd;
using namespace lcd::cli;

namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

const char* k_toml = R"(
[function]
name = "greeting"
handler = "src/index.handler"
memory = 256
timeout = 10
[function.environment]
LOG_LEVEL = "info"
RETRIES = 3
[package]
include = ["src/**", "package.json"]
exclude = "test/**"
[test]
unit = "npm test"
integration = "npm run itest"
unit_junit = "reports/unit.xml"
[aliases]
stage = "beta"
[target]
kind = "local"
region = "eu-west-1"
)";

}  // namespace

TEST(CliConfig, ReadsEveryTable) {
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "lambda-cd.toml", k_toml));
  auto c = load_cli_config(GlobalOptions{}, env_of({}), dir.path(), true);
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->project.function.name, "greeting");
  EXPECT_EQ(c->project.function.handler, "src/index.handler");
  EXPECT_EQ(c->project.function.runtime, "nodejs20.x");  // default
  EXPECT_EQ(c->project.function.memory, 256);
  EXPECT_EQ(c->project.function.environment->at("RETRIES"), "3");
  EXPECT_EQ(c->project.package.include.size(), 2u);
  EXPECT_EQ(c->project.package.exclude, std::vector<std::string>{"test/**"});
  EXPECT_EQ(c->project.tests.unit_junit, "reports/unit.xml");
  EXPECT_EQ(c->project.aliases.stage, "beta");
  EXPECT_EQ(c->project.aliases.prod, "PROD");
  EXPECT_TRUE(c->local);
  EXPECT_EQ(c->region, "eu-west-1");
  EXPECT_EQ(c->endpoint_url, "http://127.0.0.1:4566");
  EXPECT_FALSE(c->endpoint_from_user);
  EXPECT_EQ(c->project.root, dir.path());
  EXPECT_EQ(c->local_state_dir, dir.path() / ".lambda-cd" / "local");
  EXPECT_EQ(c->project.function.role, "lambda-cd-local");  // local: a role name, made an ARN in the caller's account
}

TEST(CliConfig, ATwelveDigitAccessKeyNamesTheLocalAccount) {
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "lambda-cd.toml", k_toml));
  auto account = load_cli_config(GlobalOptions{}, env_of({{"AWS_ACCESS_KEY_ID", "123456789012"}}), dir.path(), true);
  ASSERT_TRUE(account);
  EXPECT_EQ(account->project.target.local_access_key_id, "123456789012");
  // Any other key (a real one, say) is never sent to the local endpoint.
  auto other = load_cli_config(GlobalOptions{}, env_of({{"AWS_ACCESS_KEY_ID", "AKIAREALKEY000000000"}}), dir.path(), true);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->project.target.local_access_key_id, "test");
}

TEST(CliConfig, RoleIsAnArnOrARoleName) {
  CliConfig c;
  ASSERT_TRUE(apply_toml("[function]\nrole = \"greeting-role\"\n", "lambda-cd.toml", c));
  EXPECT_EQ(c.project.function.role, "greeting-role");
  ASSERT_TRUE(apply_toml("[function]\nrole = \"arn:aws:iam::123456789012:role/r\"\n", "lambda-cd.toml", c));
  EXPECT_EQ(c.project.function.role, "arn:aws:iam::123456789012:role/r");
  auto bad = apply_toml("[function]\nname = \"f\"\nrole = \"greeting role\"\n", "lambda-cd.toml", c);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, pipeline::k_config_error);
  EXPECT_EQ(bad.error().message.rfind("lambda-cd.toml:3: [function] role 'greeting role' has ' '", 0), 0u)
      << bad.error().message;
}

TEST(CliConfig, FindsTheFileInAParentDirectory) {
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "lambda-cd.toml", k_toml));
  ASSERT_TRUE(ensure_directory(dir.path() / "src" / "deep"));
  auto c = load_cli_config(GlobalOptions{}, env_of({}), dir.path() / "src" / "deep", true);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->project.root, dir.path());
}

TEST(CliConfig, FlagBeatsEnvironmentBeatsFile) {
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "lambda-cd.toml", k_toml));
  auto from_env = load_cli_config(GlobalOptions{}, env_of({{"AWS_REGION", "ap-south-1"},
                                                           {"AWS_ENDPOINT_URL", "http://127.0.0.1:9999"},
                                                           {"LAMBDA_CD_TARGET", "aws"}}),
                                  dir.path(), true);
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->region, "ap-south-1");
  EXPECT_EQ(from_env->endpoint_url, "http://127.0.0.1:9999");
  EXPECT_TRUE(from_env->endpoint_from_user);
  EXPECT_FALSE(from_env->local);

  GlobalOptions flags;
  flags.region = "us-west-2";
  flags.target = "local";
  flags.endpoint_url = "http://127.0.0.1:1234";
  auto from_flags = load_cli_config(flags, env_of({{"AWS_REGION", "ap-south-1"}, {"LAMBDA_CD_TARGET", "aws"}}),
                                    dir.path(), true);
  ASSERT_TRUE(from_flags);
  EXPECT_EQ(from_flags->region, "us-west-2");
  EXPECT_TRUE(from_flags->local);
  EXPECT_EQ(from_flags->endpoint_url, "http://127.0.0.1:1234");
  EXPECT_EQ(from_flags->project.target.endpoint_url, "http://127.0.0.1:1234");
}

TEST(CliConfig, AwsConfigFileGivesRegionBelowEverythingElse) {
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "lambda-cd.toml", "[function]\nname = \"f\"\n[target]\nkind = \"aws\"\n"));
  ASSERT_TRUE(write_file_atomic(dir.path() / "aws-config",
                                "[default]\nregion = eu-central-1\n[profile ci]\nregion = sa-east-1\n"));
  const std::string cfg = (dir.path() / "aws-config").string();
  auto d = load_cli_config(GlobalOptions{}, env_of({{"AWS_CONFIG_FILE", cfg}}), dir.path(), true);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->region, "eu-central-1");
  EXPECT_TRUE(d->endpoint_url.empty());
  auto ci = load_cli_config(GlobalOptions{}, env_of({{"AWS_CONFIG_FILE", cfg}, {"AWS_PROFILE", "ci"}}), dir.path(),
                            true);
  ASSERT_TRUE(ci);
  EXPECT_EQ(ci->region, "sa-east-1");
  EXPECT_EQ(ci->profile, "ci");
  EXPECT_TRUE(ci->profile_from_aws_env);  // src/aws reads AWS_PROFILE as the SDKs do
  GlobalOptions named;
  named.profile = "ci";
  auto flagged = load_cli_config(named, env_of({{"AWS_CONFIG_FILE", cfg}, {"AWS_PROFILE", "other"}}), dir.path(), true);
  ASSERT_TRUE(flagged);
  EXPECT_EQ(flagged->profile, "ci");
  EXPECT_FALSE(flagged->profile_from_aws_env);
  auto none = load_cli_config(GlobalOptions{}, env_of({}), dir.path(), true);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->region, "us-east-1");
}

TEST(CliConfig, ErrorsNameTheFileLineAndKey) {
  CliConfig c;
  auto typo = apply_toml("[function]\nname = \"f\"\nmemroy = 5\n", "lambda-cd.toml", c);
  ASSERT_FALSE(typo);
  EXPECT_EQ(typo.error().message, "lambda-cd.toml:3: unknown key 'memroy' in [function]");
  EXPECT_EQ(typo.error().code, pipeline::k_config_error);

  auto range = apply_toml("[function]\ntimeout = 3000\n", "x.toml", c);
  ASSERT_FALSE(range);
  EXPECT_NE(range.error().message.find("timeout = 3000 is outside 1..900"), std::string::npos);

  auto syntax = apply_toml("[function\n", "x.toml", c);
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().message.rfind("x.toml:1:", 0), 0u) << syntax.error().message;

  auto kind = apply_toml("[target]\nkind = \"cloud\"\n", "x.toml", c);
  ASSERT_FALSE(kind);
  auto type = apply_toml("[function]\nname = 5\n", "x.toml", c);
  ASSERT_FALSE(type);
  EXPECT_NE(type.error().message.find("must be a string"), std::string::npos);
}

TEST(CliConfig, MissingFileIsAnErrorOnlyWhenRequired) {
  TempDir dir;
  auto required = load_cli_config(GlobalOptions{}, env_of({}), dir.path(), true);
  ASSERT_FALSE(required);
  EXPECT_NE(required.error().message.find("no lambda-cd.toml"), std::string::npos);
  auto optional = load_cli_config(GlobalOptions{}, env_of({{"LAMBDA_CD_FUNCTION_NAME", "f"}}), dir.path(), false);
  ASSERT_TRUE(optional);
  EXPECT_EQ(optional->project.function.name, "f");
  GlobalOptions named;
  named.config_path = "nope.toml";
  auto missing = load_cli_config(named, env_of({}), dir.path(), false);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos);
}

TEST(CliConfig, BackupAndStackTables) {
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "lambda-cd.toml", R"(
[function]
name = "greeting"
[backup]
bucket = "greeting-builds"
[stack]
name = "greeting-stack-prod"
template = "infra/template.json"
capabilities = ["CAPABILITY_NAMED_IAM"]
[stack.parameters]
Stage = "prod"
Memory = 256
Debug = false
)"));
  auto c = load_cli_config(GlobalOptions{}, env_of({}), dir.path(), true);
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->backup_bucket, "greeting-builds");
  EXPECT_EQ(c->stack.name, "greeting-stack-prod");
  EXPECT_EQ(c->stack.template_path, "infra/template.json");
  EXPECT_EQ(c->stack.capabilities, std::vector<std::string>{"CAPABILITY_NAMED_IAM"});
  EXPECT_EQ(c->stack.parameters, (std::map<std::string, std::string>{
                                     {"Stage", "prod"}, {"Memory", "256"}, {"Debug", "false"}}));

  // The environment names the bucket over the file.
  auto env = load_cli_config(GlobalOptions{}, env_of({{"LAMBDA_CD_BACKUP_BUCKET", "other-bucket"}}), dir.path(), true);
  ASSERT_TRUE(env);
  EXPECT_EQ(env->backup_bucket, "other-bucket");
  auto bad_env = load_cli_config(GlobalOptions{}, env_of({{"LAMBDA_CD_BACKUP_BUCKET", "s3://x"}}), dir.path(), true);
  ASSERT_FALSE(bad_env);
  EXPECT_EQ(bad_env.error().code, pipeline::k_config_error);
}

TEST(CliConfig, StackAndBackupDefaults) {
  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "lambda-cd.toml", "[function]\nname = \"greeting\"\n"));
  auto c = load_cli_config(GlobalOptions{}, env_of({}), dir.path(), true);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->backup_bucket, "");
  EXPECT_EQ(c->stack.name, "greeting-stack");
  EXPECT_EQ(c->stack.template_path, "template.yaml");
  EXPECT_TRUE(c->stack.parameters.empty());
  EXPECT_TRUE(c->stack.capabilities.empty());
  // The function name from the environment names the default stack too.
  auto env = load_cli_config(GlobalOptions{}, env_of({{"LAMBDA_CD_FUNCTION_NAME", "other"}}), dir.path(), true);
  ASSERT_TRUE(env);
  EXPECT_EQ(env->stack.name, "other-stack");
}

TEST(CliConfig, BackupAndStackErrorsNameTheFileLineAndKey) {
  CliConfig c;
  auto unknown = apply_toml("[backup]\nbucket = \"b-1\"\nbukket = \"x\"\n", "lambda-cd.toml", c);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "lambda-cd.toml:3: unknown key 'bukket' in [backup]");
  EXPECT_EQ(unknown.error().code, pipeline::k_config_error);

  auto type = apply_toml("[backup]\nbucket = 5\n", "lambda-cd.toml", c);
  ASSERT_FALSE(type);
  EXPECT_EQ(type.error().message, "lambda-cd.toml:2: [backup] bucket must be a string");

  auto name = apply_toml("[backup]\nbucket = \"my bucket\"\n", "lambda-cd.toml", c);
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().message,
            "lambda-cd.toml:2: [backup] bucket 'my bucket' may hold only letters, digits, '.', '-' and '_'");
  auto short_name = apply_toml("[backup]\nbucket = \"ab\"\n", "x.toml", c);
  ASSERT_FALSE(short_name);
  EXPECT_NE(short_name.error().message.find("3 to 63 characters"), std::string::npos);

  auto not_table = apply_toml("backup = \"b\"\n", "x.toml", c);
  ASSERT_FALSE(not_table);
  EXPECT_EQ(not_table.error().message, "x.toml:1: 'backup' must be a table");

  auto stack_key = apply_toml("[stack]\nname = \"s\"\ntemplates = \"t.yaml\"\n", "x.toml", c);
  ASSERT_FALSE(stack_key);
  EXPECT_EQ(stack_key.error().message, "x.toml:3: unknown key 'templates' in [stack]");

  auto stack_type = apply_toml("[stack]\ntemplate = [\"a\"]\n", "x.toml", c);
  ASSERT_FALSE(stack_type);
  EXPECT_EQ(stack_type.error().message, "x.toml:2: [stack] template must be a string");

  auto caps = apply_toml("[stack]\ncapabilities = \"CAPABILITY_IAM\"\n", "x.toml", c);
  ASSERT_FALSE(caps);
  EXPECT_EQ(caps.error().message, "x.toml:2: [stack] capabilities must be a list of strings");
  auto caps_items = apply_toml("[stack]\ncapabilities = [1]\n", "x.toml", c);
  ASSERT_FALSE(caps_items);
  EXPECT_EQ(caps_items.error().message, "x.toml:2: [stack] capabilities must hold strings");

  auto params = apply_toml("[stack]\nparameters = 3\n", "x.toml", c);
  ASSERT_FALSE(params);
  EXPECT_EQ(params.error().message, "x.toml:2: [stack.parameters] must be a table");
  auto param_value = apply_toml("[stack.parameters]\nSubnets = [\"a\", \"b\"]\n", "x.toml", c);
  ASSERT_FALSE(param_value);
  EXPECT_EQ(param_value.error().message, "x.toml:2: [stack.parameters] Subnets must be a string, number or boolean");
}

TEST(CliConfig, RetryBudgetFromFileEnvironmentAndFlag) {
  using std::chrono::milliseconds;
  CliConfig defaults;
  EXPECT_EQ(defaults.retry_budget, milliseconds(180000));

  TempDir dir;
  ASSERT_TRUE(write_file_atomic(dir.path() / "lambda-cd.toml", "[function]\nname = \"f\"\n[retry]\nbudget = \"90s\"\n"));
  auto from_file = load_cli_config(GlobalOptions{}, env_of({}), dir.path(), true);
  ASSERT_TRUE(from_file) << from_file.error().message;
  EXPECT_EQ(from_file->retry_budget, milliseconds(90000));

  auto from_env = load_cli_config(GlobalOptions{}, env_of({{"LAMBDA_CD_RETRY_BUDGET", "5m"}}), dir.path(), true);
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->retry_budget, milliseconds(300000));

  GlobalOptions flags;
  flags.retry_budget = "0";
  auto from_flag = load_cli_config(flags, env_of({{"LAMBDA_CD_RETRY_BUDGET", "5m"}}), dir.path(), true);
  ASSERT_TRUE(from_flag);
  EXPECT_EQ(from_flag->retry_budget, milliseconds(0));

  flags.retry_budget = "soon";
  auto bad_flag = load_cli_config(flags, env_of({}), dir.path(), true);
  ASSERT_FALSE(bad_flag);
  EXPECT_NE(bad_flag.error().message.find("--retry-budget 'soon' is not a duration"), std::string::npos);

  CliConfig c;
  auto bad = apply_toml("[retry]\nbudget = true\n", "x.toml", c);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("x.toml:2:", 0), 0u) << bad.error().message;
  EXPECT_NE(bad.error().message.find("[retry] budget must be a duration"), std::string::npos);
  auto typo = apply_toml("[retry]\nbudjet = \"1m\"\n", "x.toml", c);
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("unknown key 'budjet' in [retry]"), std::string::npos);
}
