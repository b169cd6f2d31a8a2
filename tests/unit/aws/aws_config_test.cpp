#include <gtest/gtest.h>

#include <map>

#include "aws/aws_config.hpp"

namespace lcd::aws {
namespace {

struct FakeEnvironment {
  std::map<std::string, std::string> vars{{"HOME", "/home/u"}};
  std::map<std::string, std::string> files;

  EnvLookup env() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = vars.find(name);
      if (it == vars.end()) return std::nullopt;
      return it->second;
    };
  }
  FileLookup file_lookup() const {
    return [this](const std::string& path) -> Result<std::optional<std::string>> {
      auto it = files.find(path);
      if (it == files.end()) return std::optional<std::string>();
      return std::optional<std::string>(it->second);
    };
  }
  Result<AwsConfig> resolve(const AwsConfigOptions& options = {}) const {
    return resolve_aws_config(options, env(), file_lookup());
  }
};

TEST(ResolveAwsConfig, MissingCredentialsNamesEverythingLookedAt) {
  FakeEnvironment fake;
  auto config = fake.resolve();
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ErrorKind::auth);
  const std::string& m = config.error().message;
  EXPECT_NE(m.find("AWS_ACCESS_KEY_ID"), std::string::npos) << m;
  EXPECT_NE(m.find("profile 'default'"), std::string::npos) << m;
  EXPECT_NE(m.find("/home/u/.aws/credentials (missing)"), std::string::npos) << m;
  EXPECT_NE(m.find("/home/u/.aws/config (missing)"), std::string::npos) << m;
}

TEST(ResolveAwsConfig, EnvironmentCredentialsAndRegion) {
  FakeEnvironment fake;
  fake.vars["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  fake.vars["AWS_SESSION_TOKEN"] = "envtoken";
  fake.vars["AWS_DEFAULT_REGION"] = "eu-central-1";
  auto config = fake.resolve();
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "AKIDENV");
  EXPECT_EQ(config->credentials.session_token, "envtoken");
  EXPECT_EQ(config->credentials_source, "environment");
  EXPECT_EQ(config->region, "eu-central-1");
  fake.vars["AWS_REGION"] = "ap-south-1";  // AWS_REGION beats AWS_DEFAULT_REGION
  EXPECT_EQ(fake.resolve()->region, "ap-south-1");
}

TEST(ResolveAwsConfig, HalfSetEnvironmentKeysIsAnError) {
  FakeEnvironment fake;
  fake.vars["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  auto config = fake.resolve();
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST(ResolveAwsConfig, ExplicitOptionsWinOverEnvironment) {
  FakeEnvironment fake;
  fake.vars["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  fake.vars["AWS_REGION"] = "us-west-2";
  AwsConfigOptions options;
  options.access_key_id = "AKIDX";
  options.secret_access_key = "xsecret";
  options.region = "eu-west-3";
  auto config = fake.resolve(options);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "AKIDX");
  EXPECT_EQ(config->region, "eu-west-3");
}

TEST(ResolveAwsConfig, ProfileFromFilesWithCustomPaths) {
  FakeEnvironment fake;
  fake.vars["AWS_PROFILE"] = "dev";
  fake.vars["AWS_SHARED_CREDENTIALS_FILE"] = "/etc/creds";
  fake.vars["AWS_CONFIG_FILE"] = "/etc/conf";
  fake.files["/etc/creds"] = "[default]\naws_access_key_id=AKIDDEF\naws_secret_access_key=s\n"
                             "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = devsecret\n";
  fake.files["/etc/conf"] = "[default]\nregion=us-east-1\n[profile dev]\nregion = eu-north-1\n";
  auto config = fake.resolve();
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "AKIDDEV");
  EXPECT_EQ(config->region, "eu-north-1");
  EXPECT_EQ(config->credentials_source, "profile dev in /etc/creds");
}

TEST(ResolveAwsConfig, ExplicitProfileBeatsEnvironmentKeys) {
  FakeEnvironment fake;
  fake.vars["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  fake.files["/home/u/.aws/config"] =
      "[profile ci]\naws_access_key_id=AKIDCI\naws_secret_access_key=cisecret\nregion=ca-central-1\n";
  AwsConfigOptions options;
  options.profile = "ci";
  auto config = fake.resolve(options);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "AKIDCI");
  EXPECT_EQ(config->credentials_source, "profile ci in /home/u/.aws/config");
}

TEST(ResolveAwsConfig, NamedProfileNotFound) {
  FakeEnvironment fake;
  fake.files["/home/u/.aws/credentials"] = "[default]\naws_access_key_id=A\naws_secret_access_key=B\n";
  AwsConfigOptions options;
  options.profile = "nope";
  auto config = fake.resolve(options);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ErrorKind::invalid);
  EXPECT_NE(config.error().message.find("profile 'nope'"), std::string::npos);
  EXPECT_NE(config.error().message.find("--profile"), std::string::npos);
  fake.vars["AWS_PROFILE"] = "also-missing";
  auto from_env = fake.resolve();
  ASSERT_FALSE(from_env);
  EXPECT_NE(from_env.error().message.find("AWS_PROFILE"), std::string::npos);
}

