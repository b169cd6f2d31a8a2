#include <gtest/gtest.h>

#include "aws/sts_calls.hpp"
#include "credential_fixture.hpp"
#include "sigv4/authorization_parser.hpp"

namespace lcd::aws {
namespace {

using test::FakeIo;
using test::form_fields;
using test::HandlerTransport;
using test::header_of;
using test::sts_response;

// An STS that hands out "ASIA<n>" keys and remembers which key signed each call.
struct FakeSts {
  std::vector<std::map<std::string, std::string>> calls;
  std::vector<std::string> signed_by;  // access key id in the Authorization header ("" unsigned)
  std::vector<std::string> urls;
  std::string fail_code;
  std::shared_ptr<HandlerTransport> transport = std::make_shared<HandlerTransport>(
      [this](const HttpRequest& r) -> Result<HttpResponse> {
        auto form = form_fields(r.body);
        calls.push_back(form);
        urls.push_back(r.url);
        std::string auth = header_of(r, "Authorization");
        size_t cred = auth.find("Credential=");
        signed_by.push_back(cred == std::string::npos ? "" : auth.substr(cred + 11, auth.find('/', cred) - cred - 11));
        if (!fail_code.empty()) {
          return HttpResponse{403, {},
                              "<ErrorResponse><Error><Type>Sender</Type><Code>" + fail_code +
                                  "</Code><Message>not authorized to perform sts:AssumeRole</Message></Error>"
                                  "<RequestId>x</RequestId></ErrorResponse>"};
        }
        std::string n = std::to_string(calls.size());
        return HttpResponse{200, {}, sts_response(form["Action"], "ASIA" + n, "secret" + n, "token" + n,
                                                  "2026-11-26T13:00:00Z")};
      });
};

struct StsFixture : ::testing::Test {
  FakeIo fake;
  FakeSts sts;
  void SetUp() override {
    fake.vars["AWS_REGION"] = "eu-west-1";
    fake.transport = sts.transport;
  }
};

TEST_F(StsFixture, AssumeRoleFromASourceProfileWithItsParameters) {
  fake.files["/home/u/.aws/credentials"] = "[base]\naws_access_key_id=AKIDBASE\naws_secret_access_key=basesecret\n";
  fake.files["/home/u/.aws/config"] =
      "[profile deploy]\nrole_arn = arn:aws:iam::111122223333:role/deployer\nsource_profile = base\n"
      "external_id = ext-42\nrole_session_name = pipeline\nduration_seconds = 1800\n";
  AwsConfigOptions options;
  options.profile = "deploy";
  auto config = fake.resolve(options);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "ASIA1");
  EXPECT_EQ(config->credentials.session_token, "token1");
  EXPECT_NE(config->credentials_source.find("role arn:aws:iam::111122223333:role/deployer"), std::string::npos);
  ASSERT_EQ(sts.calls.size(), 1u);
  auto& call = sts.calls[0];
  EXPECT_EQ(call["Action"], "AssumeRole");
  EXPECT_EQ(call["Version"], "2011-06-15");
  EXPECT_EQ(call["RoleArn"], "arn:aws:iam::111122223333:role/deployer");
  EXPECT_EQ(call["ExternalId"], "ext-42");
  EXPECT_EQ(call["RoleSessionName"], "pipeline");
  EXPECT_EQ(call["DurationSeconds"], "1800");
  EXPECT_EQ(sts.signed_by[0], "AKIDBASE");
  EXPECT_EQ(sts.urls[0], "https://sts.eu-west-1.amazonaws.com/");
}

TEST_F(StsFixture, StsCallsFollowTheConfiguredEndpoint) {
  fake.vars["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:4566";
  fake.files["/home/u/.aws/config"] =
      "[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n";
  fake.vars["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  // With environment keys the chain stops at them; a named profile skips them and assumes the role
  // with the keys as its credential_source.
  AwsConfigOptions options;
  options.profile = "default";
  auto config = fake.resolve(options);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->credentials.access_key_id, "ASIA1");
  EXPECT_EQ(sts.urls[0], "http://127.0.0.1:4566/");
  EXPECT_EQ(sts.signed_by[0], "AKIDENV");
  EXPECT_EQ(sts.calls[0]["RoleSessionName"], "lambda-cd-1795694400");  // default: lambda-cd-<epoch>
}

TEST_F(StsFixture, ChainedRolesAssumeInOrder) {
  fake.files["/home/u/.aws/config"] =
      "[profile root]\naws_access_key_id=AKIDROOT\naws_secret_access_key=r\n"
      "[profile hop]\nrole_arn=arn:aws:iam::1:role/hop\nsource_profile=root\n"
      "[profile target]\nrole_arn=arn:aws:iam::2:role/target\nsource_profile=hop\n";
  AwsConfigOptions options;
  options.profile = "target";
  auto config = fake.resolve(options);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(sts.calls.size(), 2u);
  EXPECT_EQ(sts.calls[0]["RoleArn"], "arn:aws:iam::1:role/hop");
  EXPECT_EQ(sts.signed_by[0], "AKIDROOT");
  EXPECT_EQ(sts.calls[1]["RoleArn"], "arn:aws:iam::2:role/target");
  EXPECT_EQ(sts.signed_by[1], "ASIA1");  // the hop's session signs the second call
  EXPECT_EQ(config->credentials.access_key_id, "ASIA2");
}

TEST_F(StsFixture, ASourceProfileLoopIsAnErrorButSelfReferenceWithKeysWorks) {
  fake.files["/home/u/.aws/config"] =
      "[profile a]\nrole_arn=arn:aws:iam::1:role/a\nsource_profile=b\n"
      "[profile b]\nrole_arn=arn:aws:iam::1:role/b\nsource_profile=a\n"
      "[profile self]\nrole_arn=arn:aws:iam::1:role/self\nsource_profile=self\n"
      "aws_access_key_id=AKIDSELF\naws_secret_access_key=s\n";
  AwsConfigOptions options;
  options.profile = "a";
  auto loop = fake.resolve(options);
  ASSERT_FALSE(loop);
  EXPECT_NE(loop.error().message.find("source_profile loop: a -> b -> a"), std::string::npos) << loop.error().message;
  EXPECT_TRUE(sts.calls.empty());
  options.profile = "self";
  auto self = fake.resolve(options);
  ASSERT_TRUE(self) << self.error().message;
  EXPECT_EQ(sts.signed_by.back(), "AKIDSELF");
  EXPECT_EQ(self->credentials.access_key_id, "ASIA1");
}

TEST_F(StsFixture, RoleProfileMistakesAreConfigurationErrors) {
  fake.files["/home/u/.aws/config"] =
      "[profile none]\nrole_arn=arn:aws:iam::1:role/x\n"
      "[profile both]\nrole_arn=arn:aws:iam::1:role/x\nsource_profile=none\ncredential_source=Environment\n"
      "[profile ghost]\nrole_arn=arn:aws:iam::1:role/x\nsource_profile=missing\n"
      "[profile odd]\nrole_arn=arn:aws:iam::1:role/x\ncredential_source=Floppy\n"
      "[profile long]\nrole_arn=arn:aws:iam::1:role/x\ncredential_source=Environment\nduration_seconds=99999\n";
  auto message_for = [&](const std::string& profile) {
    AwsConfigOptions options;
    options.profile = profile;
    auto config = fake.resolve(options);
    EXPECT_FALSE(config) << profile;
    EXPECT_EQ(config.error().kind, ErrorKind::invalid) << profile;
    return config ? std::string() : config.error().message;
  };
  EXPECT_NE(message_for("none").find("neither source_profile nor credential_source"), std::string::npos);
  EXPECT_NE(message_for("both").find("both source_profile and credential_source"), std::string::npos);
  EXPECT_NE(message_for("ghost").find("source_profile 'missing' of profile 'ghost' does not exist"), std::string::npos);
  EXPECT_NE(message_for("odd").find("credential_source 'Floppy' is not one of"), std::string::npos);
  fake.vars["AWS_ACCESS_KEY_ID"] = "A";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "B";
  EXPECT_NE(message_for("long").find("duration_seconds must be a number of seconds from 900 to 43200"),
            std::string::npos);
  EXPECT_TRUE(sts.calls.empty());
}

TEST_F(StsFixture, MfaAsksOnTheTerminalAndIsAClearErrorWithoutOne) {
  fake.files["/home/u/.aws/config"] =
      "[profile admin]\nrole_arn=arn:aws:iam::1:role/admin\nsource_profile=base\n"
      "mfa_serial=arn:aws:iam::1:mfa/ada\n[profile base]\naws_access_key_id=AKIDBASE\naws_secret_access_key=b\n";
  AwsConfigOptions options;
  options.profile = "admin";
  auto no_terminal = fake.resolve(options);
  ASSERT_FALSE(no_terminal);
  EXPECT_EQ(no_terminal.error().kind, ErrorKind::auth);
  EXPECT_NE(no_terminal.error().message.find("needs an MFA code for arn:aws:iam::1:mfa/ada"), std::string::npos);
  EXPECT_NE(no_terminal.error().message.find("no terminal"), std::string::npos);
  EXPECT_TRUE(sts.calls.empty());

  std::vector<std::string> prompts;
  fake.mfa_prompt = [&](const std::string& prompt) -> Result<std::string> {
    prompts.push_back(prompt);
    return std::string("123456\n");
  };
  auto config = fake.resolve(options);
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(prompts.size(), 1u);
  EXPECT_EQ(prompts[0], "Enter MFA code for arn:aws:iam::1:mfa/ada: ");
  EXPECT_EQ(sts.calls[0]["SerialNumber"], "arn:aws:iam::1:mfa/ada");
  EXPECT_EQ(sts.calls[0]["TokenCode"], "123456");
}

TEST_F(StsFixture, AccessDeniedNamesTheRoleAndTheSource) {
  sts.fail_code = "AccessDenied";
  fake.files["/home/u/.aws/config"] =
      "[profile p]\nrole_arn=arn:aws:iam::1:role/nope\ncredential_source=Environment\n";
  fake.vars["AWS_ACCESS_KEY_ID"] = "A";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "B";
  AwsConfigOptions options;
  options.profile = "p";
  auto config = fake.resolve(options);
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().kind, ErrorKind::auth);
  EXPECT_EQ(config.error().code, "AccessDenied");
  EXPECT_NE(config.error().message.find("assume role: AssumeRole arn:aws:iam::1:role/nope"), std::string::npos)
      << config.error().message;
}

TEST_F(StsFixture, WebIdentityFromEnvironmentIsUnsignedAndReadsTheTokenFile) {
  fake.vars["AWS_WEB_IDENTITY_TOKEN_FILE"] = "/var/run/secrets/token";
  fake.vars["AWS_ROLE_ARN"] = "arn:aws:iam::111122223333:role/github";
  fake.vars["AWS_ROLE_SESSION_NAME"] = "gha-42";
  fake.files["/var/run/secrets/token"] = "eyJhbGciOi.payload.sig\n";
  auto config = fake.resolve();
  ASSERT_TRUE(config) << config.error().message;
  ASSERT_EQ(sts.calls.size(), 1u);
  EXPECT_EQ(sts.calls[0]["Action"], "AssumeRoleWithWebIdentity");
  EXPECT_EQ(sts.calls[0]["WebIdentityToken"], "eyJhbGciOi.payload.sig");
  EXPECT_EQ(sts.calls[0]["RoleSessionName"], "gha-42");
  EXPECT_EQ(sts.signed_by[0], "");  // unsigned, as the SDKs send it
  EXPECT_EQ(config->credentials.access_key_id, "ASIA1");
  EXPECT_EQ(config->credentials_source,
            "web identity token /var/run/secrets/token, role arn:aws:iam::111122223333:role/github");
}

TEST_F(StsFixture, WebIdentityFromAProfileAndItsErrors) {
  fake.files["/home/u/.aws/config"] =
      "[profile oidc]\nweb_identity_token_file=/tok\nrole_arn=arn:aws:iam::1:role/oidc\n"
      "[profile norole]\nweb_identity_token_file=/tok\n";
  AwsConfigOptions options;
  options.profile = "oidc";
  auto missing_file = fake.resolve(options);
  ASSERT_FALSE(missing_file);
  EXPECT_NE(missing_file.error().message.find("web identity token file /tok (web_identity_token_file of profile "
                                              "'oidc') does not exist"),
            std::string::npos)
      << missing_file.error().message;
  fake.files["/tok"] = "jwt";
  auto config = fake.resolve(options);
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(sts.calls[0]["RoleArn"], "arn:aws:iam::1:role/oidc");
  options.profile = "norole";
  auto norole = fake.resolve(options);
  ASSERT_FALSE(norole);
  EXPECT_NE(norole.error().message.find("no role to assume"), std::string::npos);
}

TEST_F(StsFixture, AssumeRoleNeedsARegion) {
  fake.vars.erase("AWS_REGION");
  fake.files["/home/u/.aws/config"] = "[profile p]\nrole_arn=arn:aws:iam::1:role/r\ncredential_source=Environment\n";
  fake.vars["AWS_ACCESS_KEY_ID"] = "A";
  fake.vars["AWS_SECRET_ACCESS_KEY"] = "B";
  AwsConfigOptions options;
  options.profile = "p";
  auto config = fake.resolve(options);
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().message.find("needs a region"), std::string::npos) << config.error().message;
}

TEST(StsCalls, ParsesCredentialsAndRejectsIncompleteAnswers) {
  auto ok = parse_sts_credentials(sts_response("AssumeRole", "ASIAX", "s&amp;x", "t", "2026-11-26T13:00:00Z"),
                                  "AssumeRole");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->keys.secret_access_key, "s&x");
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(ok->expiration->time_since_epoch()).count(),
            1795694400 + 3600);
  EXPECT_FALSE(parse_sts_credentials("<AssumeRoleResponse/>", "AssumeRole"));
  EXPECT_FALSE(parse_sts_credentials(sts_response("AssumeRole", "A", "s", "t", "soon"), "AssumeRole"));
  AssumeRoleRequest request;
  request.role_arn = "arn:aws:iam::1:role/a b";
  request.role_session_name = "s";
  EXPECT_EQ(assume_role_body(request),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b&RoleSessionName=s");
}

}  // namespace
}  // namespace lcd::aws
