#include "local/s3/s3_xml.hpp"

#include <gtest/gtest.h>

namespace lcd::local::s3 {
namespace {

TEST(S3Xml, ListResultMatchesTheWireShape) {
  ListRequestEcho echo;
  echo.bucket = "bkt";
  echo.prefix = "builds/";
  echo.max_keys = 2;
  ListPage page;
  page.contents.push_back({"builds/a.zip", 5, "\"5d41402abc4b2a76b9719d911017c592\"", "2026-11-26T12:00:00.000Z"});
  page.common_prefixes.push_back("builds/x/");
  page.is_truncated = true;
  page.next_continuation_token = "tok";
  auto xml = list_objects_v2_xml(echo, page);
  EXPECT_NE(xml.find("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bkt</Name>"
                     "<Prefix>builds/</Prefix><MaxKeys>2</MaxKeys><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<Contents><Key>builds/a.zip</Key><LastModified>2026-11-26T12:00:00.000Z</LastModified>"
                     "<ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag><Size>5</Size>"
                     "<StorageClass>STANDARD</StorageClass></Contents>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<CommonPrefixes><Prefix>builds/x/</Prefix></CommonPrefixes>"), std::string::npos);
  EXPECT_NE(xml.find("<NextContinuationToken>tok</NextContinuationToken>"), std::string::npos);
}

TEST(S3Xml, ParsesCompleteMultipartUpload) {
  auto parts = parse_complete_multipart(
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Part><ETag>&quot;aaa&quot;</ETag><PartNumber>1</PartNumber></Part>"
      "<Part><PartNumber>2</PartNumber><ETag>\"bbb\"</ETag></Part></CompleteMultipartUpload>");
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].part_number, 1);
  EXPECT_EQ((*parts)[0].etag, "aaa");
  EXPECT_EQ((*parts)[1].etag, "bbb");
  for (const char* bad : {"", "<CompleteMultipartUpload></CompleteMultipartUpload>",
                          "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>a</ETag></Part>",
                          "<CompleteMultipartUpload><Part><ETag>a</ETag></Part>",
                          "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>a</ETag>"}) {
    auto r = parse_complete_multipart(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "MalformedXML");
  }
}

TEST(S3Xml, LocationConstraint) {
  EXPECT_EQ(*parse_location_constraint(""), "");
  EXPECT_EQ(*parse_location_constraint(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"),
            "eu-west-1");
  EXPECT_FALSE(parse_location_constraint("<Nope/>"));
}

TEST(S3Xml, EscapeRoundTrip) {
  std::string text = "a<b>&\"c'";
  EXPECT_EQ(xml_unescape(xml_escape(text)), text);
  EXPECT_EQ(xml_unescape("&#65;&#x42;"), "AB");
}

}  // namespace
}  // namespace lcd::local::s3