TEST(ResolveAwsConfig, MissingRegionIsClear) {
  FakeEnvironment fake;
  fake.vars["AWS_ACCESS_KEY_ID"] = "A";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "B";
  auto config = fake.resolve();
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("AWS_REGION"), std::string::npos);
}

TEST(ResolveAwsConfig, MalformedFileIsReported) {
  FakeEnvironment fake;
  fake.files["/home/u/.aws/credentials"] = "garbage line\n";
  auto config = fake.resolve();
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("/home/u/.aws/credentials:1"), std::string::npos);
}

FakeEnvironment with_keys() {
  FakeEnvironment fake;
  fake.vars["AWS_ACCESS_KEY_ID"] = "A";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "B";
  fake.vars["AWS_REGION"] = "us-east-1";
  return fake;
}

TEST(EndpointFor, DefaultIsRegionalAmazonaws) {
  FakeEnvironment fake = with_keys();
  auto config = fake.resolve();
  ASSERT_TRUE(config);
  auto endpoint = config->endpoint_for("lambda");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->url(), "https://lambda.us-east-1.amazonaws.com");
  EXPECT_EQ(endpoint->host_header(), "lambda.us-east-1.amazonaws.com");
}

TEST(EndpointFor, PrecedenceExplicitThenServiceEnvThenGlobalEnvThenProfile) {
  FakeEnvironment fake = with_keys();
  fake.files["/home/u/.aws/config"] = "[default]\nendpoint_url = http://profile:1\n";
  auto check = [&](const AwsConfigOptions& options, const std::string& service, const std::string& expected) {
    auto config = fake.resolve(options);
    ASSERT_TRUE(config) << config.error().message;
    auto endpoint = config->endpoint_for(service);
    ASSERT_TRUE(endpoint) << endpoint.error().message;
    EXPECT_EQ(endpoint->url(), expected) << service;
  };
  check({}, "lambda", "http://profile:1");
  fake.vars["AWS_ENDPOINT_URL"] = "http://global:2";
  check({}, "lambda", "http://global:2");
  fake.vars["AWS_ENDPOINT_URL_LAMBDA"] = "http://127.0.0.1:4566";
  fake.vars["AWS_ENDPOINT_URL_CLOUDFORMATION"] = "http://cfn:3";
  check({}, "lambda", "http://127.0.0.1:4566");
  check({}, "cloudformation", "http://cfn:3");
  check({}, "s3", "http://global:2");
  AwsConfigOptions all;
  all.endpoint_url = "http://flag:4";
  check(all, "lambda", "http://flag:4");
  all.service_endpoints["s3"] = "http://s3flag:5";
  check(all, "s3", "http://s3flag:5");
  fake.vars["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  check({}, "lambda", "https://lambda.us-east-1.amazonaws.com");
}

TEST(ParseEndpointUrl, HostPortPathAndErrors) {
  auto a = parse_endpoint_url("http://127.0.0.1:4566/");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host_header(), "127.0.0.1:4566");
  EXPECT_EQ(a->base_path, "");
  auto b = parse_endpoint_url("https://example.com:443/prefix/");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host_header(), "example.com");
  EXPECT_EQ(b->base_path, "/prefix");
  auto c = parse_endpoint_url("http://[::1]:9000");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->host_header(), "[::1]:9000");
  EXPECT_FALSE(parse_endpoint_url("localhost:4566"));
  EXPECT_FALSE(parse_endpoint_url("ftp://x"));
  EXPECT_FALSE(parse_endpoint_url("http://x:99999"));
  EXPECT_FALSE(parse_endpoint_url("http://:80"));
  EXPECT_EQ(endpoint_env_var("cloudformation"), "AWS_ENDPOINT_URL_CLOUDFORMATION");
  EXPECT_EQ(endpoint_env_var("elastic-beanstalk"), "AWS_ENDPOINT_URL_ELASTIC_BEANSTALK");
}

}  // namespace
}  // namespace lcd::aws
