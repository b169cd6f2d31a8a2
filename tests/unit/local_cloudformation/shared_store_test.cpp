// Lambda, S3 and CloudFormation keep their tables in the endpoint's one SQLite database and their
// bytes in one blob directory: a blob both Lambda and S3 refer to stays until neither does, and a
// stacks database from releases that kept CloudFormation apart is imported once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "endpoint_fixture.hpp"
#include "local/sqlite_db.hpp"
#include "local/state_layout.hpp"
#include "util/clock.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::local::cloudformation {
namespace {

constexpr const char* k_template = R"({
  "Resources": {
    "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "shared-bucket"}},
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
      "FunctionName": "shared-fn", "Runtime": "nodejs20.x", "Handler": "index.handler",
      "Role": "arn:aws:iam::000000000000:role/r",
      "Code": {"ZipFile": "exports.handler = async () => 'shared';"}}}
  }
})";

// Adds what these tests read directly: the function's package hash.
class Endpoint : public test::Endpoint {
 public:
  using test::Endpoint::Endpoint;
  std::string function_code_hex(const std::string& name) {
    auto row = m_store->read([&] { return m_store->get_function(Scope{"000000000000", "us-east-1"}, name); });
    EXPECT_TRUE(row && *row);
    return row && *row ? code_sha_to_hex((*row)->code_sha256) : std::string();
  }
};

std::string create_stack_form(const std::string& name) {
  return "Action=CreateStack&StackName=" + name + "&TemplateBody=" + uri_encode(k_template);
}

TEST(SharedStore, AFailedStackWriteIsNeverAcknowledged) {
  TempDir state("lcd-shared");
  Endpoint endpoint(state.path());
  // Another connection takes the table away: every later stack write fails.
  auto db = SqliteDb::open(state_database(state.path()), "");
  ASSERT_TRUE(db) << db.error().message;
  ASSERT_TRUE((*db)->exec("DROP TABLE stacks"));
  auto created = endpoint.cfn(create_stack_form("lost"));
  EXPECT_EQ(created.status, 500) << created.body;
  EXPECT_NE(created.body.find("<Code>InternalFailure</Code>"), std::string::npos) << created.body;
  EXPECT_NE(created.body.find("could not be saved"), std::string::npos) << created.body;
  auto later = endpoint.cfn("Action=DescribeStacks");
  EXPECT_EQ(later.status, 500) << "state the endpoint could not keep stays refused: " << later.body;
}

TEST(SharedStore, ThreeServicesOneDatabaseOneBlobDirectory) {
  TempDir state("lcd-shared");
  {
    Endpoint endpoint(state.path());
    auto created = endpoint.cfn(create_stack_form("shared"));
    ASSERT_EQ(created.status, 200) << created.body;
    std::string described = endpoint.wait_for("shared");
    ASSERT_NE(described.find("<StackStatus>CREATE_COMPLETE</StackStatus>"), std::string::npos) << described;
    ASSERT_TRUE(endpoint.m_s3->put_object_bytes("shared-bucket", "k", "object bytes"));
  }
  auto db = SqliteDb::open(state_database(state.path()), "");
  ASSERT_TRUE(db) << db.error().message;
  for (const char* table : {"functions", "versions", "aliases", "buckets", "objects", "uploads", "parts", "stacks"}) {
    auto found = (*db)->query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", {table});
    ASSERT_TRUE(found);
    EXPECT_EQ(found->size(), 1u) << table;
  }
  EXPECT_EQ(int_of((*(*db)->query("SELECT COUNT(*) FROM functions WHERE name = 'shared-fn'"))[0][0]), 1);
  EXPECT_EQ(int_of((*(*db)->query("SELECT COUNT(*) FROM objects WHERE bucket = 'shared-bucket'"))[0][0]), 1);
  EXPECT_EQ(int_of((*(*db)->query("SELECT COUNT(*) FROM stacks"))[0][0]), 1);
  EXPECT_FALSE(std::filesystem::exists(state.path() / "s3"));
  EXPECT_FALSE(std::filesystem::exists(state.path() / "cloudformation"));
  // The package and the object are both in the one blob directory.
  size_t blobs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(state_blob_dir(state.path()))) {
    blobs += entry.path().extension() == ".zip" ? 1 : 0;
  }
  EXPECT_EQ(blobs, 2u);
  // Everything is still there after a restart.
  Endpoint again(state.path());
  std::string described = again.wait_for("shared");
  EXPECT_NE(described.find("<StackStatus>CREATE_COMPLETE</StackStatus>"), std::string::npos) << described;
  EXPECT_EQ(*again.m_s3->get_object_bytes("shared-bucket", "k"), "object bytes");
  EXPECT_FALSE(again.function_code_hex("shared-fn").empty());
}

