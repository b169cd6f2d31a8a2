#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "clients/s3_client.hpp"
#include "fakes.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::clients {
namespace {

using test::ok;
using test::ScriptedCaller;

std::string query_value(const aws::ServiceRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.query)
    if (k == name) return v;
  return "<absent>";
}

std::string header_value(const aws::ServiceRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "<absent>";
}

TEST(S3Client, PutObjectIsPathStyleWithMd5AndPayloadHash) {
  ScriptedCaller caller([](const aws::ServiceRequest&) { return ok("", 200, {{"ETag", "\"5d41402abc4b2a76b9719d911017c592\""}}); });
  S3Client s3(caller);
  PutOptions options;
  options.content_type = "application/zip";
  options.metadata["build"] = "7";
  auto put = s3.put_object("bkt", "fn/builds/7/package zip+.zip", "hello", options);
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(put->etag, "\"5d41402abc4b2a76b9719d911017c592\"");
  ASSERT_EQ(caller.requests.size(), 1u);
  const auto& r = caller.requests[0];
  EXPECT_EQ(r.service, "s3");
  EXPECT_EQ(r.protocol, aws::Protocol::rest_xml);
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.path, "/bkt/fn/builds/7/package%20zip%2B.zip");
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(header_value(r, "Content-MD5"), "XUFAKrxLKna5cZ2REBfFkg==");
  EXPECT_EQ(r.payload_hash, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_EQ(header_value(r, "Content-Type"), "application/zip");
  EXPECT_EQ(header_value(r, "x-amz-meta-build"), "7");
}

TEST(S3Client, CreateBucketSendsLocationConstraintOutsideUsEast1) {
  ScriptedCaller caller([](const aws::ServiceRequest&) { return ok(""); });
  S3Client s3(caller);
  ASSERT_TRUE(s3.create_bucket("b1", "us-east-1"));
  ASSERT_TRUE(s3.create_bucket("b2", "eu-west-1"));
  ASSERT_EQ(caller.requests.size(), 2u);
  EXPECT_EQ(caller.requests[0].path, "/b1");
  EXPECT_EQ(caller.requests[0].method, "PUT");
  EXPECT_TRUE(caller.requests[0].body.empty());
  EXPECT_NE(caller.requests[1].body.find("<LocationConstraint>eu-west-1</LocationConstraint>"), std::string::npos);
}

TEST(S3Client, HeadBucketPassesNotFoundThrough) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    return test::aws_error(ErrorKind::not_found, 404, "404", "Not Found");
  });
  S3Client s3(caller);
  auto head = s3.head_bucket("nope");
  ASSERT_FALSE(head);
  EXPECT_EQ(head.error().kind, ErrorKind::not_found);
  EXPECT_EQ(caller.requests[0].method, "HEAD");
  EXPECT_EQ(caller.requests[0].path, "/nope");
}

// A fake bucket that records multipart traffic; fails UploadPart number `fail_part` when set.
struct MultipartServer {
  int fail_part = 0;
  std::map<int, std::string> parts;
  bool completed = false;
  bool aborted = false;
  std::string complete_body;

  Result<aws::ServiceResponse> operator()(const aws::ServiceRequest& r) {
    if (r.operation == "CreateMultipartUpload") {
      return ok("<?xml version=\"1.0\"?><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                "<UploadId>up-1</UploadId></InitiateMultipartUploadResult>");
    }
    if (r.operation == "UploadPart") {
      int n = std::stoi(query_value(r, "partNumber"));
      if (n == fail_part) return test::aws_error(ErrorKind::server, 500, "InternalError", "boom");
      parts[n] = r.body;
      return ok("", 200, {{"ETag", "\"" + hex_encode(md5(r.body)) + "\""}});
    }
    if (r.operation == "CompleteMultipartUpload") {
      completed = true;
      complete_body = r.body;
      return ok("<CompleteMultipartUploadResult><ETag>\"abc-3\"</ETag></CompleteMultipartUploadResult>");
    }
    if (r.operation == "AbortMultipartUpload") {
      aborted = true;
      return ok("", 204);
    }
    return test::aws_error(ErrorKind::internal, 500, "Unexpected", r.operation);
  }
};

TEST(S3Client, MultipartSplitsIntoFixedPartsAndReportsProgress) {
  MultipartServer server;
  ScriptedCaller caller([&](const aws::ServiceRequest& r) { return server(r); });
  S3Client s3(caller);
  std::string data;
  for (int i = 0; i < 25; ++i) data += static_cast<char>('a' + i);
  std::vector<UploadProgress> seen;
  auto reader = [&](uint64_t off, uint64_t n) -> Result<std::string> { return data.substr(off, n); };
  auto done = s3.multipart_upload("b", "dir/k.zip", data.size(), reader, {}, [&](const UploadProgress& p) { seen.push_back(p); }, 10);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->etag, "\"abc-3\"");
  ASSERT_EQ(server.parts.size(), 3u);
  EXPECT_EQ(server.parts[1], data.substr(0, 10));
  EXPECT_EQ(server.parts[2], data.substr(10, 10));
  EXPECT_EQ(server.parts[3], data.substr(20));
  EXPECT_TRUE(server.completed);
  EXPECT_FALSE(server.aborted);
  EXPECT_NE(server.complete_body.find("<Part><PartNumber>2</PartNumber><ETag>&quot;" + hex_encode(md5(data.substr(10, 10))) +
                                      "&quot;</ETag></Part>"),
            std::string::npos)
      << server.complete_body;
  // Requests: create, 3 parts, complete; parts carry uploadId and their own MD5.
  ASSERT_EQ(caller.requests.size(), 5u);
  EXPECT_EQ(caller.requests[0].method, "POST");
  EXPECT_EQ(query_value(caller.requests[0], "uploads"), "");
  EXPECT_EQ(caller.requests[0].path, "/b/dir/k.zip");
  EXPECT_EQ(query_value(caller.requests[2], "uploadId"), "up-1");
  EXPECT_EQ(header_value(caller.requests[2], "Content-MD5"), base64_encode(md5(data.substr(10, 10))));
  EXPECT_EQ(query_value(caller.requests[4], "uploadId"), "up-1");
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen.front().bytes_sent, 0u);
  EXPECT_EQ(seen[2].bytes_sent, 20u);
  EXPECT_EQ(seen.back().bytes_sent, 25u);
  EXPECT_EQ(seen.back().parts_done, 3);
  EXPECT_EQ(seen.back().parts_total, 3);
}

