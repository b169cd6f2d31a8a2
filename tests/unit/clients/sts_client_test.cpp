#include "clients/sts_client.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"

namespace lcd::clients {
namespace {

// aws-api-notes-2 §16, as both clients parse it.
constexpr const char* k_response = R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::012345678901:user/Alice</Arn>
    <UserId>AIDASAMPLEUSERID12345</UserId>
    <Account>012345678901</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>)";

TEST(StsClient, GetCallerIdentityIsAQueryPostSignedForSts) {
  test::ScriptedCaller caller([](const aws::ServiceRequest&) { return test::ok(k_response); });
  StsClient sts(caller);
  auto who = sts.get_caller_identity();
  ASSERT_TRUE(who) << who.error().message;
  EXPECT_EQ(who->account, "012345678901");  // a string: the leading zero stays
  EXPECT_EQ(who->arn, "arn:aws:iam::012345678901:user/Alice");
  EXPECT_EQ(who->user_id, "AIDASAMPLEUSERID12345");
  ASSERT_EQ(caller.requests.size(), 1u);
  const auto& r = caller.requests[0];
  EXPECT_EQ(r.service, "sts");
  EXPECT_EQ(r.protocol, aws::Protocol::query_xml);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/");
  EXPECT_EQ(r.body, "Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_EQ(r.operation, "GetCallerIdentity");
}

TEST(StsClient, ErrorsPassThroughAndBadBodiesAreInvalid) {
  test::ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    return test::aws_error(ErrorKind::auth, 403, "InvalidClientTokenId", "The security token included in the request is invalid.");
  });
  StsClient sts(caller);
  auto refused = sts.get_caller_identity();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "InvalidClientTokenId");
  EXPECT_EQ(refused.error().kind, ErrorKind::auth);

  EXPECT_FALSE(parse_get_caller_identity("<Other/>"));
  EXPECT_FALSE(parse_get_caller_identity("<GetCallerIdentityResponse/>"));
  EXPECT_FALSE(parse_get_caller_identity(
      "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>a</Arn></GetCallerIdentityResult>"
      "</GetCallerIdentityResponse>"));
  EXPECT_FALSE(parse_get_caller_identity("not xml"));
}

}  // namespace
}  // namespace lcd::clients
