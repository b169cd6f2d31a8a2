// The S3 service's region, account and condition rules, request by request (no HTTP server: the
// requests are what the router hands the service), on real SQLite in a temporary state directory.
#include "local/s3/s3_service.hpp"

#include <gtest/gtest.h>

#include "local/sqlite_db.hpp"
#include "local/state_layout.hpp"
#include "util/file_io.hpp"

namespace lcd::local::s3 {
namespace {

constexpr const char* k_account = "111111111111";
constexpr const char* k_other_account = "222222222222";

class S3ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = S3Service::open({m_state.path(), "us-east-1", "000000000000"});
    ASSERT_TRUE(opened) << opened.error().message;
    m_service = std::move(*opened);
  }

  // A request signed for `region` by `account` (as its 12-digit access key).
  HttpResponse send(const std::string& method, const std::string& path, const std::string& region,
                    std::string body = "", HeaderList headers = {}, const std::string& account = k_account,
                    QueryList query = {}) {
    HttpRequest request;
    request.method = method;
    request.path = path;
    request.raw_path = path;
    request.body = std::move(body);
    request.headers = std::move(headers);
    request.query = std::move(query);
    RequestContext context;
    context.region = region;
    context.account_id = account;
    context.access_key = account;
    context.request_id = "req-1";
    context.protocol = WireProtocol::rest_xml;
    return m_service->handle(request, context);
  }

  static std::string constraint(const std::string& region) {
    return "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
           region + "</LocationConstraint></CreateBucketConfiguration>";
  }

  static std::string header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  TempDir m_state{"lcd-s3-service"};
  std::unique_ptr<S3Service> m_service;
};

TEST_F(S3ServiceTest, CreateBucketFollowsTheRequestsRegion) {
  auto unspecified = send("PUT", "/eu-bucket", "eu-west-1");
  EXPECT_EQ(unspecified.status, 400);
  EXPECT_NE(unspecified.body.find("<Code>IllegalLocationConstraintException</Code>"), std::string::npos);
  EXPECT_NE(unspecified.body.find("The unspecified location constraint"), std::string::npos);
  auto wrong = send("PUT", "/eu-bucket", "ap-southeast-2", constraint("eu-west-1"));
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("The eu-west-1 location constraint is incompatible"), std::string::npos);
  EXPECT_EQ(send("PUT", "/eu-bucket", "eu-west-1", constraint("eu-west-1")).status, 200);
  EXPECT_EQ(send("PUT", "/us-bucket", "us-east-1", constraint("us-east-1")).status, 400);
  EXPECT_EQ(send("PUT", "/us-bucket", "us-east-1").status, 200);

  // GetBucketLocation answers from any region; us-east-1 is the empty element.
  auto location = send("GET", "/eu-bucket", "us-east-1", "", {}, k_account, {{"location", ""}});
  EXPECT_EQ(location.status, 200);
  EXPECT_NE(location.body.find(">eu-west-1</LocationConstraint>"), std::string::npos) << location.body;
  auto us_location = send("GET", "/us-bucket", "eu-west-1", "", {}, k_account, {{"location", ""}});
  EXPECT_NE(us_location.body.find("\"></LocationConstraint>"), std::string::npos) << us_location.body;

  auto head = send("HEAD", "/eu-bucket", "eu-west-1");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(header(head, "x-amz-bucket-region"), "eu-west-1");
}

TEST_F(S3ServiceTest, ARequestSignedForAnotherRegionGetsTheBucketsRegion) {
  ASSERT_EQ(send("PUT", "/eu-bucket", "eu-west-1", constraint("eu-west-1")).status, 200);
  ASSERT_EQ(send("PUT", "/eu-bucket/k", "eu-west-1", "data").status, 200);

  auto get = send("GET", "/eu-bucket/k", "us-east-1");
  EXPECT_EQ(get.status, 400);
  EXPECT_NE(get.body.find("<Code>AuthorizationHeaderMalformed</Code>"), std::string::npos) << get.body;
  EXPECT_NE(get.body.find("<Region>eu-west-1</Region>"), std::string::npos) << get.body;
  EXPECT_EQ(header(get, "x-amz-bucket-region"), "eu-west-1");

  auto head = send("HEAD", "/eu-bucket", "ap-southeast-2");
  EXPECT_EQ(head.status, 400);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(header(head, "x-amz-bucket-region"), "eu-west-1");

  // Nothing was written by the refused request.
  EXPECT_EQ(send("PUT", "/eu-bucket/k", "ap-southeast-2", "other").status, 400);
  EXPECT_EQ(send("GET", "/eu-bucket/k", "eu-west-1").body, "data");
}

