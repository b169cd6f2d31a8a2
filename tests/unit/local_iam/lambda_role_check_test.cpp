#include "local/iam/lambda_role_check.hpp"

#include <gtest/gtest.h>

#include "util/file_io.hpp"

namespace lcd::local::iam {
namespace {

constexpr const char* k_account = "111122223333";

std::string trust_for(const std::string& service) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":")" + service +
         R"("},"Action":"sts:AssumeRole"}]})";
}

class LambdaRoleCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto iam = IamService::open(IamServiceOptions{m_dir.path()});
    ASSERT_TRUE(iam) << iam.error().message;
    m_iam = std::move(*iam);
    for (auto [name, service] : {std::pair{"lambda-role", "lambda.amazonaws.com"}, {"ec2-role", "ec2.amazonaws.com"}}) {
      NewRole role;
      role.name = name;
      role.trust_policy = trust_for(service);
      ASSERT_TRUE(m_iam->create_role(k_account, role));
    }
  }
  LambdaRoleCheck check(bool strict) {
    return LambdaRoleCheck(*m_iam, strict, [this](const std::string& line) { m_warnings.push_back(line); });
  }

  TempDir m_dir{"lcd-iam-check"};
  std::unique_ptr<IamService> m_iam;
  std::vector<std::string> m_warnings;
};

TEST_F(LambdaRoleCheckTest, StrictRefusesMissingForeignAndUntrustingRolesAsLambdaDoes) {
  auto strict = check(true);
  EXPECT_TRUE(strict.check_lambda_role(k_account, "arn:aws:iam::111122223333:role/lambda-role"));
  for (const char* role : {"arn:aws:iam::111122223333:role/missing", "arn:aws:iam::111122223333:role/ec2-role",
                           "arn:aws:iam::444455556666:role/lambda-role", "arn:aws:iam::111122223333:role/x/lambda-role"}) {
    auto refused = strict.check_lambda_role(k_account, role);
    ASSERT_FALSE(refused) << role;
    EXPECT_EQ(refused.error().status, 400);
    EXPECT_EQ(refused.error().code, "InvalidParameterValueException");
    EXPECT_EQ(refused.error().message, "The role defined for the function cannot be assumed by Lambda.");
  }
  EXPECT_TRUE(m_warnings.empty());
}

TEST_F(LambdaRoleCheckTest, WithoutStrictEveryRoleIsAcceptedWithOneWarningPerUnknownRole) {
  auto lenient = check(false);
  EXPECT_TRUE(lenient.check_lambda_role(k_account, "arn:aws:iam::111122223333:role/lambda-role"));
  EXPECT_TRUE(m_warnings.empty());
  EXPECT_TRUE(lenient.check_lambda_role(k_account, "arn:aws:iam::111122223333:role/missing"));
  EXPECT_TRUE(lenient.check_lambda_role(k_account, "arn:aws:iam::111122223333:role/missing"));
  EXPECT_TRUE(lenient.check_lambda_role(k_account, "arn:aws:iam::111122223333:role/ec2-role"));
  ASSERT_EQ(m_warnings.size(), 2u);
  EXPECT_EQ(m_warnings[0],
            "warning: execution role arn:aws:iam::111122223333:role/missing does not exist in account 111122223333; "
            "accepted (lambda-cd local --strict-iam refuses it, as AWS does)");
  EXPECT_NE(m_warnings[1].find("does not let lambda.amazonaws.com assume it"), std::string::npos);
  EXPECT_EQ(m_warnings[0].find('\n'), std::string::npos);
}

}  // namespace
}  // namespace lcd::local::iam
