// STS below HTTP: real SQLite in a temp dir, a fake clock for expirations.
#include "local/sts/sts_service.hpp"

#include <gtest/gtest.h>

#include "local_iam/query_xml.hpp"
#include "util/file_io.hpp"

namespace lcd::local::sts {
namespace {

class FakeClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override { return m_now; }
  std::chrono::steady_clock::time_point monotonic() const override { return {}; }
  void sleep_for(std::chrono::milliseconds d) override { m_now += d; }

 private:
  std::chrono::system_clock::time_point m_now = std::chrono::system_clock::time_point(std::chrono::seconds(1800000000));
};

using testing::element;

std::string jwt(const std::string& payload_b64url) { return "eyJhbGciOiJSUzI1NiJ9." + payload_b64url + ".c2ln"; }

class StsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open(iam::IamService* iam = nullptr, bool strict = false) {
    m_sts.reset();
    StsServiceOptions options{m_dir.path(), "000000000000"};
    options.iam = iam;
    options.strict = strict;
    auto sts = StsService::open(options, m_clock);
    ASSERT_TRUE(sts) << sts.error().message;
    m_sts = std::move(*sts);
  }
  RequestContext context(const std::string& access_key, const std::string& account) {
    RequestContext c;
    c.access_key = access_key;
    c.account_id = account;
    c.region = "eu-west-1";
    c.request_id = "req-1";
    return c;
  }
  // A request from `access_key` with the account the router would give it.
  HttpResponse call(const std::string& form, const std::string& access_key = "111122223333") {
    HttpRequest r;
    r.method = "POST";
    r.raw_path = r.path = "/";
    r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    r.body = form + "&Version=2011-06-15";
    std::string account = access_key.size() == 12 ? access_key
                                                   : m_sts->account_for_access_key(access_key).value_or("000000000000");
    return m_sts->handle(r, context(access_key, account));
  }

  TempDir m_dir{"lcd-sts"};
  FakeClock m_clock;
  std::unique_ptr<StsService> m_sts;
};