TEST(SharedStore, ABlobLambdaRefersToOutlivesTheS3ObjectWithTheSameBytes) {
  TempDir state("lcd-shared");
  Endpoint endpoint(state.path());
  ASSERT_EQ(endpoint.cfn(create_stack_form("blobs")).status, 200);
  ASSERT_NE(endpoint.wait_for("blobs").find("CREATE_COMPLETE"), std::string::npos);
  std::string hex = endpoint.function_code_hex("shared-fn");
  ASSERT_FALSE(hex.empty());
  auto package = endpoint.m_blobs.get(hex);
  ASSERT_TRUE(package) << package.error().message;
  // An S3 object with exactly the function's package bytes shares its blob.
  auto put = endpoint.m_s3->put_object_bytes("shared-bucket", "backup.zip", *package);
  ASSERT_TRUE(put) << put.error().message;
  EXPECT_EQ(put->blob, hex);
  ASSERT_TRUE(endpoint.m_s3->store().delete_object("shared-bucket", "backup.zip"));
  EXPECT_TRUE(endpoint.m_blobs.contains(hex)) << "S3 removed a blob Lambda still refers to";
  // Overwriting the object (the other path that drops S3's last reference) keeps it too.
  ASSERT_TRUE(endpoint.m_s3->put_object_bytes("shared-bucket", "backup.zip", *package));
  ASSERT_TRUE(endpoint.m_s3->put_object_bytes("shared-bucket", "backup.zip", "other bytes"));
  EXPECT_TRUE(endpoint.m_blobs.contains(hex));
  // The function still serves its code after S3 let go of the bytes.
  HttpRequest get;
  get.method = "GET";
  get.raw_path = get.path = "/2015-03-31/functions/shared-fn";
  auto got = endpoint.m_lambda->handle(get, RequestContext{});
  EXPECT_EQ(got.status, 200) << got.body;
  // Once the stack (and with it the function) is deleted, nothing refers to the blob; the next
  // S3 release of the same bytes removes it.
  ASSERT_EQ(endpoint.cfn("Action=DeleteStack&StackName=blobs").status, 200);
  endpoint.wait_for("blobs");
  ASSERT_TRUE(endpoint.m_s3->put_object_bytes("shared-bucket", "again.zip", *package));
  ASSERT_TRUE(endpoint.m_s3->store().delete_object("shared-bucket", "again.zip"));
  EXPECT_FALSE(endpoint.m_blobs.contains(hex));
}

