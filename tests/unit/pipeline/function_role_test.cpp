#include "pipeline/function_role.hpp"

#include <gtest/gtest.h>

namespace lcd::pipeline {
namespace {

// Answers GetCallerIdentity for `arn`/`account`, counting calls.
class StsAnswer : public aws::ServiceCaller {
 public:
  StsAnswer(std::string arn, std::string account) : m_arn(std::move(arn)), m_account(std::move(account)) {}
  Result<aws::ServiceResponse> call(const aws::ServiceRequest& request) override {
    ++calls;
    if (fail_with_auth) {
      Error e{ErrorKind::auth, "The security token included in the request is invalid."};
      e.code = "InvalidClientTokenId";
      return tl::unexpected<Error>(e);
    }
    EXPECT_EQ(request.service, "sts");
    aws::ServiceResponse r;
    r.status = 200;
    r.body = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
             "<Arn>" + m_arn + "</Arn><UserId>AIDAX</UserId><Account>" + m_account +
             "</Account></GetCallerIdentityResult></GetCallerIdentityResponse>";
    return r;
  }
  int calls = 0;
  bool fail_with_auth = false;

 private:
  std::string m_arn, m_account;
};

TEST(FunctionRole, ANameBecomesTheCallersAccountsRoleArn) {
  StsAnswer answer("arn:aws:sts::210987654321:assumed-role/deployer/ci", "210987654321");
  clients::StsClient sts(answer);
  EXPECT_EQ(*resolve_role("greeting-role", sts), "arn:aws:iam::210987654321:role/greeting-role");
  EXPECT_EQ(*resolve_role("service-role/greeting-role", sts), "arn:aws:iam::210987654321:role/service-role/greeting-role");
  EXPECT_EQ(answer.calls, 2);
  // An ARN is used as written, without asking.
  EXPECT_EQ(*resolve_role("arn:aws:iam::111111111111:role/r", sts), "arn:aws:iam::111111111111:role/r");
  EXPECT_EQ(answer.calls, 2);
}

TEST(FunctionRole, ThePartitionComesFromTheCaller) {
  StsAnswer china("arn:aws-cn:iam::123456789012:user/ops", "123456789012");
  clients::StsClient sts(china);
  EXPECT_EQ(*resolve_role("r", sts), "arn:aws-cn:iam::123456789012:role/r");
}

TEST(FunctionRole, WithoutTheAccountTheErrorSaysWhy) {
  StsAnswer answer("", "");
  answer.fail_with_auth = true;
  clients::StsClient sts(answer);
  auto r = resolve_role("greeting-role", sts);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::auth);
  EXPECT_NE(r.error().message.find("cannot make the ARN of role 'greeting-role'"), std::string::npos);
  EXPECT_NE(r.error().message.find("The security token included in the request is invalid."), std::string::npos);
}

TEST(FunctionRole, NamesAndArnsAreChecked) {
  EXPECT_EQ(role_problem("greeting-role"), "");
  EXPECT_EQ(role_problem("service-role/a+b=c,d.e@f_g-h"), "");
  EXPECT_EQ(role_problem("arn:aws:iam::123456789012:role/r"), "");
  EXPECT_NE(role_problem(""), "");
  EXPECT_NE(role_problem("has space"), "");
  EXPECT_NE(role_problem("a//b"), "");
  EXPECT_NE(role_problem(std::string(65, 'r')), "");
  EXPECT_NE(role_problem("arn:aws:iam"), "");
}

}  // namespace
}  // namespace lcd::pipeline
