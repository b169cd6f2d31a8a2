#include <gtest/gtest.h>

#include "aws/sso_credentials.hpp"
#include "credential_fixture.hpp"
#include "loopback_server.hpp"
#include "util/crypto.hpp"

namespace lcd::aws {
namespace {

using test::FakeIo;

const char* k_profiles =
    "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Deployer\nregion = eu-west-1\n"
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n"
    "sso_registration_scopes = sso:account:access\n"
    "[profile legacy]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-west-2\n"
    "sso_account_id = 444455556666\nsso_role_name = ReadOnly\n";

TEST(SsoCredentials, CachePathIsSha1OfTheSessionName) {
  // botocore: hashlib.sha1("corp".encode()).hexdigest()
  EXPECT_EQ(sso_token_cache_path("/home/u", "corp"), "/home/u/.aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
  EXPECT_EQ(sso_token_cache_path("/h", "https://old.awsapps.com/start"),
            "/h/.aws/sso/cache/33d5ca4bf3b1a62edb96b47f7c203034a43ac435.json");
}

// Real HTTP: the portal is a loopback server checking what GetRoleCredentials sends.
TEST(SsoCredentials, ExchangesTheCachedTokenForRoleCredentials) {
  test::LoopbackServer portal([](const test::ReceivedRequest& r) {
    if (r.method != "GET" || r.header("x-amz-sso_bearer_token") != "cached-access-token" ||
        r.target != "/federation/credentials?account_id=111122223333&role_name=Deployer" ||
        !r.header("Authorization").empty()) {
      return test::Reply{401, {}, R"({"message":"Session token not found or invalid"})"};
    }
    return test::Reply{200, {{"Content-Type", "application/json"}},
                       R"({"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"ssosecret",)"
                       R"("sessionToken":"ssotoken","expiration":1795698000000}})"};
  });
  FakeIo fake;
  fake.vars["AWS_PROFILE"] = "dev";
  fake.vars["AWS_ENDPOINT_URL_SSO"] = portal.url();
  fake.transport = nullptr;
  fake.files["/home/u/.aws/config"] = k_profiles;
  fake.files[sso_token_cache_path("/home/u", "corp")] =
      R"({"startUrl":"https://corp.awsapps.com/start","region":"eu-central-1","accessToken":"cached-access-token",)"
      R"("expiresAt":"2026-11-26T20:00:00Z"})";
  CredentialIo io = fake.io();
  io.transport = make_curl_transport();
  auto config = resolve_aws_config({}, io);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "ASIASSO");
  EXPECT_EQ(config->credentials.session_token, "ssotoken");
  EXPECT_EQ(config->region, "eu-west-1");
  EXPECT_EQ(config->credentials_source, "SSO role Deployer in account 111122223333 (profile dev)");
  ASSERT_NE(config->credential_cache, nullptr);
  EXPECT_EQ(portal.requests().size(), 1u);
}

TEST(SsoCredentials, MissingOrExpiredTokenSaysToRunAwsSsoLogin) {
  FakeIo fake;
  fake.vars["AWS_PROFILE"] = "dev";
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.files["/home/u/.aws/config"] = k_profiles;
  auto missing = fake.resolve();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::auth);
  EXPECT_NE(missing.error().message.find("no SSO token for sso-session corp"), std::string::npos);
  EXPECT_NE(missing.error().message.find("run `aws sso login --profile dev`"), std::string::npos);

  fake.files[sso_token_cache_path("/home/u", "corp")] =
      R"({"accessToken":"old","expiresAt":"2026-11-26T11:59:59Z"})";
  auto expired = fake.resolve();
  ASSERT_FALSE(expired);
  EXPECT_NE(expired.error().message.find("expired at 2026-11-26T11:59:59Z"), std::string::npos)
      << expired.error().message;
  EXPECT_NE(expired.error().message.find("run `aws sso login --profile dev`"), std::string::npos);
  EXPECT_EQ(expired.error().message.find("\"old\""), std::string::npos);
}

TEST(SsoCredentials, LegacyProfileUsesTheStartUrlForTheCacheAndPortalRejectionIsClear) {
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.files["/home/u/.aws/config"] = k_profiles;
  fake.files[sso_token_cache_path("/home/u", "https://old.awsapps.com/start")] =
      R"({"accessToken":"revoked","expiresAt":"2026-11-26T20:00:00Z"})";
  fake.transport = std::make_shared<test::HandlerTransport>([](const HttpRequest& r) -> Result<HttpResponse> {
    EXPECT_EQ(r.url.substr(0, r.url.find('?')), "https://portal.sso.us-west-2.amazonaws.com/federation/credentials");
    return HttpResponse{401, {{"x-amzn-ErrorType", "UnauthorizedException"}}, R"({"message":"Session token not found"})"};
  });
  AwsConfigOptions options;
  options.profile = "legacy";
  auto config = fake.resolve(options);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ErrorKind::auth);
  EXPECT_NE(config.error().message.find("SSO session of profile 'legacy' has expired or is invalid: run `aws sso login "
                                        "--profile legacy`"),
            std::string::npos)
      << config.error().message;
}

TEST(SsoCredentials, IncompleteProfilesNameWhatIsMissing) {
  FakeIo fake;
  fake.vars["AWS_REGION"] = "eu-west-1";
  fake.files["/home/u/.aws/config"] =
      "[profile a]\nsso_session = nowhere\nsso_account_id=1\nsso_role_name=r\n"
      "[profile b]\nsso_start_url = https://x/start\n";
  AwsConfigOptions options;
  options.profile = "a";
  auto a = fake.resolve(options);
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message.find("has no [sso-session nowhere]"), std::string::npos);
  options.profile = "b";
  auto b = fake.resolve(options);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find("lacks sso_region, sso_account_id, sso_role_name"), std::string::npos)
      << b.error().message;
}

}  // namespace
}  // namespace lcd::aws