TEST_F(StsServiceTest, GetCallerIdentityAnswersTheRequestsOwnAccountAsItsRoot) {
  auto r = call("Action=GetCallerIdentity", "111122223333");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/xml");
  EXPECT_NE(r.body.find("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                        "<GetCallerIdentityResult>"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(element(r.body, "Account"), "111122223333");
  EXPECT_EQ(element(r.body, "Arn"), "arn:aws:iam::111122223333:root");
  EXPECT_EQ(element(r.body, "UserId"), "111122223333");
  EXPECT_EQ(element(r.body, "RequestId"), "req-1");
  auto other = call("Action=GetCallerIdentity", "test");
  EXPECT_EQ(element(other.body, "Account"), "000000000000");
}

TEST_F(StsServiceTest, AssumedRoleCredentialsActForTheRolesAccountAndReportTheSession) {
  auto r = call("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fteam%2Fdeployer"
                "&RoleSessionName=ci-run&DurationSeconds=900");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string key = element(r.body, "AccessKeyId");
  EXPECT_EQ(key.size(), 20u);
  EXPECT_EQ(key.rfind("ASIA", 0), 0u);
  EXPECT_EQ(element(r.body, "SecretAccessKey").size(), 40u);
  EXPECT_FALSE(element(r.body, "SessionToken").empty());
  EXPECT_EQ(element(r.body, "Expiration"), "2027-01-15T08:15:00Z");
  EXPECT_EQ(element(r.body, "Arn"), "arn:aws:sts::444455556666:assumed-role/deployer/ci-run");
  std::string role_id = element(r.body, "AssumedRoleId");
  EXPECT_EQ(role_id.rfind("AROA", 0), 0u);
  EXPECT_EQ(role_id.substr(role_id.size() - 7), ":ci-run");

  EXPECT_EQ(m_sts->account_for_access_key(key), "444455556666");
  auto who = call("Action=GetCallerIdentity", key);
  EXPECT_EQ(element(who.body, "Account"), "444455556666");
  EXPECT_EQ(element(who.body, "Arn"), "arn:aws:sts::444455556666:assumed-role/deployer/ci-run");
  EXPECT_EQ(element(who.body, "UserId"), role_id);

  // The mapping outlives the process: a client's cached credentials keep their account.
  open();
  EXPECT_EQ(m_sts->account_for_access_key(key), "444455556666");
  EXPECT_FALSE(m_sts->account_for_access_key("AKIAUNKNOWN0000000"));
}

TEST_F(StsServiceTest, AssumeRoleChecksItsParametersAsStsDoes) {
  auto no_session = call("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fr");
  EXPECT_EQ(no_session.status, 400);
  EXPECT_EQ(element(no_session.body, "Code"), "ValidationError");
  EXPECT_EQ(element(no_session.body, "Message"),
            "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must "
            "not be null");
  EXPECT_EQ(element(no_session.body, "Type"), "Sender");
  auto bad_name = call("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fr&RoleSessionName=a%20b");
  EXPECT_EQ(element(bad_name.body, "Code"), "ValidationError");
  auto short_duration = call(
      "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fr&RoleSessionName=ab&DurationSeconds=60");
  EXPECT_NE(element(short_duration.body, "Message").find("greater than or equal to 900"), std::string::npos);
  auto not_a_role = call("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Auser%2Fu&RoleSessionName=ab");
  EXPECT_EQ(not_a_role.status, 400);
  EXPECT_EQ(element(not_a_role.body, "Code"), "ValidationError");
}

TEST_F(StsServiceTest, AssumeRoleWithMfaNeedsTheSerialAndASixDigitCode) {
  const std::string base = "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fr&RoleSessionName=ab";
  const std::string serial = "&SerialNumber=arn%3Aaws%3Aiam%3A%3A111122223333%3Amfa%2Fada";
  auto ok = call(base + serial + "&TokenCode=012345");
  EXPECT_EQ(ok.status, 200) << ok.body;
  auto short_code = call(base + serial + "&TokenCode=12345");
  EXPECT_EQ(short_code.status, 400);
  EXPECT_EQ(element(short_code.body, "Message"),
            "1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have "
            "length greater than or equal to 6");
  auto letters = call(base + serial + "&TokenCode=12345a");
  EXPECT_EQ(element(letters.body, "Message"),
            "1 validation error detected: Value '12345a' at 'tokenCode' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [\\d]*");
  auto short_serial = call(base + "&SerialNumber=GAHT1234&TokenCode=123456");
  EXPECT_EQ(element(short_serial.body, "Code"), "ValidationError");
  for (const std::string& half : {serial, std::string("&TokenCode=123456")}) {
    auto denied = call(base + half);
    EXPECT_EQ(denied.status, 403);
    EXPECT_EQ(element(denied.body, "Code"), "AccessDenied");
    EXPECT_EQ(element(denied.body, "Message"),
              "MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.");
  }
}

TEST_F(StsServiceTest, RoleChainingIsLimitedToAnHour) {
  auto first = call("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fa&RoleSessionName=one");
  std::string key = element(first.body, "AccessKeyId");
  auto chained = call(
      "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fb&RoleSessionName=two&DurationSeconds=7200",
      key);
  EXPECT_EQ(chained.status, 400);
  EXPECT_EQ(element(chained.body, "Message"),
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
  auto ok = call("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fb&RoleSessionName=two", key);
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(StsServiceTest, WebIdentityTakesAnyWellFormedJwtAndReportsItsClaims) {
  // {"iss":"https://token.actions.githubusercontent.com","sub":"repo:o/r:ref:refs/heads/main","aud":"sts.amazonaws.com"}
  std::string payload =
      "eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMuZ2l0aHVidXNlcmNvbnRlbnQuY29tIiwic3ViIjoicmVwbzpvL3I6cmVmOnJlZnMvaGVhZHMv"
      "bWFpbiIsImF1ZCI6InN0cy5hbWF6b25hd3MuY29tIn0";
  auto r = call("Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fgh"
                "&RoleSessionName=gh-run&WebIdentityToken=" + jwt(payload),
                "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(element(r.body, "SubjectFromWebIdentityToken"), "repo:o/r:ref:refs/heads/main");
  EXPECT_EQ(element(r.body, "Provider"), "https://token.actions.githubusercontent.com");
  EXPECT_EQ(element(r.body, "Audience"), "sts.amazonaws.com");
  EXPECT_EQ(element(r.body, "Arn"), "arn:aws:sts::444455556666:assumed-role/gh/gh-run");
  EXPECT_EQ(m_sts->account_for_access_key(element(r.body, "AccessKeyId")), "444455556666");

  auto garbage = call("Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fgh"
                      "&RoleSessionName=gh-run&WebIdentityToken=not-a-token",
                      "");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(element(garbage.body, "Code"), "InvalidIdentityToken");
  // {"iss":"https://issuer.example","sub":"s","exp":1000}
  auto expired = call("Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fgh"
                      "&RoleSessionName=gh-run&WebIdentityToken=" +
                          jwt("eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIiwic3ViIjoicyIsImV4cCI6MTAwMH0"),
                      "");
  EXPECT_EQ(element(expired.body, "Code"), "ExpiredTokenException");
}

TEST_F(StsServiceTest, SessionTokensKeepTheCallersIdentity) {
  auto r = call("Action=GetSessionToken&DurationSeconds=7200", "111122223333");
  ASSERT_EQ(r.status, 200) << r.body;
  // The root user's sessions last at most an hour.
  EXPECT_EQ(element(r.body, "Expiration"), "2027-01-15T09:00:00Z");
  std::string key = element(r.body, "AccessKeyId");
  auto who = call("Action=GetCallerIdentity", key);
  EXPECT_EQ(element(who.body, "Arn"), "arn:aws:iam::111122223333:root");
  EXPECT_EQ(element(who.body, "Account"), "111122223333");
  auto again = call("Action=GetSessionToken", key);
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(element(again.body, "Code"), "AccessDenied");
}

TEST_F(StsServiceTest, GetAccessKeyInfoNamesTheKeysAccount) {
  auto assumed = call("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666%3Arole%2Fa&RoleSessionName=one");
  std::string key = element(assumed.body, "AccessKeyId");
  EXPECT_EQ(element(call("Action=GetAccessKeyInfo&AccessKeyId=" + key).body, "Account"), "444455556666");
  EXPECT_EQ(element(call("Action=GetAccessKeyInfo&AccessKeyId=999988887777").body, "Account"), "999988887777");
  EXPECT_EQ(element(call("Action=GetAccessKeyInfo&AccessKeyId=AKIAOTHER").body, "Account"), "000000000000");
}

TEST_F(StsServiceTest, UnknownActionsAreInvalidAction) {
  auto r = call("Action=DecodeAuthorizationMessage");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(element(r.body, "Code"), "InvalidAction");
}

// With IAM wired in and --strict-iam: roles must exist and trust the caller, as on AWS.
class StrictStsTest : public StsServiceTest {
 protected:
  void SetUp() override {
    auto iam = iam::IamService::open(iam::IamServiceOptions{m_dir.path()});
    ASSERT_TRUE(iam) << iam.error().message;
    m_iam = std::move(*iam);
    add_role("deployer", R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
                         R"("Action":"sts:AssumeRole"}]})", 7200);
    add_role("fn", R"({"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},)"
                   R"("Action":"sts:AssumeRole"}]})");
    add_role("gh", R"({"Statement":[{"Effect":"Allow","Principal":{"Federated":)"
                   R"("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},)"
                   R"("Action":"sts:AssumeRoleWithWebIdentity"}]})");
    open(m_iam.get(), true);
  }
  void add_role(const std::string& name, const std::string& trust, int max_session = 3600) {
    iam::NewRole role;
    role.name = name;
    role.trust_policy = trust;
    role.max_session_duration = max_session;
    auto made = m_iam->create_role("111122223333", role);
    ASSERT_TRUE(made) << made.error().message;
  }
  std::unique_ptr<iam::IamService> m_iam;
};

TEST_F(StrictStsTest, AssumeRoleNeedsARoleThatTrustsTheCaller) {
  auto ok = call("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdeployer&RoleSessionName=ci"
                 "&DurationSeconds=7200");
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto role = m_iam->store().require_role("111122223333", "deployer");
  ASSERT_TRUE(role);
  EXPECT_EQ(element(ok.body, "AssumedRoleId"), role->role_id + ":ci");
  EXPECT_EQ(role->last_used_date, "2027-01-15T08:00:00Z");
  EXPECT_EQ(role->last_used_region, "eu-west-1");

  auto too_long = call("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdeployer"
                       "&RoleSessionName=ci&DurationSeconds=10800");
  EXPECT_EQ(element(too_long.body, "Message"), "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");

  for (const char* role_arn : {"arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fmissing",
                               "arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Ffn"}) {
    auto denied = call(std::string("Action=AssumeRole&RoleSessionName=ci&RoleArn=") + role_arn);
    EXPECT_EQ(denied.status, 403) << role_arn;
    EXPECT_EQ(element(denied.body, "Code"), "AccessDenied");
  }
  auto denied = call("Action=AssumeRole&RoleSessionName=ci&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Ffn");
  EXPECT_EQ(element(denied.body, "Message"),
            "User: arn:aws:iam::111122223333:root is not authorized to perform: sts:AssumeRole on resource: "
            "arn:aws:iam::111122223333:role/fn");
  // Another account's root is not the account the trust policy names.
  auto stranger = call("Action=AssumeRole&RoleSessionName=ci&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdeployer",
                       "999988887777");
  EXPECT_EQ(stranger.status, 403);
}

TEST_F(StrictStsTest, WebIdentityNeedsARoleThatTrustsTheTokensProvider) {
  // {"iss":"https://token.actions.githubusercontent.com","sub":"repo:o/r:ref:refs/heads/main","aud":"sts.amazonaws.com"}
  std::string github =
      "eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMuZ2l0aHVidXNlcmNvbnRlbnQuY29tIiwic3ViIjoicmVwbzpvL3I6cmVmOnJlZnMvaGVhZHMv"
      "bWFpbiIsImF1ZCI6InN0cy5hbWF6b25hd3MuY29tIn0";
  auto ok = call("Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fgh"
                 "&RoleSessionName=run&WebIdentityToken=" + jwt(github), "");
  EXPECT_EQ(ok.status, 200) << ok.body;
  // A role that trusts an account, not the token's provider.
  auto other = call("Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fdeployer"
                    "&RoleSessionName=run&WebIdentityToken=" + jwt(github), "");
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(element(other.body, "Message"), "Not authorized to perform sts:AssumeRoleWithWebIdentity");
}

TEST_F(StsServiceTest, WithoutStrictARoleIamDoesNotKnowIsStillAssumed) {
  auto iam = iam::IamService::open(iam::IamServiceOptions{m_dir.path()});
  ASSERT_TRUE(iam);
  open(iam->get(), false);
  auto r = call("Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fghost&RoleSessionName=ci");
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace lcd::local::sts