TEST(SharedStore, ALambdaPackageUploadedWhileS3DropsTheSameBytesSurvives) {
  TempDir state("lcd-shared");
  Endpoint endpoint(state.path());
  ASSERT_TRUE(endpoint.m_s3->create_bucket("race"));
  // Lambda stores a package whose bytes S3 keeps putting and deleting on another thread.
  std::string zip_body = "exports.handler = async () => 'race';";
  std::string form = "Action=CreateStack&StackName=race&TemplateBody=" +
                     uri_encode(R"({"Resources":{"Fn":{"Type":"AWS::Lambda::Function","Properties":{
                       "FunctionName":"race-fn","Runtime":"nodejs20.x","Handler":"index.handler",
                       "Role":"arn:aws:iam::000000000000:role/r","Code":{"ZipFile":")" +
                                std::string(zip_body) + R"("}}}}})");
  ASSERT_EQ(endpoint.cfn(form).status, 200);
  ASSERT_NE(endpoint.wait_for("race").find("CREATE_COMPLETE"), std::string::npos);
  std::string hex = endpoint.function_code_hex("race-fn");
  auto package = endpoint.m_blobs.get(hex);
  ASSERT_TRUE(package);
  // Delete the function's stack, then race: S3 puts/deletes the bytes while Lambda re-creates a
  // function with the same package. Whatever the interleaving, the function's blob must exist.
  ASSERT_EQ(endpoint.cfn("Action=DeleteStack&StackName=race").status, 200);
  endpoint.wait_for("race");
  std::atomic<bool> stop{false};
  std::thread s3_side([&] {
    while (!stop) {
      (void)endpoint.m_s3->put_object_bytes("race", "p.zip", *package);
      (void)endpoint.m_s3->store().delete_object("race", "p.zip");
    }
  });
  for (int i = 0; i < 20; ++i) {
    std::string name = "race-" + std::to_string(i);
    HttpRequest create;
    create.method = "POST";
    create.raw_path = create.path = "/2015-03-31/functions";
    create.body = R"({"FunctionName":")" + name + R"(","Runtime":"nodejs20.x","Handler":"index.handler",)"
                  R"("Role":"arn:aws:iam::000000000000:role/r","Code":{"ZipFile":")" + base64_encode(*package) + "\"}}";
    auto created = endpoint.m_lambda->handle(create, RequestContext{});
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_TRUE(endpoint.m_blobs.contains(hex)) << "iteration " << i;
    HttpRequest remove;
    remove.method = "DELETE";
    remove.raw_path = remove.path = "/2015-03-31/functions/" + name;
    ASSERT_EQ(endpoint.m_lambda->handle(remove, RequestContext{}).status, 204);
  }
  stop = true;
  s3_side.join();
}

TEST(SharedStore, ALegacyStacksDatabaseIsImportedOnce) {
  TempDir source("lcd-shared");
  std::vector<SqlRow> rows;
  {
    Endpoint endpoint(source.path());
    ASSERT_EQ(endpoint.cfn(create_stack_form("legacy")).status, 200);
    ASSERT_NE(endpoint.wait_for("legacy").find("CREATE_COMPLETE"), std::string::npos);
    auto db = SqliteDb::open(state_database(source.path()), "");
    ASSERT_TRUE(db);
    auto got = (*db)->query("SELECT stack_id, seq, doc FROM stacks");
    ASSERT_TRUE(got);
    rows = *got;
  }
  ASSERT_EQ(rows.size(), 1u);
  // The old layout: <state>/cloudformation/stacks.sqlite3 with the previous release's schema.
  TempDir state("lcd-shared");
  {
    auto old = SqliteDb::open(state.path() / "cloudformation" / "stacks.sqlite3",
                              "CREATE TABLE IF NOT EXISTS stacks (stack_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, "
                              "doc TEXT NOT NULL);");
    ASSERT_TRUE(old);
    ASSERT_TRUE((*old)->exec("INSERT INTO stacks VALUES (?, ?, ?)", {rows[0][0], rows[0][1], rows[0][2]}));
  }
  {
    Endpoint endpoint(state.path());
    std::string described = endpoint.wait_for("legacy");
    EXPECT_NE(described.find("<StackStatus>CREATE_COMPLETE</StackStatus>"), std::string::npos) << described;
    EXPECT_NE(described.find(text_of(rows[0][0])), std::string::npos);
  }
  EXPECT_FALSE(std::filesystem::exists(state.path() / "cloudformation" / "stacks.sqlite3"));
  EXPECT_TRUE(std::filesystem::exists(state.path() / "cloudformation" / "stacks.sqlite3.migrated"));
  Endpoint again(state.path());
  auto db = SqliteDb::open(state_database(state.path()), "");
  ASSERT_TRUE(db);
  EXPECT_EQ(int_of((*(*db)->query("SELECT COUNT(*) FROM stacks"))[0][0]), 1);
}

}  // namespace
}  // namespace lcd::local::cloudformation
