#include <gtest/gtest.h>

#include "aws/aws_client.hpp"
#include "aws/credential_cache.hpp"
#include "credential_fixture.hpp"

namespace lcd::aws {
namespace {

using test::FakeIo;
using test::form_fields;
using test::HandlerTransport;
using test::sts_response;

TEST(CredentialChain, NothingConfiguredNamesEverySourceInTheSdkOrder) {
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  auto config = fake.resolve();
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ErrorKind::auth);
  const std::string& m = config.error().message;
  const std::vector<std::string> order = {
      "environment variables: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
      "assume role: no profile 'default'",
      "web identity token: AWS_WEB_IDENTITY_TOKEN_FILE is not set",
      "IAM Identity Center (SSO): profile 'default' has no sso_session",
      "shared credentials file: /home/u/.aws/credentials does not exist",
      "credential_process: profile 'default' has no credential_process",
      "shared config file: /home/u/.aws/config does not exist",
      "container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set",
      "EC2 instance metadata (IMDSv2): AWS_EC2_METADATA_DISABLED=true",
  };
  size_t at = 0;
  for (const std::string& line : order) {
    size_t found = m.find(line, at);
    ASSERT_NE(found, std::string::npos) << "missing or out of order: " << line << "\n" << m;
    at = found;
  }
}

TEST(CredentialChain, EnvironmentBeatsProfileUnlessAProfileIsNamedExplicitly) {
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.vars["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  fake.vars["AWS_PROFILE"] = "dev";
  fake.files["/home/u/.aws/credentials"] = "[dev]\naws_access_key_id=AKIDDEV\naws_secret_access_key=devsecret\n";
  auto from_env = fake.resolve();
  ASSERT_TRUE(from_env) << from_env.error().message;
  EXPECT_EQ(from_env->credentials.access_key_id, "AKIDENV");  // AWS_PROFILE does not hide the keys
  AwsConfigOptions named;
  named.profile = "dev";
  auto from_profile = fake.resolve(named);
  ASSERT_TRUE(from_profile) << from_profile.error().message;
  EXPECT_EQ(from_profile->credentials.access_key_id, "AKIDDEV");
  EXPECT_EQ(from_profile->credentials_source, "profile dev in /home/u/.aws/credentials");
  EXPECT_EQ(from_profile->credential_cache, nullptr);  // long-term keys are not refreshed
}

TEST(CredentialChain, ACredentialsFileProfileBeatsConfigFileKeysAndProcess) {
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.files["/home/u/.aws/credentials"] = "[default]\naws_access_key_id=AKIDCRED\naws_secret_access_key=s1\n";
  fake.files["/home/u/.aws/config"] =
      "[default]\naws_access_key_id=AKIDCONF\naws_secret_access_key=s2\ncredential_process=/bin/false\n";
  auto config = fake.resolve();
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "AKIDCRED");
}

TEST(CredentialChain, AConfiguredSourceThatFailsStopsTheChainWithItsName) {
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.files["/home/u/.aws/credentials"] = "[default]\naws_access_key_id=AKIDONLY\n";
  fake.files["/home/u/.aws/config"] = "[default]\naws_access_key_id=AKIDCONF\naws_secret_access_key=s2\n";
  auto config = fake.resolve();
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ErrorKind::auth);
  EXPECT_NE(config.error().message.find("shared credentials file: profile 'default' in /home/u/.aws/credentials has "
                                        "aws_access_key_id but no aws_secret_access_key"),
            std::string::npos)
      << config.error().message;
}

TEST(CredentialChain, ContainerCredentialsAfterProfilesAndBeforeInstanceMetadata) {
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.vars["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] = "/v2/credentials/abc";
  fake.vars.erase("AWS_EC2_METADATA_DISABLED");
  fake.metadata = std::make_shared<HandlerTransport>([](const HttpRequest& r) -> Result<HttpResponse> {
    if (r.url == "http://169.254.170.2/v2/credentials/abc") {
      return HttpResponse{200, {}, R"({"AccessKeyId":"ASIACONT","SecretAccessKey":"cs","Token":"ct",)"
                                   R"("Expiration":"2026-11-26T18:00:00Z"})"};
    }
    return HttpResponse{500, {}, ""};  // instance metadata must not be asked
  });
  auto config = fake.resolve();
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "ASIACONT");
  EXPECT_EQ(config->credentials.session_token, "ct");
  ASSERT_NE(config->credential_cache, nullptr);
  EXPECT_EQ(fake.metadata->requests.size(), 1u);
}

