// Signature checks with --verify-signatures: real SigV4 signatures (the project's signer) checked
// by the endpoint's verifier, and each refusal worded as the answering service words it.
#include "local/request_auth.hpp"

#include <gtest/gtest.h>

#include "sigv4/signer.hpp"
#include "util/clock.hpp"

namespace lcd::local {
namespace {

const CredentialMap k_credentials = {{"AKIDGOOD", "goodsecret"}};

std::chrono::system_clock::time_point at(const char* amz_date) {
  std::chrono::system_clock::time_point t;
  EXPECT_TRUE(parse_amz_date(amz_date, t));
  return t;
}

const auto k_signed_at = at("20261127T120000Z");

// A GET signed in the Authorization header by `access_key` with `secret`.
HttpRequest signed_get(const std::string& service, const std::string& access_key, const std::string& secret) {
  sigv4::SigningRequest s;
  s.method = "GET";
  s.path = "/bucket/key";
  s.headers = {{"Host", "127.0.0.1:4566"}};
  s.payload_hash = sigv4::k_empty_payload_hash;
  auto params = sigv4::signing_params_for({access_key, secret, ""}, "eu-west-1", service, k_signed_at);
  auto signed_request = sigv4::sign_headers(s, params);
  HttpRequest r;
  r.method = "GET";
  r.raw_path = r.path = "/bucket/key";
  r.headers = s.headers;
  for (const auto& h : signed_request.headers_to_add) r.headers.push_back(h);
  return r;
}

// A presigned S3 GET valid for `expires` seconds from k_signed_at.
HttpRequest presigned_get(std::chrono::seconds expires) {
  sigv4::SigningRequest s;
  s.method = "GET";
  s.path = "/bucket/key";
  s.headers = {{"Host", "127.0.0.1:4566"}};
  s.payload_hash = sigv4::k_unsigned_payload;
  auto params = sigv4::signing_params_for({"AKIDGOOD", "goodsecret", ""}, "eu-west-1", "s3", k_signed_at);
  params.expires = expires;
  auto presigned = sigv4::presign_query(s, params);
  HttpRequest r;
  r.method = "GET";
  r.raw_path = r.path = "/bucket/key";
  r.headers = s.headers;
  r.query = presigned.query_to_add;
  return r;
}

ApiResult<void> verify(const HttpRequest& r, std::chrono::system_clock::time_point now, SignatureDialect dialect,
                       std::chrono::seconds skew = std::chrono::minutes(15)) {
  return verify_signature(r, parse_sigv4_authorization(r), k_credentials, now, skew, dialect);
}

std::string extra(const ApiError& e, const std::string& name) {
  for (const auto& [k, v] : e.extra) {
    if (k == name) return v;
  }
  return "<absent>";
}

TEST(RequestAuth, AGoodSignatureIsAcceptedWithinTheSkew) {
  auto r = signed_get("s3", "AKIDGOOD", "goodsecret");
  EXPECT_TRUE(verify(r, k_signed_at + std::chrono::minutes(14), SignatureDialect::s3));
  EXPECT_TRUE(verify(r, k_signed_at - std::chrono::minutes(14), SignatureDialect::s3));
}

TEST(RequestAuth, S3WordsItsRefusalsItsOwnWay) {
  auto wrong = verify(signed_get("s3", "AKIDGOOD", "badsecret"), k_signed_at, SignatureDialect::s3);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().status, 403);
  EXPECT_EQ(wrong.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(extra(wrong.error(), "AWSAccessKeyId"), "AKIDGOOD");
  EXPECT_EQ(extra(wrong.error(), "StringToSign").rfind("AWS4-HMAC-SHA256\n20261127T120000Z\n", 0), 0u);
  EXPECT_EQ(extra(wrong.error(), "CanonicalRequest").rfind("GET\n/bucket/key\n", 0), 0u);

  auto unknown = verify(signed_get("s3", "AKIDNOPE", "x"), k_signed_at, SignatureDialect::s3);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "InvalidAccessKeyId");
  EXPECT_EQ(unknown.error().message, "The AWS Access Key Id you provided does not exist in our records.");
  EXPECT_EQ(extra(unknown.error(), "AWSAccessKeyId"), "AKIDNOPE");

  auto skewed = verify(signed_get("s3", "AKIDGOOD", "goodsecret"), k_signed_at + std::chrono::minutes(16),
                       SignatureDialect::s3);
  ASSERT_FALSE(skewed);
  EXPECT_EQ(skewed.error().code, "RequestTimeTooSkewed");
  EXPECT_EQ(extra(skewed.error(), "RequestTime"), "20261127T120000Z");
  EXPECT_EQ(extra(skewed.error(), "ServerTime"), "2026-11-27T12:16:00Z");
  EXPECT_EQ(extra(skewed.error(), "MaxAllowedSkewMilliseconds"), "900000");

