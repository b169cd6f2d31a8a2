#include "local/s3/checksums.hpp"

#include <gtest/gtest.h>

#include "util/crypto.hpp"

namespace lcd::local::s3 {
namespace {

TEST(Checksums, KnownVectors) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);   // the CRC-32 check value
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);  // the CRC-32C (Castagnoli) check value
  EXPECT_EQ(*checksum_base64("crc32", "hello"), "NhCmhg==");
  EXPECT_EQ(*checksum_base64("crc32c", "123456789"), "4waSgw==");
  EXPECT_EQ(*checksum_base64("sha1", "hello"), "qvTGHdzF6KLavt4PO0gs2a6pQ00=");
  EXPECT_EQ(*checksum_base64("sha256", "hello"), "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
  EXPECT_FALSE(checksum_base64("md7", "hello"));
}

TEST(Checksums, VerifiesHeadersAndReportsBadDigest) {
  auto ok = verify_checksums({{"X-Amz-Checksum-CRC32", "NhCmhg=="}, {"Content-Type", "x"}}, "hello");
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].first, "crc32");

  auto bad = verify_checksums({{"x-amz-checksum-sha256", "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="}}, "hellO");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "BadDigest");
  EXPECT_NE(bad.error().message.find("SHA256"), std::string::npos);

  auto unknown = verify_checksums({{"x-amz-checksum-md7", "x"}}, "hello");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "InvalidRequest");
}

TEST(Checksums, ContentMd5) {
  EXPECT_TRUE(verify_content_md5("XUFAKrxLKna5cZ2REBfFkg==", "hello"));
  auto mismatch = verify_content_md5("XUFAKrxLKna5cZ2REBfFkg==", "hello!");
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, "BadDigest");
  auto invalid = verify_content_md5("not base64!", "hello");
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code, "InvalidDigest");
}

TEST(Etag, SinglePartIsQuotedHexMd5) {
  EXPECT_EQ(single_part_etag("hello"), "\"5d41402abc4b2a76b9719d911017c592\"");
  EXPECT_EQ(single_part_etag(""), "\"d41d8cd98f00b204e9800998ecf8427e\"");
}

TEST(Etag, MultipartIsMd5OfPartMd5sWithCount) {
  // Parts "aaaaaaaaaa" and "b"; expected value computed independently with Python's hashlib.
  std::vector<std::string> parts = {lcd::md5(std::string(10, 'a')), lcd::md5("b")};
  EXPECT_EQ(multipart_etag(parts), "\"3192ca8a7eba2efb8c52f8e48729e5f1-2\"");
}

TEST(Etag, Unquote) {
  EXPECT_EQ(unquote_etag("\"abc\""), "abc");
  EXPECT_EQ(unquote_etag(" abc "), "abc");
}

}  // namespace
}  // namespace lcd::local::s3
