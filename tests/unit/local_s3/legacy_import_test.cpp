// State written by releases that kept S3 apart (<state>/s3/s3.sqlite3, <state>/s3/blobs) is
// imported into the shared store on open, once, and nothing is lost.
#include <gtest/gtest.h>

#include "local/s3/s3_service.hpp"
#include "local/sqlite_db.hpp"
#include "local/state_layout.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::local::s3 {
namespace {

// The schema of <state>/s3/s3.sqlite3 as the previous release created it.
constexpr const char* k_old_schema = R"sql(
CREATE TABLE IF NOT EXISTS buckets (name TEXT PRIMARY KEY, region TEXT NOT NULL, created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
  bucket TEXT NOT NULL, key TEXT NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
  last_modified TEXT NOT NULL, last_modified_ms INTEGER NOT NULL, headers_json TEXT NOT NULL,
  checksums_json TEXT NOT NULL, PRIMARY KEY (bucket, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS objects_blob ON objects(blob);
CREATE TABLE IF NOT EXISTS uploads (
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key TEXT NOT NULL, headers_json TEXT NOT NULL,
  created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parts (
  upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, blob TEXT NOT NULL, size INTEGER NOT NULL,
  md5_hex TEXT NOT NULL, PRIMARY KEY (upload_id, part_number)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS parts_blob ON parts(blob);
)sql";

// Writes an old-layout state dir: bucket "old-bucket" with two objects and an open multipart
// upload with one part; returns the hex names of the object blobs.
std::vector<std::string> write_old_layout(const std::filesystem::path& state) {
  auto db = SqliteDb::open(state / "s3" / "s3.sqlite3", k_old_schema);
  EXPECT_TRUE(db) << db.error().message;
  std::vector<std::string> hexes;
  EXPECT_TRUE(ensure_directory(state / "s3" / "blobs"));
  for (const std::string body : {"first object", "second object", "a part"}) {
    std::string hex = hex_encode(sha256(body));
    EXPECT_TRUE(write_file_atomic(state / "s3" / "blobs" / (hex + ".zip"), body));
    hexes.push_back(hex);
  }
  EXPECT_TRUE((*db)->exec("INSERT INTO buckets VALUES ('old-bucket', 'us-east-1', '2024-01-01T00:00:00.000Z')"));
  const char* insert_object = "INSERT INTO objects VALUES ('old-bucket', ?, ?, ?, ?, '2024-01-01T00:00:00.000Z', "
                              "1704067200000, '[[\"Content-Type\",\"text/plain\"]]', '[]')";
  EXPECT_TRUE((*db)->exec(insert_object, {"a.txt", hexes[0], int64_t{12}, "\"" + hex_encode(md5("first object")) + "\""}));
  EXPECT_TRUE((*db)->exec(insert_object, {"dir/b.txt", hexes[1], int64_t{13}, "\"" + hex_encode(md5("second object")) + "\""}));
  EXPECT_TRUE((*db)->exec("INSERT INTO uploads VALUES ('up1', 'old-bucket', 'big', '[]', '2024-01-01T00:00:00.000Z')"));
  EXPECT_TRUE((*db)->exec("INSERT INTO parts VALUES ('up1', 1, ?, 6, ?)", {hexes[2], hex_encode(md5("a part"))}));
  return hexes;
}

TEST(S3LegacyImport, ObjectsUploadsAndBlobsSurviveAndTheImportRunsOnce) {
  TempDir state("lcd-s3-legacy");
  auto hexes = write_old_layout(state.path());
  {
    auto service = S3Service::open({state.path(), "us-east-1", "000000000000"});
    ASSERT_TRUE(service) << service.error().message;
    auto a = (*service)->get_object_bytes("old-bucket", "a.txt");
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(*a, "first object");
    auto b = (*service)->get_object_bytes("old-bucket", "dir/b.txt");
    ASSERT_TRUE(b) << b.error().message;
    EXPECT_EQ(*b, "second object");
    auto meta = (*service)->store().head_object("old-bucket", "a.txt");
    ASSERT_TRUE(meta);
    EXPECT_EQ(meta->etag, "\"" + hex_encode(md5("first object")) + "\"");
    ASSERT_EQ(meta->headers.size(), 1u);
    EXPECT_EQ(meta->headers[0].second, "text/plain");
    // The upload in progress can still be completed.
    auto done = (*service)->store().complete_upload("old-bucket", "big", "up1", {{1, hex_encode(md5("a part"))}});
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(*(*service)->get_object_bytes("old-bucket", "big"), "a part");
  }
  // Rows and blobs now live in the shared places; the old files are renamed, not deleted.
  EXPECT_FALSE(std::filesystem::exists(state.path() / "s3" / "s3.sqlite3"));
  EXPECT_TRUE(std::filesystem::exists(state.path() / "s3" / "s3.sqlite3.migrated"));
  EXPECT_TRUE(std::filesystem::exists(state.path() / "s3" / "blobs.migrated"));
  for (const auto& hex : hexes) EXPECT_TRUE(std::filesystem::exists(state_blob_dir(state.path()) / (hex + ".zip")));
  auto shared = SqliteDb::open(state_database(state.path()), "");
  ASSERT_TRUE(shared);
  auto count = (*shared)->query("SELECT COUNT(*) FROM objects WHERE bucket = 'old-bucket'");
  ASSERT_TRUE(count);
  EXPECT_EQ(int_of((*count)[0][0]), 3);
  // Reopening imports nothing again and still serves the objects.
  auto again = S3Service::open({state.path(), "us-east-1", "000000000000"});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*(*again)->get_object_bytes("old-bucket", "dir/b.txt"), "second object");
  auto deleted = (*again)->store().delete_object("old-bucket", "a.txt");
  ASSERT_TRUE(deleted);
  EXPECT_FALSE(std::filesystem::exists(state_blob_dir(state.path()) / (hexes[0] + ".zip")));
}

TEST(S3LegacyImport, AnImportInterruptedBeforeTheRenameIsRedoneWithoutDuplicates) {
  TempDir state("lcd-s3-legacy");
  write_old_layout(state.path());
  // A crash between the committed import and the rename: the rows are already in the shared
  // database when the legacy file is seen again.
  {
    auto service = S3Service::open({state.path(), "us-east-1", "000000000000"});
    ASSERT_TRUE(service);
  }
  std::filesystem::rename(state.path() / "s3" / "s3.sqlite3.migrated", state.path() / "s3" / "s3.sqlite3");
  std::filesystem::rename(state.path() / "s3" / "blobs.migrated", state.path() / "s3" / "blobs");
  auto service = S3Service::open({state.path(), "us-east-1", "000000000000"});
  ASSERT_TRUE(service) << service.error().message;
  auto listed = (*service)->store().list_objects("old-bucket", "");
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 2u);
  EXPECT_EQ(*(*service)->get_object_bytes("old-bucket", "a.txt"), "first object");
}

}  // namespace
}  // namespace lcd::local::s3
