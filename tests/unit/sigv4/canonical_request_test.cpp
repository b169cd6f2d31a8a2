#include <gtest/gtest.h>

#include "sigv4/canonical_request.hpp"
#include "sigv4/signer.hpp"
#include "util/clock.hpp"

namespace lcd::sigv4 {
namespace {

TEST(CanonicalUri, LambdaArnPathIsDoubleEncoded) {
  // aws-api-notes §13.7: captured from botocore, Lambda GetFunction by ARN.
  const std::string wire = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn";
  EXPECT_EQ(canonical_uri(wire, canonical_options_for_service("lambda")),
            "/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012%253Afunction%253Amy-fn");
  EXPECT_EQ(canonical_query_string({{"Qualifier", "$LATEST"}}), "Qualifier=%24LATEST");
}

TEST(CanonicalUri, LambdaSigningUsesDoubleEncodedPath) {
  SigningRequest request{"GET",
                         "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn",
                         {{"Qualifier", "$LATEST"}},
                         {{"Host", "lambda.us-east-1.amazonaws.com"}},
                         ""};
  std::chrono::system_clock::time_point time;
  ASSERT_TRUE(parse_amz_date("20150830T123600Z", time));
  SigningResult result = sign_headers(request, signing_params_for({"AKID", "secret", ""}, "us-east-1", "lambda", time));
  EXPECT_EQ(result.canonical_request,
            "GET\n/2015-03-31/functions/arn%253Aaws%253Alambda%253Aus-east-1%253A123456789012%253Afunction%253Amy-fn\n"
            "Qualifier=%24LATEST\nhost:lambda.us-east-1.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CanonicalUri, S3KeepsPathAsSent) {
  const CanonicalOptions s3 = canonical_options_for_service("s3");
  EXPECT_FALSE(s3.normalize_path);
  EXPECT_FALSE(s3.double_encode_path);
  EXPECT_EQ(canonical_uri("/bkt/a%20b/c%3Ad~e%24f.txt", s3), "/bkt/a%20b/c%3Ad~e%24f.txt");
  EXPECT_EQ(canonical_uri("/bkt//x/../y", s3), "/bkt//x/../y");
  EXPECT_EQ(canonical_uri("", s3), "/");
}

TEST(NormalizePath, DotSegmentsAndEmptySegments) {
  EXPECT_EQ(normalize_path(""), "/");
  EXPECT_EQ(normalize_path("/"), "/");
  EXPECT_EQ(normalize_path("//"), "/");
  EXPECT_EQ(normalize_path("/a/./b/"), "/a/b/");
  EXPECT_EQ(normalize_path("/a/b/.."), "/a/");
  EXPECT_EQ(normalize_path("/../../a"), "/a");
  EXPECT_EQ(normalize_path("//a//b"), "/a/b");
}

TEST(CanonicalHeaders, TrimsCollapsesSortsAndJoinsDuplicates) {
  CanonicalHeaders headers = canonical_headers({{"X-B", "  two   words \t"},
                                                {"host", "h:8080"},
                                                {"X-A", "1"},
                                                {"x-a", "2"},
                                                {"User-Agent", "never signed"},
                                                {"Authorization", "never signed"}});
  EXPECT_EQ(headers.block, "host:h:8080\nx-a:1,2\nx-b:two words\n");
  EXPECT_EQ(headers.signed_headers, "host;x-a;x-b");
}

TEST(CanonicalHeaders, OnlyListedNamesWhenVerifying) {
  CanonicalHeaders headers = canonical_headers({{"Host", "h"}, {"X-Amz-Date", "d"}, {"X-Other", "o"}},
                                               {"host", "x-amz-date"});
  EXPECT_EQ(headers.signed_headers, "host;x-amz-date");
}

TEST(CanonicalQuery, EncodesStrictlyAndSortsByEncodedName) {
  EXPECT_EQ(canonical_query_string({{"b", "a b"}, {"a", "x+y/z"}, {"a", "="}, {"empty", ""}}),
            "a=%3D&a=x%2By%2Fz&b=a%20b&empty=");
  EXPECT_EQ(canonical_query_string({}), "");
}

TEST(SignHeaders, S3AddsContentSha256AndSessionToken) {
  SigningRequest request{"PUT", "/bkt/key", {}, {{"Host", "127.0.0.1:9000"}}, k_unsigned_payload};
  std::chrono::system_clock::time_point time;
  ASSERT_TRUE(parse_amz_date("20261126T120000Z", time));
  SigningResult result = sign_headers(request, signing_params_for({"AKID", "secret", "TOKEN"}, "us-east-1", "s3", time));
  ASSERT_EQ(result.headers_to_add.size(), 4u);
  EXPECT_EQ(result.headers_to_add[0], (std::pair<std::string, std::string>{"X-Amz-Date", "20261126T120000Z"}));
  EXPECT_EQ(result.headers_to_add[1], (std::pair<std::string, std::string>{"X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"}));
  EXPECT_EQ(result.headers_to_add[2], (std::pair<std::string, std::string>{"X-Amz-Security-Token", "TOKEN"}));
  EXPECT_NE(result.canonical_request.find("host;x-amz-content-sha256;x-amz-date;x-amz-security-token\nUNSIGNED-PAYLOAD"),
            std::string::npos);
  EXPECT_EQ(result.headers_to_add[3].second,
            "AWS4-HMAC-SHA256 Credential=AKID/20261126/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=" +
                result.signature);
}

TEST(SigningKey, MatchesDocumentedDerivation) {
  // aws-api-notes §13.7: get-vanilla's string to sign signed with the derived key.
  const std::string sts =
      "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
      "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63";
  EXPECT_EQ(compute_signature(derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1",
                                                 "service"),
                              sts),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

}  // namespace
}  // namespace lcd::sigv4
