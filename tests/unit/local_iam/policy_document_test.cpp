#include "local/iam/policy_document.hpp"

#include <gtest/gtest.h>

namespace lcd::local::iam {
namespace {

constexpr const char* k_lambda_trust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},)"
    R"("Action":"sts:AssumeRole"}]})";

std::string message_of(std::string_view document, PolicyKind kind) {
  auto r = validate_policy_document(document, kind);
  if (r) return "ok";
  EXPECT_EQ(r.error().code, "MalformedPolicyDocument");
  EXPECT_EQ(r.error().status, 400);
  return r.error().message;
}

TEST(PolicyDocument, TrustPoliciesAreCheckedAsCreateRoleChecksThem) {
  EXPECT_EQ(message_of(k_lambda_trust, PolicyKind::trust), "ok");
  EXPECT_EQ(message_of("{not json", PolicyKind::trust), "This policy contains invalid Json");
  EXPECT_EQ(message_of("assume-role-policy.json", PolicyKind::trust), "This policy contains invalid Json");
  EXPECT_EQ(message_of(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},)"
                       R"("Action":"sts:AssumeRole","Resource":"*"}]})",
                       PolicyKind::trust),
            "Has prohibited field Resource");
  EXPECT_EQ(message_of(R"({"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]})", PolicyKind::trust),
            "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a "
            "statement with no principals!");
  EXPECT_EQ(message_of(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject"}]})",
                       PolicyKind::trust),
            "AssumeRole policy may only specify STS AssumeRole actions.");
  // A statement object instead of a list is fine.
  EXPECT_EQ(message_of(R"({"Statement":{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},)"
                       R"("Action":["sts:AssumeRole","sts:TagSession"]}})",
                       PolicyKind::trust),
            "ok");
}

TEST(PolicyDocument, IdentityPoliciesAreCheckedAsPutRolePolicyChecksThem) {
  const char* ok = R"({"Version":"2012-10-17","Statement":[{"Sid":"Logs","Effect":"Allow",)"
                   R"("Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:*:*"}]})";
  EXPECT_EQ(message_of(ok, PolicyKind::identity), "ok");
  EXPECT_EQ(message_of("[]", PolicyKind::identity), "Syntax errors in policy.");
  EXPECT_EQ(message_of(R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Bogus":1}]})",
                       PolicyKind::identity),
            "Syntax errors in policy.");
  EXPECT_EQ(message_of(R"({"Version":"2013-01-01","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
                       PolicyKind::identity),
            "Syntax errors in policy.");
  EXPECT_EQ(message_of(R"({"Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]})", PolicyKind::identity),
            "The policy failed legacy parsing");
  EXPECT_EQ(message_of(R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})", PolicyKind::identity),
            "Policy statement must contain actions.");
  EXPECT_EQ(message_of(R"({"Statement":[{"Effect":"Allow","Action":"s3:*"}]})", PolicyKind::identity),
            "Policy statement must contain resources.");
  EXPECT_EQ(message_of(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})",
                       PolicyKind::identity),
            "Policy document should not specify a principal.");
  EXPECT_EQ(message_of(R"({"Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"},)"
                       R"({"Sid":"a","Effect":"Deny","Action":"s3:*","Resource":"*"}]})",
                       PolicyKind::identity),
            "Statement IDs (SID) in a single policy must be unique.");
  EXPECT_EQ(message_of(R"({"Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]})", PolicyKind::identity),
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  EXPECT_EQ(message_of(R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"my-bucket"}]})", PolicyKind::identity),
            "Resource my-bucket must be in ARN format or \"*\".");
}

TEST(PolicyDocument, SizeCountsEverythingButWhitespace) {
  EXPECT_EQ(policy_size("{ \"a\" :\n\t1 }"), 7u);
}

TEST(PolicyDocument, TrustEvaluationMatchesServiceAccountAndFederatedPrincipals) {
  TrustRequest lambda{"sts:AssumeRole", {{"Service", "lambda.amazonaws.com"}}};
  TrustRequest ec2{"sts:AssumeRole", {{"Service", "ec2.amazonaws.com"}}};
  EXPECT_TRUE(trust_allows(k_lambda_trust, lambda));
  EXPECT_FALSE(trust_allows(k_lambda_trust, ec2));
  EXPECT_FALSE(trust_allows(k_lambda_trust, TrustRequest{"sts:AssumeRoleWithWebIdentity", lambda.principals}));

  const char* several = R"({"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com",)"
                        R"("lambda.amazonaws.com"]},"Action":"sts:*"}]})";
  EXPECT_TRUE(trust_allows(several, lambda));
  EXPECT_TRUE(trust_allows(several, ec2));

  const char* account = R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
                        R"("Action":"sts:AssumeRole"}]})";
  TrustRequest root_caller{"sts:AssumeRole", {{"AWS", "arn:aws:iam::111122223333:root"}, {"AWS", "111122223333"}}};
  TrustRequest other_caller{"sts:AssumeRole", {{"AWS", "arn:aws:iam::999988887777:root"}, {"AWS", "999988887777"}}};
  EXPECT_TRUE(trust_allows(account, root_caller));
  EXPECT_FALSE(trust_allows(account, other_caller));

  const char* denied = R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},)"
                       R"({"Effect":"Deny","Principal":{"AWS":"999988887777"},"Action":"sts:*"}]})";
  EXPECT_TRUE(trust_allows(denied, root_caller));
  EXPECT_FALSE(trust_allows(denied, other_caller));

  const char* github = R"({"Statement":[{"Effect":"Allow","Principal":{"Federated":)"
                       R"("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},)"
                       R"("Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"x":"y"}}}]})";
  EXPECT_TRUE(trust_allows(github, TrustRequest{"sts:AssumeRoleWithWebIdentity",
                                                {{"Federated", "arn:aws:iam::111122223333:oidc-provider/"
                                                               "token.actions.githubusercontent.com"}}}));
  EXPECT_FALSE(trust_allows(github, TrustRequest{"sts:AssumeRoleWithWebIdentity", {{"Federated", "accounts.google.com"}}}));
  EXPECT_FALSE(trust_allows("not json", lambda));
}

TEST(PolicyDocument, ActionsMatchWildcardsWithoutRegardToCase) {
  EXPECT_TRUE(action_matches("sts:*", "sts:AssumeRole"));
  EXPECT_TRUE(action_matches("STS:assumerole", "sts:AssumeRole"));
  EXPECT_TRUE(action_matches("sts:AssumeRole*", "sts:AssumeRoleWithWebIdentity"));
  EXPECT_TRUE(action_matches("sts:Assume?ole", "sts:AssumeRole"));
  EXPECT_FALSE(action_matches("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"));
  EXPECT_TRUE(action_matches("*", "anything:At-All"));
}

TEST(PolicyDocument, ListsTheAwsPrincipalsATrustPolicyNames) {
  auto names = aws_principals(R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::1:role/a","2"],)"
                              R"("Service":"x"},"Action":"sts:AssumeRole"}]})");
  EXPECT_EQ(names, (std::vector<std::string>{"arn:aws:iam::1:role/a", "2"}));
}

}  // namespace
}  // namespace lcd::local::iam
