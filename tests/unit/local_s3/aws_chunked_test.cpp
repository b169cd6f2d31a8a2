#include "local/s3/aws_chunked.hpp"

#include <gtest/gtest.h>

namespace lcd::local::s3 {
namespace {

TEST(AwsChunked, DecodesUnsignedPayloadWithTrailer) {
  // The body botocore 1.43 sends for PutObject("hello") over HTTPS (aws-api-notes §9).
  auto decoded = decode_aws_chunked("5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n");
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->payload, "hello");
  ASSERT_EQ(decoded->trailers.size(), 1u);
  EXPECT_EQ(decoded->trailers[0].first, "x-amz-checksum-crc32");
  EXPECT_EQ(decoded->trailers[0].second, "NhCmhg==");
}

TEST(AwsChunked, DecodesSignedChunksAcrossSeveralChunks) {
  std::string body =
      "a;chunk-signature=aaaa\r\n0123456789\r\n"
      "3;chunk-signature=bbbb\r\nxyz\r\n"
      "0;chunk-signature=cccc\r\n\r\n";
  auto decoded = decode_aws_chunked(body);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->payload, "0123456789xyz");
  EXPECT_TRUE(decoded->trailers.empty());
  ASSERT_EQ(decoded->chunk_signatures.size(), 3u);
  EXPECT_EQ(decoded->chunk_signatures[2], "cccc");
}

TEST(AwsChunked, KeepsBinaryDataIncludingCrlfInsideChunks) {
  std::string data("a\r\n\0b", 5);
  std::string body = "5\r\n" + data + "\r\n0\r\n\r\n";
  auto decoded = decode_aws_chunked(body);
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ(decoded->payload, data);
}

TEST(AwsChunked, SkipsTrailerSignature) {
  auto decoded = decode_aws_chunked("0\r\nx-amz-checksum-sha256:abc=\r\nx-amz-trailer-signature:ffff\r\n\r\n");
  ASSERT_TRUE(decoded) << decoded.error().message;
  ASSERT_EQ(decoded->trailers.size(), 1u);
  EXPECT_EQ(decoded->trailers[0].first, "x-amz-checksum-sha256");
}

TEST(AwsChunked, RejectsFramingErrors) {
  EXPECT_FALSE(decode_aws_chunked("5\r\nhel"));                    // truncated data
  EXPECT_FALSE(decode_aws_chunked("5\r\nhelloXX0\r\n\r\n"));       // no CRLF after data
  EXPECT_FALSE(decode_aws_chunked("zz\r\nhello\r\n0\r\n\r\n"));    // bad hex size
  EXPECT_FALSE(decode_aws_chunked("5"));                           // header without CRLF
  EXPECT_FALSE(decode_aws_chunked("0\r\nnot-a-trailer\r\n\r\n"));  // trailer without colon
  EXPECT_FALSE(decode_aws_chunked("0\r\n\r\ngarbage"));            // data after the end
  EXPECT_FALSE(decode_aws_chunked("5;foo=bar\r\nhello\r\n0\r\n\r\n"));
  auto err = decode_aws_chunked("ffffffff\r\nab\r\n0\r\n\r\n");
  ASSERT_FALSE(err);
  EXPECT_NE(err.error().message.find("truncated"), std::string::npos);
}

TEST(AwsChunked, RecognisesStreamingMarkers) {
  EXPECT_TRUE(is_streaming_payload("STREAMING-UNSIGNED-PAYLOAD-TRAILER"));
  EXPECT_TRUE(is_streaming_payload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
  EXPECT_FALSE(is_streaming_payload("UNSIGNED-PAYLOAD"));
  EXPECT_FALSE(is_streaming_payload("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

}  // namespace
}  // namespace lcd::local::s3