  HttpRequest unsigned_request;
  unsigned_request.method = "GET";
  auto anonymous = verify(unsigned_request, k_signed_at, SignatureDialect::s3);
  ASSERT_FALSE(anonymous);
  EXPECT_EQ(anonymous.error().code, "AccessDenied");
}

TEST(RequestAuth, APresignedUrlExpiresAtItsXAmzExpires) {
  auto url = presigned_get(std::chrono::hours(2));
  // Older than any clock skew, still within its own expiry.
  EXPECT_TRUE(verify(url, k_signed_at + std::chrono::minutes(119), SignatureDialect::s3));
  auto expired = verify(url, k_signed_at + std::chrono::minutes(121), SignatureDialect::s3);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().status, 403);
  EXPECT_EQ(expired.error().code, "AccessDenied");
  EXPECT_EQ(expired.error().message, "Request has expired");
  EXPECT_EQ(extra(expired.error(), "X-Amz-Expires"), "7200");
  EXPECT_EQ(extra(expired.error(), "Expires"), "2026-11-27T14:00:00Z");

  auto short_url = presigned_get(std::chrono::seconds(60));
  EXPECT_TRUE(verify(short_url, k_signed_at + std::chrono::seconds(60), SignatureDialect::s3));
  EXPECT_FALSE(verify(short_url, k_signed_at + std::chrono::seconds(61), SignatureDialect::s3));

  auto too_long = presigned_get(std::chrono::seconds(604800));
  for (auto& [k, v] : too_long.query) {
    if (k == "X-Amz-Expires") v = "604801";
  }
  auto rejected = verify(too_long, k_signed_at, SignatureDialect::s3);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().status, 400);
  EXPECT_EQ(rejected.error().code, "AuthorizationQueryParametersError");
  // Tampering with the query breaks the signature.
  auto tampered = presigned_get(std::chrono::hours(1));
  for (auto& [k, v] : tampered.query) {
    if (k == "X-Amz-Expires") v = "3000";
  }
  EXPECT_EQ(verify(tampered, k_signed_at, SignatureDialect::s3).error().code, "SignatureDoesNotMatch");
}

TEST(RequestAuth, QueryServicesAnswerInCloudFormationsAndStssWords) {
  auto wrong = verify(signed_get("cloudformation", "AKIDGOOD", "badsecret"), k_signed_at, SignatureDialect::query);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(wrong.error().status, 403);
  EXPECT_EQ(verify(signed_get("sts", "AKIDNOPE", "x"), k_signed_at, SignatureDialect::query).error().code,
            "InvalidClientTokenId");
  auto skewed = verify(signed_get("cloudformation", "AKIDGOOD", "goodsecret"), k_signed_at + std::chrono::minutes(20),
                       SignatureDialect::query);
  ASSERT_FALSE(skewed);
  EXPECT_EQ(skewed.error().code, "SignatureDoesNotMatch");
  EXPECT_EQ(skewed.error().message,
            "Signature expired: 20261127T120000Z is now earlier than 20261127T120500Z (20261127T122000Z - 15 min.)");
  HttpRequest unsigned_request;
  EXPECT_EQ(verify(unsigned_request, k_signed_at, SignatureDialect::query).error().code, "MissingAuthenticationToken");
}

TEST(RequestAuth, LambdaKeepsItsOwnCodesAndFiveMinuteWindow) {
  auto skewed = verify(signed_get("lambda", "AKIDGOOD", "goodsecret"), k_signed_at - std::chrono::minutes(6),
                       SignatureDialect::rest_json, std::chrono::minutes(5));
  ASSERT_FALSE(skewed);
  EXPECT_EQ(skewed.error().code, "InvalidSignatureException");
  EXPECT_EQ(skewed.error().message,
            "Signature not yet current: 20261127T120000Z is still later than 20261127T115900Z (20261127T115400Z + 5 "
            "min.)");
  EXPECT_EQ(verify(signed_get("lambda", "AKIDNOPE", "x"), k_signed_at, SignatureDialect::rest_json).error().code,
            "UnrecognizedClientException");
  EXPECT_EQ(verify(signed_get("lambda", "AKIDGOOD", "bad"), k_signed_at, SignatureDialect::rest_json).error().code,
            "InvalidSignatureException");
}

}  // namespace
}  // namespace lcd::local
