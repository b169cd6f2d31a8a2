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
  auto xml = list_objects_xml(echo, page);
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

TEST(S3Xml, ListObjectsV1HasMarkersInsteadOfV2Tokens) {
  ListRequestEcho echo;
  echo.bucket = "bkt";
  echo.max_keys = 1;
  echo.v1 = true;
  echo.start_after = "a<";
  echo.next_marker = "b";
  ListPage page;
  page.contents.push_back({"b", 1, "\"e\"", "2026-11-26T12:00:00.000Z"});
  page.is_truncated = true;
  auto xml = list_objects_xml(echo, page);
  EXPECT_NE(xml.find("<Prefix></Prefix><Marker>a&lt;</Marker><NextMarker>b</NextMarker><MaxKeys>1</MaxKeys>"
                     "<IsTruncated>true</IsTruncated>"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("KeyCount"), std::string::npos);
  EXPECT_EQ(xml.find("ContinuationToken"), std::string::npos);
}

TEST(S3Xml, RequestBodiesMayUseTheS3NamespaceOrNoneButNoOther) {
  EXPECT_TRUE(parse_location_constraint("<CreateBucketConfiguration><LocationConstraint>ap-southeast-2"
                                        "</LocationConstraint></CreateBucketConfiguration>"));
  auto other = parse_location_constraint("<CreateBucketConfiguration xmlns=\"urn:elsewhere\"/>");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, "MalformedXML");
  auto broken = parse_location_constraint("<CreateBucketConfiguration><LocationConstraint>eu-west-1");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, "MalformedXML");
}

TEST(S3Xml, ParsesDeleteObjects) {
  auto request = parse_delete_objects(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<Object><Key>a&amp;b</Key></Object><Object><Key><![CDATA[<c>]]></Key><VersionId>v</VersionId></Object>"
      "<Quiet>true</Quiet></Delete>");
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_TRUE(request->quiet);
  EXPECT_EQ(request->keys, (std::vector<std::string>{"a&b", "<c>"}));
  auto loud = parse_delete_objects("<Delete><Object><Key> spaced </Key></Object></Delete>");
  ASSERT_TRUE(loud);
  EXPECT_FALSE(loud->quiet);
  EXPECT_EQ(loud->keys, std::vector<std::string>{" spaced "}) << "keys are taken verbatim";

  std::string many = "<Delete>";
  for (size_t i = 0; i <= k_delete_objects_max_keys; ++i) many += "<Object><Key>k" + std::to_string(i) + "</Key></Object>";
  many += "</Delete>";
  for (const std::string& bad : {std::string(""), std::string("<Delete/>"), std::string("<Delete><Object/></Delete>"),
                                 std::string("<Delete><Quiet>yes</Quiet><Object><Key>k</Key></Object></Delete>"),
                                 std::string("<Remove><Object><Key>k</Key></Object></Remove>"), many}) {
    auto r = parse_delete_objects(bad);
    ASSERT_FALSE(r) << bad.substr(0, 80);
    EXPECT_EQ(r.error().code, "MalformedXML");
  }
}

}  // namespace
}  // namespace lcd::local::s3