// The resolved client signs with temporary credentials and asks their source again before they
// expire, so a run that outlasts one STS session keeps working.
TEST(CredentialCache, RefreshesBeforeExpiryAndTheClientSignsWithTheNewKeys) {
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = "/run/token";
  fake.vars["AWS_ROLE_ARN"] = "arn:aws:iam::111122223333:role/ci";
  fake.files["/run/token"] = "jwt-1\n";
  int calls = 0;
  fake.transport = std::make_shared<HandlerTransport>([&](const HttpRequest& r) -> Result<HttpResponse> {
    ++calls;
    auto form = form_fields(r.body);
    // 12:00 + 15 min for the first session; the second lasts an hour.
    std::string n = std::to_string(calls);
    return HttpResponse{200, {}, sts_response("AssumeRoleWithWebIdentity", "ASIA" + n, "secret-" + n, "token-" + n,
                                              calls == 1 ? "2026-11-26T12:15:00Z" : "2026-11-26T13:30:00Z")};
  });
  auto config = fake.resolve();
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_NE(config->credential_cache, nullptr);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(config->current_credentials()->access_key_id, "ASIA1");
  fake.clock.sleep_for(std::chrono::minutes(9));  // 12:09, 6 min left: still fine
  EXPECT_EQ(config->current_credentials()->access_key_id, "ASIA1");
  EXPECT_EQ(calls, 1);
  fake.files["/run/token"] = "jwt-2";  // the token file rotates
  fake.clock.sleep_for(std::chrono::minutes(2));  // 12:11, 4 min left: refreshed
  EXPECT_EQ(config->current_credentials()->access_key_id, "ASIA2");
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(form_fields(fake.transport->requests[1].body)["WebIdentityToken"], "jwt-2");
  EXPECT_EQ(config->credential_cache->refreshes(), 1);

  // A client made from this configuration signs each attempt with the keys current at that time.
  auto lambda = std::make_shared<test::FakeTransport>();
  AwsClientOptions options;
  options.clock = &fake.clock;
  AwsClient client(*config, lambda, options);
  ServiceRequest list;
  list.service = "lambda";
  list.method = "GET";
  list.path = "/2015-03-31/functions";
  lambda->reply(200, "{}");
  ASSERT_TRUE(client.call(list));
  EXPECT_NE(test::header_of(lambda->requests[0], "Authorization").find("Credential=ASIA2/"), std::string::npos);
  EXPECT_EQ(test::header_of(lambda->requests[0], "X-Amz-Security-Token"), "token-2");
  fake.clock.sleep_for(std::chrono::minutes(76));  // 13:27, 3 min before the second session ends
  lambda->reply(200, "{}");
  ASSERT_TRUE(client.call(list));
  EXPECT_NE(test::header_of(lambda->requests[1], "Authorization").find("Credential=ASIA3/"), std::string::npos);
  EXPECT_EQ(calls, 3);
}

TEST(CredentialCache, AFailedRefreshKeepsValidKeysAndFailsOnlyNearExpiry) {
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.vars["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://127.0.0.1:9/creds";
  bool up = true;
  fake.metadata = std::make_shared<HandlerTransport>([&](const HttpRequest&) -> Result<HttpResponse> {
    if (!up) return fail(ErrorKind::network, "connection refused");
    return HttpResponse{200, {}, R"({"AccessKeyId":"ASIA1","SecretAccessKey":"s","Token":"t",)"
                                 R"("Expiration":"2026-11-26T12:10:00Z"})"};
  });
  auto config = fake.resolve();
  ASSERT_TRUE(config) << config.error().message;
  up = false;
  fake.clock.sleep_for(std::chrono::minutes(6));  // 4 min left: refresh fails, keys still good
  auto advisory = config->current_credentials();
  ASSERT_TRUE(advisory) << advisory.error().message;
  EXPECT_EQ(advisory->access_key_id, "ASIA1");
  fake.clock.sleep_for(std::chrono::seconds(3 * 60 + 30));  // 30 s left: must refresh
  auto mandatory = config->current_credentials();
  ASSERT_FALSE(mandatory);
  EXPECT_NE(mandatory.error().message.find("could not be refreshed"), std::string::npos) << mandatory.error().message;
  EXPECT_NE(mandatory.error().message.find("container credentials endpoint http://127.0.0.1:9/creds"),
            std::string::npos);
  up = true;
  EXPECT_TRUE(config->current_credentials());
}

TEST(ParseIso8601, FormsTheSourcesUse) {
  using std::chrono::system_clock;
  auto base = parse_iso8601("2026-11-26T12:00:00Z");
  ASSERT_TRUE(base);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(base->time_since_epoch()).count(), 1795694400);
  EXPECT_EQ(parse_iso8601("2026-11-26T12:00:00.123456Z"), base);
  EXPECT_EQ(parse_iso8601("2026-11-26T12:00:00UTC"), base);
  EXPECT_EQ(parse_iso8601("2026-11-26T14:00:00+02:00"), base);
  EXPECT_EQ(parse_iso8601("2026-11-26T07:00:00-0500"), base);
  EXPECT_FALSE(parse_iso8601("tomorrow"));
  EXPECT_FALSE(parse_iso8601("2026-13-26T12:00:00Z"));
  EXPECT_FALSE(parse_iso8601("2026-11-26T12:00:00 CET"));
}

TEST(ParseCredentialsJson, NeverQuotesTheDocument) {
  auto missing = parse_credentials_json(R"({"SecretAccessKey":"very-secret-value"})", "source X");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message.find("very-secret-value"), std::string::npos);
  auto failed = parse_credentials_json(R"({"Code":"AssumeRoleUnauthorizedAccess","Message":"no role"})", "IMDS");
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("AssumeRoleUnauthorizedAccess: no role"), std::string::npos);
}

}  // namespace
}  // namespace lcd::aws