TEST(S3Client, MultipartAbortsWhenAPartFails) {
  MultipartServer server;
  server.fail_part = 2;
  ScriptedCaller caller([&](const aws::ServiceRequest& r) { return server(r); });
  S3Client s3(caller);
  std::string data(30, 'x');
  auto reader = [&](uint64_t off, uint64_t n) -> Result<std::string> { return data.substr(off, n); };
  auto done = s3.multipart_upload("b", "k", data.size(), reader, {}, {}, 10);
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, "InternalError");
  EXPECT_TRUE(server.aborted);
  EXPECT_FALSE(server.completed);
  EXPECT_EQ(server.parts.size(), 1u);  // part 3 never sent
  EXPECT_EQ(caller.requests.back().operation, "AbortMultipartUpload");
  EXPECT_EQ(caller.requests.back().method, "DELETE");
  EXPECT_EQ(query_value(caller.requests.back(), "uploadId"), "up-1");
}

TEST(S3Client, MultipartAbortsWhenTheSourceFailsOrCompleteReturnsAnErrorDocument) {
  {
    MultipartServer server;
    ScriptedCaller caller([&](const aws::ServiceRequest& r) { return server(r); });
    S3Client s3(caller);
    auto reader = [&](uint64_t off, uint64_t) -> Result<std::string> {
      if (off > 0) return fail(ErrorKind::io, "disk gone");
      return std::string(10, 'a');
    };
    auto done = s3.multipart_upload("b", "k", 20, reader, {}, {}, 10);
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message, "disk gone");
    EXPECT_TRUE(server.aborted);
  }
  {
    // S3 can answer CompleteMultipartUpload with 200 and an <Error> body.
    bool aborted = false;
    ScriptedCaller caller([&](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
      if (r.operation == "CreateMultipartUpload")
        return ok("<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>");
      if (r.operation == "UploadPart") return ok("", 200, {{"etag", "\"e\""}});
      if (r.operation == "AbortMultipartUpload") {
        aborted = true;
        return ok("", 204);
      }
      return ok("<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>");
    });
    S3Client s3(caller);
    auto reader = [&](uint64_t, uint64_t n) -> Result<std::string> { return std::string(n, 'z'); };
    auto done = s3.multipart_upload("b", "k", 15, reader, {}, {}, 10);
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code, "InternalError");
    EXPECT_TRUE(aborted);
  }
}

TEST(S3Client, UploadFileUsesOnePutWhenSmallAndMultipartWhenLarge) {
  TempDir dir("s3-client-test");
  const auto small = dir.path() / "small.zip";
  const auto large = dir.path() / "large.zip";
  ASSERT_TRUE(write_file_atomic(small, "tiny"));
  std::string big;
  for (int i = 0; i < 35; ++i) big += static_cast<char>(i);
  ASSERT_TRUE(write_file_atomic(large, big));

  MultipartServer server;
  ScriptedCaller caller([&](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    if (r.operation == "PutObject") return ok("", 200, {{"ETag", "\"t\""}});
    return server(r);
  });
  S3Client s3(caller);
  ASSERT_TRUE(s3.upload_file("b", "s", small, {}, {}, 10));
  ASSERT_EQ(caller.requests.size(), 1u);
  EXPECT_EQ(caller.requests[0].operation, "PutObject");
  EXPECT_EQ(caller.requests[0].body, "tiny");

  ASSERT_TRUE(s3.upload_file("b", "l", large, {}, {}, 10));
  ASSERT_EQ(server.parts.size(), 4u);
  std::string joined;
  for (const auto& [n, body] : server.parts) joined += body;
  EXPECT_EQ(joined, big);

  auto missing = s3.upload_file("b", "m", dir.path() / "missing.zip");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::io);
}

