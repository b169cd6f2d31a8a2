#include <gtest/gtest.h>

#include "sigv4/authorization_parser.hpp"
#include "sigv4/signer.hpp"
#include "util/clock.hpp"

namespace lcd::sigv4 {
namespace {

const std::string k_sig = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

TEST(ParseAuthorizationHeader, ReadsAllParts) {
  auto parsed = parse_authorization_header(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/lambda/aws4_request, "
      "SignedHeaders=host;X-Amz-Date,Signature=" + k_sig);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_FALSE(parsed->presigned);
  EXPECT_EQ(parsed->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->date, "20150830");
  EXPECT_EQ(parsed->region, "us-east-1");
  EXPECT_EQ(parsed->service, "lambda");
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
  EXPECT_EQ(parsed->signature, k_sig);
}

TEST(ParseAuthorizationHeader, RejectsMalformed) {
  EXPECT_EQ(parse_authorization_header("Basic dXNlcjpwYXNz").error().kind, ErrorKind::auth);
  auto no_sig = parse_authorization_header(
      "AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, SignedHeaders=host");
  ASSERT_FALSE(no_sig);
  EXPECT_NE(no_sig.error().message.find("Signature"), std::string::npos);
  EXPECT_FALSE(parse_authorization_header("AWS4-HMAC-SHA256 Credential=A/2015/r/s/aws4_request, SignedHeaders=host, "
                                          "Signature=" + k_sig));
  EXPECT_FALSE(parse_authorization_header("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, "
                                          "SignedHeaders=host, Signature=XYZ"));
  EXPECT_FALSE(parse_authorization_header("AWS4-HMAC-SHA256 Credential=A/20150830/r/s/aws4_request, "
                                          "SignedHeaders=, Signature=" + k_sig));
}

TEST(ParsePresignedQuery, ReadsAllPartsAndChecksExpires) {
  QueryList query = {{"X-Amz-Algorithm", "AWS4-HMAC-SHA256"},
                     {"X-Amz-Credential", "AKID/20150830/us-east-1/s3/aws4_request"},
                     {"X-Amz-Date", "20150830T123600Z"},
                     {"X-Amz-Expires", "3600"},
                     {"X-Amz-SignedHeaders", "host"},
                     {"X-Amz-Security-Token", "tok"},
                     {"X-Amz-Signature", k_sig}};
  auto parsed = parse_presigned_query(query);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->presigned);
  EXPECT_EQ(parsed->service, "s3");
  EXPECT_EQ(parsed->expires_seconds, 3600);
  EXPECT_EQ(parsed->session_token, "tok");
  query[3].second = "604801";
  EXPECT_FALSE(parse_presigned_query(query));
  query[3].second = "abc";
  EXPECT_FALSE(parse_presigned_query(query));
}

TEST(ParseRequestAuthorization, UnsignedRequestIsNullopt) {
  SigningRequest request{"GET", "/", {{"a", "b"}}, {{"Host", "h"}}, ""};
  EXPECT_FALSE(parse_request_authorization(request).has_value());
}

SigningRequest lambda_request() {
  return SigningRequest{"POST", "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Af/invocations",
                        {{"Qualifier", "live"}},
                        {{"Host", "127.0.0.1:4566"}, {"Content-Type", "application/json"}, {"User-Agent", "x"}},
                        ""};
}

TEST(ExpectedSignature, VerifiesWhatSignHeadersProduced) {
  std::chrono::system_clock::time_point time;
  ASSERT_TRUE(parse_amz_date("20261126T120000Z", time));
  SigningRequest request = lambda_request();
  SigningResult signed_result =
      sign_headers(request, signing_params_for({"AKID", "topsecret", "tok"}, "eu-west-1", "lambda", time));
  for (const auto& header : signed_result.headers_to_add) request.headers.push_back(header);
  request.headers.emplace_back("X-Unsigned-Proxy-Header", "added later");

  auto parsed = parse_request_authorization(request);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_TRUE(*parsed) << parsed->error().message;
  EXPECT_EQ((*parsed)->service, "lambda");
  EXPECT_EQ((*parsed)->amz_date, "20261126T120000Z");
  EXPECT_EQ((*parsed)->session_token, "tok");
  const CanonicalOptions options = canonical_options_for_service("lambda");
  EXPECT_TRUE(signatures_equal(expected_signature(request, **parsed, "topsecret", options).signature,
                               (*parsed)->signature));
  EXPECT_FALSE(signatures_equal(expected_signature(request, **parsed, "wrong", options).signature,
                                (*parsed)->signature));
  request.query[0].second = "tampered";
  EXPECT_FALSE(signatures_equal(expected_signature(request, **parsed, "topsecret", options).signature,
                                (*parsed)->signature));
}

TEST(ExpectedSignature, VerifiesWhatPresignQueryProduced) {
  std::chrono::system_clock::time_point time;
  ASSERT_TRUE(parse_amz_date("20261126T120000Z", time));
  SigningRequest request{"GET", "/bkt/a%20b.zip", {}, {{"Host", "localhost:9000"}}, k_unsigned_payload};
  SigningParams params = signing_params_for({"AKID", "s3secret", ""}, "us-east-1", "s3", time);
  params.expires = std::chrono::seconds(900);
  SigningResult presigned = presign_query(request, params);
  for (const auto& param : presigned.query_to_add) request.query.push_back(param);

  auto parsed = parse_request_authorization(request);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_TRUE(*parsed) << parsed->error().message;
  EXPECT_TRUE((*parsed)->presigned);
  EXPECT_EQ((*parsed)->expires_seconds, 900);
  ExpectedSignature expected = expected_signature(request, **parsed, "s3secret", canonical_options_for_service("s3"));
  EXPECT_EQ(expected.canonical_request, presigned.canonical_request);
  EXPECT_EQ(expected.signature, presigned.signature);
}

}  // namespace
}  // namespace lcd::sigv4