TEST_F(S3ServiceTest, BucketNamesAreGlobalAndOwnedByOneAccount) {
  ASSERT_EQ(send("PUT", "/shared-name", "us-east-1").status, 200);
  // Re-creating your own us-east-1 bucket there is AWS's legacy 200; elsewhere it is 409.
  EXPECT_EQ(send("PUT", "/shared-name", "us-east-1").status, 200);
  ASSERT_EQ(send("PUT", "/eu-name", "eu-west-1", constraint("eu-west-1")).status, 200);
  auto again = send("PUT", "/eu-name", "eu-west-1", constraint("eu-west-1"));
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("<Code>BucketAlreadyOwnedByYou</Code>"), std::string::npos);
  auto taken = send("PUT", "/shared-name", "us-east-1", "", {}, k_other_account);
  EXPECT_EQ(taken.status, 409);
  EXPECT_NE(taken.body.find("<Code>BucketAlreadyExists</Code>"), std::string::npos);
  auto taken_elsewhere = send("PUT", "/shared-name", "eu-west-1", constraint("eu-west-1"), {}, k_other_account);
  EXPECT_NE(taken_elsewhere.body.find("<Code>BucketAlreadyExists</Code>"), std::string::npos);

  // Another account cannot reach it, and does not list it.
  auto denied = send("GET", "/shared-name", "us-east-1", "", {}, k_other_account);
  EXPECT_EQ(denied.status, 403);
  EXPECT_NE(denied.body.find("<Code>AccessDenied</Code>"), std::string::npos);
  auto mine = send("GET", "/", "us-east-1");
  EXPECT_NE(mine.body.find("<Name>shared-name</Name>"), std::string::npos);
  EXPECT_NE(mine.body.find("<BucketRegion>eu-west-1</BucketRegion>"), std::string::npos) << mine.body;
  auto theirs = send("GET", "/", "us-east-1", "", {}, k_other_account);
  EXPECT_EQ(theirs.status, 200);
  EXPECT_EQ(theirs.body.find("<Name>"), std::string::npos) << theirs.body;
  auto only_eu = send("GET", "/", "us-east-1", "", {}, k_account, {{"bucket-region", "eu-west-1"}});
  EXPECT_NE(only_eu.body.find("<Name>eu-name</Name>"), std::string::npos);
  EXPECT_EQ(only_eu.body.find("<Name>shared-name</Name>"), std::string::npos);
}

