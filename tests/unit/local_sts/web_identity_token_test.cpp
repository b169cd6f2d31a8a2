#include "local/sts/web_identity_token.hpp"

#include <gtest/gtest.h>

namespace lcd::local::sts {
namespace {

TEST(WebIdentityToken, ReadsIssuerSubjectAudienceAndExpiryFromTheClaims) {
  // {"alg":"RS256","kid":"k"} . {"iss":"https://accounts.google.com","sub":"110169484474386276334",
  //  "aud":["client-1","client-2"],"exp":2000000000} . signature
  auto claims = parse_web_identity_token(
      "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ."
      "eyJpc3MiOiJodHRwczovL2FjY291bnRzLmdvb2dsZS5jb20iLCJzdWIiOiIxMTAxNjk0ODQ0NzQzODYyNzYzMzQiLCJhdWQiOlsiY2xpZW50LTEi"
      "LCJjbGllbnQtMiJdLCJleHAiOjIwMDAwMDAwMDB9.c2lnbmF0dXJl");
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->issuer, "https://accounts.google.com");
  EXPECT_EQ(claims->subject, "110169484474386276334");
  EXPECT_EQ(claims->audience, "client-1");
  EXPECT_EQ(claims->expires_at, 2000000000);
}

TEST(WebIdentityToken, RejectsWhatIsNotAJwt) {
  EXPECT_FALSE(parse_web_identity_token("opaque-access-token"));
  EXPECT_FALSE(parse_web_identity_token("a.b"));
  EXPECT_FALSE(parse_web_identity_token("e30.bm90IGpzb24.sig"));  // {} . "not json"
  EXPECT_FALSE(parse_web_identity_token("!!!.e30.sig"));
  EXPECT_TRUE(parse_web_identity_token("e30.e30."));  // {} . {} . (unsigned)
}

TEST(WebIdentityToken, FederatedPrincipalNamesWellKnownProvidersByHostAndOthersByOidcArn) {
  EXPECT_EQ(federated_principal("https://accounts.google.com", "1"), "accounts.google.com");
  EXPECT_EQ(federated_principal("cognito-identity.amazonaws.com", "1"), "cognito-identity.amazonaws.com");
  EXPECT_EQ(federated_principal("https://token.actions.githubusercontent.com", "123456789012"),
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com");
  EXPECT_EQ(federated_principal("https://oidc.eks.eu-west-1.amazonaws.com/id/ABC/", "123456789012"),
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC");
}

}  // namespace
}  // namespace lcd::local::sts