TEST(S3Client, ListObjectsFollowsContinuationTokens) {
  ScriptedCaller caller([](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    if (query_value(r, "continuation-token") == "<absent>") {
      return ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<Name>bkt</Name><Prefix>fn/</Prefix><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>"
                "<Contents><Key>fn/a &amp; b</Key><LastModified>2026-11-26T12:00:00.000Z</LastModified>"
                "<ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag><Size>5</Size><StorageClass>STANDARD</StorageClass></Contents>"
                "<Contents><Key>fn/b</Key><Size>7</Size></Contents>"
                "<NextContinuationToken>tok/1=</NextContinuationToken></ListBucketResult>");
    }
    return ok("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>fn/c</Key><Size>0</Size></Contents></ListBucketResult>");
  });
  S3Client s3(caller);
  auto list = s3.list_objects("bkt", "fn/");
  ASSERT_TRUE(list) << list.error().message;
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].key, "fn/a & b");
  EXPECT_EQ((*list)[0].etag, "\"5d41402abc4b2a76b9719d911017c592\"");
  EXPECT_EQ((*list)[0].size, 5);
  EXPECT_EQ((*list)[1].size, 7);
  EXPECT_EQ((*list)[2].key, "fn/c");
  ASSERT_EQ(caller.requests.size(), 2u);
  EXPECT_EQ(caller.requests[0].method, "GET");
  EXPECT_EQ(caller.requests[0].path, "/bkt");
  EXPECT_EQ(query_value(caller.requests[0], "list-type"), "2");
  EXPECT_EQ(query_value(caller.requests[0], "prefix"), "fn/");
  EXPECT_EQ(query_value(caller.requests[1], "continuation-token"), "tok/1=");
}

TEST(S3Client, ListObjectsRejectsATruncatedPageWithoutToken) {
  ScriptedCaller caller([](const aws::ServiceRequest&) {
    return ok("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>");
  });
  S3Client s3(caller);
  auto list = s3.list_objects("bkt");
  ASSERT_FALSE(list);
  EXPECT_EQ(caller.requests.size(), 1u);
}

TEST(S3Client, GetObjectToMemoryAndFileAndHeadObject) {
  ScriptedCaller caller([](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    aws::HeaderList h{{"Content-Length", "5"}, {"ETag", "\"e\""}, {"Content-Type", "application/zip"},
                      {"X-Amz-Meta-Build", "12"}};
    if (r.method == "HEAD") return ok("", 200, h);
    if (r.path == "/b/short") return ok("hel", 200, h);
    return ok("hello", 200, h);
  });
  S3Client s3(caller);
  auto got = s3.get_object("b", "k");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->body, "hello");
  EXPECT_EQ(got->info.metadata.at("build"), "12");
  EXPECT_EQ(got->info.content_type, "application/zip");

  TempDir dir("s3-get");
  auto info = s3.get_object_to_file("b", "k", dir.path() / "out.zip");
  ASSERT_TRUE(info);
  EXPECT_EQ(*read_file(dir.path() / "out.zip"), "hello");

  auto head = s3.head_object("b", "k");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->content_length, 5);
  EXPECT_EQ(caller.requests.back().method, "HEAD");

  auto truncated = s3.get_object("b", "short");
  ASSERT_FALSE(truncated);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "short.zip"));
}

TEST(S3Client, DeleteObjectAcceptsNoContent) {
  ScriptedCaller caller([](const aws::ServiceRequest&) { return ok("", 204); });
  S3Client s3(caller);
  ASSERT_TRUE(s3.delete_object("b", "a/b c"));
  EXPECT_EQ(caller.requests[0].method, "DELETE");
  EXPECT_EQ(caller.requests[0].path, "/b/a/b%20c");
}

TEST(S3Xml, ParsersRejectWrongDocuments) {
  EXPECT_FALSE(parse_initiate_multipart_upload("<InitiateMultipartUploadResult></InitiateMultipartUploadResult>"));
  EXPECT_FALSE(parse_list_objects_v2("<Other/>"));
  EXPECT_FALSE(parse_list_objects_v2("<ListBucketResult><Contents><Key>k</Key><Size>x</Size></Contents></ListBucketResult>"));
  auto err = parse_complete_multipart_upload("<Error><Code>NoSuchUpload</Code><Message>gone</Message></Error>");
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().kind, ErrorKind::not_found);
}

}  // namespace
}  // namespace lcd::clients