TEST_F(S3ServiceTest, ConditionalPutsCreateOnceAndSwapOnTheETag) {
  ASSERT_EQ(send("PUT", "/bkt", "us-east-1").status, 200);
  auto first = send("PUT", "/bkt/lock", "us-east-1", "one", {{"If-None-Match", "*"}});
  ASSERT_EQ(first.status, 200);
  std::string etag = header(first, "ETag");
  auto second = send("PUT", "/bkt/lock", "us-east-1", "two", {{"If-None-Match", "*"}});
  EXPECT_EQ(second.status, 412);
  EXPECT_NE(second.body.find("<Code>PreconditionFailed</Code>"), std::string::npos);
  EXPECT_NE(second.body.find("<Condition>If-None-Match</Condition>"), std::string::npos) << second.body;
  EXPECT_EQ(send("GET", "/bkt/lock", "us-east-1").body, "one");

  auto stale = send("PUT", "/bkt/lock", "us-east-1", "three", {{"If-Match", "\"0000\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_NE(stale.body.find("<Condition>If-Match</Condition>"), std::string::npos);
  EXPECT_EQ(send("PUT", "/bkt/lock", "us-east-1", "three", {{"If-Match", etag}}).status, 200);
  EXPECT_EQ(send("GET", "/bkt/lock", "us-east-1").body, "three");
  EXPECT_EQ(send("PUT", "/bkt/none", "us-east-1", "x", {{"If-Match", etag}}).status, 404);
  EXPECT_EQ(send("PUT", "/bkt/none", "us-east-1", "x", {{"If-None-Match", etag}}).status, 400);
}

TEST_F(S3ServiceTest, ConditionalDeletesTakeTheCurrentETagOrStar) {
  // AWS: DeleteObject with If-Match on general purpose buckets (2025-09): 412 on another ETag,
  // 404 NoSuchKey when there is no object, 204 when it matches (an ETag or *).
  ASSERT_EQ(send("PUT", "/bkt", "us-east-1").status, 200);
  std::string etag = header(send("PUT", "/bkt/lock", "us-east-1", "one"), "ETag");
  auto stale = send("DELETE", "/bkt/lock", "us-east-1", "", {{"If-Match", "\"0000\""}});
  EXPECT_EQ(stale.status, 412);
  EXPECT_NE(stale.body.find("<Condition>If-Match</Condition>"), std::string::npos) << stale.body;
  EXPECT_EQ(send("GET", "/bkt/lock", "us-east-1").body, "one");
  EXPECT_EQ(send("DELETE", "/bkt/lock", "us-east-1", "", {{"If-Match", etag}}).status, 204);
  EXPECT_EQ(send("GET", "/bkt/lock", "us-east-1").status, 404);
  EXPECT_EQ(send("DELETE", "/bkt/lock", "us-east-1", "", {{"If-Match", etag}}).status, 404);
  EXPECT_EQ(send("DELETE", "/bkt/lock", "us-east-1").status, 204);  // unconditional: missing is fine
  ASSERT_EQ(send("PUT", "/bkt/lock", "us-east-1", "two").status, 200);
  EXPECT_EQ(send("DELETE", "/bkt/lock", "us-east-1", "", {{"If-Match", "*"}}).status, 204);
  EXPECT_EQ(send("GET", "/bkt/lock", "us-east-1").status, 404);
}

TEST_F(S3ServiceTest, AConditionalWriteOvertakenWhileUploadingIsAConflict) {
  ASSERT_EQ(send("PUT", "/bkt", "us-east-1").status, 200);
  // The request found no object as it arrived; another write landed before it committed.
  WriteCondition create;
  create.if_none_match = true;
  create.observed = true;
  create.observed_etag = std::nullopt;
  ASSERT_TRUE(m_service->store().put_object("bkt", "lock", "winner", {}, {}));
  auto late = m_service->store().put_object("bkt", "lock", "loser", {}, {}, create);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().http_status, 409);
  EXPECT_EQ(late.error().code, "ConditionalRequestConflict");
  EXPECT_EQ(*m_service->get_object_bytes("bkt", "lock"), "winner");

  WriteCondition swap;
  swap.if_match = "anything";
  swap.observed = true;
  swap.observed_etag = "\"anything\"";
  auto swapped = m_service->store().put_object("bkt", "lock", "loser", {}, {}, swap);
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().code, "ConditionalRequestConflict");
  EXPECT_EQ(*m_service->get_object_bytes("bkt", "lock"), "winner");
}

TEST_F(S3ServiceTest, ConditionalReadsAndStoredChecksums) {
  ASSERT_EQ(send("PUT", "/bkt", "us-east-1").status, 200);
  auto put = send("PUT", "/bkt/hello", "us-east-1", "hello", {{"x-amz-checksum-crc32", "NhCmhg=="}});
  ASSERT_EQ(put.status, 200) << put.body;
  std::string etag = header(put, "ETag");
  auto not_modified = send("GET", "/bkt/hello", "us-east-1", "", {{"If-None-Match", etag}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(header(not_modified, "ETag"), etag);
  EXPECT_FALSE(header(not_modified, "Last-Modified").empty());
  auto since_epoch = send("GET", "/bkt/hello", "us-east-1", "", {{"If-Unmodified-Since", "Thu, 01 Jan 1970 00:00:00 GMT"}});
  EXPECT_EQ(since_epoch.status, 412);
  EXPECT_NE(since_epoch.body.find("<Condition>If-Unmodified-Since</Condition>"), std::string::npos);
  auto head_failed = send("HEAD", "/bkt/hello", "us-east-1", "", {{"If-Match", "\"x\""}});
  EXPECT_EQ(head_failed.status, 412);
  EXPECT_TRUE(head_failed.body.empty());

  auto plain = send("GET", "/bkt/hello", "us-east-1");
  EXPECT_EQ(header(plain, "x-amz-checksum-crc32"), "");
  auto with_mode = send("GET", "/bkt/hello", "us-east-1", "", {{"x-amz-checksum-mode", "ENABLED"}});
  EXPECT_EQ(header(with_mode, "x-amz-checksum-crc32"), "NhCmhg==");
  EXPECT_EQ(header(with_mode, "x-amz-checksum-type"), "FULL_OBJECT");
  auto ranged = send("GET", "/bkt/hello", "us-east-1", "", {{"x-amz-checksum-mode", "ENABLED"}, {"Range", "bytes=0-1"}});
  EXPECT_EQ(ranged.status, 206);
  EXPECT_EQ(header(ranged, "x-amz-checksum-crc32"), "");
}

TEST(S3BucketOwners, BucketsFromBeforeOwnersBelongToTheDefaultAccount) {
  TempDir state("lcd-s3-owners");
  {
    auto db = SqliteDb::open(state_database(state.path()),
                             "CREATE TABLE buckets (name TEXT PRIMARY KEY, region TEXT NOT NULL, created TEXT NOT NULL);");
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->exec("INSERT INTO buckets VALUES ('old-eu', 'eu-west-1', '2024-01-01T00:00:00.000Z')"));
  }
  auto service = S3Service::open({state.path(), "us-east-1", "333333333333"});
  ASSERT_TRUE(service) << service.error().message;
  auto info = (*service)->store().bucket_info("old-eu");
  ASSERT_TRUE(info && *info);
  EXPECT_EQ((*info)->region, "eu-west-1");
  EXPECT_EQ((*info)->account, "333333333333");
  auto listed = (*service)->store().list_buckets("333333333333");
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);
  // Opening again (with another default) changes no owner.
  service->reset();
  auto again = S3Service::open({state.path(), "us-east-1", "444444444444"});
  ASSERT_TRUE(again);
  EXPECT_EQ((*(*again)->store().bucket_info("old-eu"))->account, "333333333333");
}

}  // namespace
}  // namespace lcd::local::s3
