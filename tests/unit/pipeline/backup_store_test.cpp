#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "util/encoding.hpp"
#include "fake_s3.hpp"
#include "harness.hpp"
#include "pipeline/backup_store.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"

namespace lcd::pipeline {
namespace {

using test::Bench;
using test::FakeS3;

struct BackupBench : Bench {
  FakeS3 s3_service;
  clients::S3Client s3{s3_service};
  BackupContext backup{s3, clock, observer, "backups", "us-east-1"};

  // A deploy + publish of `zip` as build `build`, as the pipeline would leave it.
  PublishOutcome publish(const std::string& zip, const std::string& build) {
    EXPECT_TRUE(write_file_atomic(dir.path() / "package.zip", zip));
    clients::CreateFunctionRequest req;
    if (!lambda_service.exists) {
      req.function_name = "fn";
      req.role = "arn:aws:iam::000000000000:role/r";
      req.runtime = "nodejs20.x";
      req.handler = "index.handler";
      req.code.zip_file = zip;
      EXPECT_TRUE(lambda.create_function(req));
    } else {
      clients::UpdateFunctionCodeRequest up;
      up.function_name = "fn";
      up.code.zip_file = zip;
      EXPECT_TRUE(lambda.update_function_code(up));
    }
    clients::PublishVersionRequest pub;
    pub.function_name = "fn";
    pub.description = "build " + build;
    auto v = lambda.publish_version(pub);
    EXPECT_TRUE(v);
    PublishOutcome out;
    out.build = build;
    out.version = v->version;
    out.code_sha256 = v->code_sha256;
    return out;
  }
};

TEST(BackupStore, PublishedBuildIsStoredWithItsManifest) {
  BackupBench b;
  b.launcher.exit_codes.clear();
  auto published = b.publish("zip-bytes-1", "7");
  auto stored = backup_published_build(*b.ctx, b.backup, published, b.dir.path() / "package.zip");
  ASSERT_TRUE(stored) << stored.error().message;
  // The bucket did not exist: created first.
  EXPECT_EQ(b.s3_service.count("CreateBucket"), 1);
  const auto& objects = b.s3_service.buckets.at("backups");
  ASSERT_EQ(objects.count("fn/builds/7/package.zip"), 1u);
  EXPECT_EQ(objects.at("fn/builds/7/package.zip"), "zip-bytes-1");
  ASSERT_EQ(objects.count("fn/builds/7/manifest.json"), 1u);
  // The manifest is written after the zip.
  EXPECT_EQ(b.s3_service.log.back().path, "/backups/fn/builds/7/manifest.json");

  auto manifest = nlohmann::json::parse(objects.at("fn/builds/7/manifest.json"));
  EXPECT_EQ(manifest["function"], "fn");
  EXPECT_EQ(manifest["build"], "7");
  EXPECT_EQ(manifest["version"], "1");
  EXPECT_EQ(manifest["CodeSha256"], base64_encode(sha256("zip-bytes-1")));
  EXPECT_EQ(manifest["zip_size"], 11);
  EXPECT_EQ(manifest["time"], "2027-01-15T08:00:00.000Z");
  // The fake launcher's `git rev-parse HEAD` printed no commit hash: recorded as unknown.
  EXPECT_TRUE(manifest["git_commit"].is_null());
  ASSERT_FALSE(b.launcher.runs.empty());
  EXPECT_EQ(b.launcher.runs.back().argv, (std::vector<std::string>{"git", "rev-parse", "HEAD"}));
  EXPECT_EQ(b.launcher.runs.back().cwd, b.dir.path());
}

TEST(BackupStore, GitCommitIsRecordedWhenKnown) {
  struct GitLauncher : ProcessLauncher {
    Result<ProcessResult> run(const ProcessSpec&) override {
      ProcessResult r;
      r.exit_code = 0;
      r.output = "0123456789abcdef0123456789abcdef01234567\n";
      return r;
    }
  } git;
  EXPECT_EQ(git_head_commit(git, "/"), "0123456789abcdef0123456789abcdef01234567");
  struct NoGit : ProcessLauncher {
    Result<ProcessResult> run(const ProcessSpec&) override {
      ProcessResult r;
      r.exit_code = 128;
      r.output = "fatal: not a git repository\n";
      return r;
    }
  } none;
  EXPECT_EQ(git_head_commit(none, "/"), "");
}

TEST(BackupStore, RefusesAZipThatIsNotThePublishedCode) {
  BackupBench b;
  auto published = b.publish("zip-v1", "1");
  ASSERT_TRUE(write_file_atomic(b.dir.path() / "package.zip", "zip-v2-rebuilt"));
  auto stored = backup_published_build(*b.ctx, b.backup, published, b.dir.path() / "package.zip");
  ASSERT_FALSE(stored);
  EXPECT_NE(stored.error().message.find("not backing up build 1"), std::string::npos);
  EXPECT_EQ(b.s3_service.count("PutObject"), 0);
}

TEST(BackupStore, NoBucketIsAConfigurationError) {
  BackupBench b;
  b.backup.bucket = "";
  auto published = b.publish("zip-v1", "1");
  auto stored = backup_published_build(*b.ctx, b.backup, published, b.dir.path() / "package.zip");
  ASSERT_FALSE(stored);
  EXPECT_EQ(stored.error().code, k_config_error);
  EXPECT_NE(stored.error().message.find("[backup] bucket"), std::string::npos);
}

TEST(BackupStore, ListsBackupsInBuildOrderAndManifestRoundTrips) {
  BackupBench b;
  for (const char* build : {"10", "2", "9"}) {
    auto p = b.publish(std::string("zip-") + build, build);
    ASSERT_TRUE(backup_published_build(*b.ctx, b.backup, p, b.dir.path() / "package.zip"));
  }
  auto all = list_backups(b.backup, "fn");
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].build, "2");
  EXPECT_EQ((*all)[1].build, "9");
  EXPECT_EQ((*all)[2].build, "10");
  EXPECT_EQ((*all)[2].version, "1");
  EXPECT_EQ((*all)[0].zip_key, "fn/builds/2/package.zip");

  EXPECT_FALSE(parse_manifest("[]"));
  EXPECT_FALSE(parse_manifest("{\"function\": \"fn\"}"));
}

TEST(Restore, BringsBackADeletedFunctionAndPublishesTheBuild) {
  BackupBench b;
  auto p1 = b.publish("zip-one", "1");
  ASSERT_TRUE(backup_published_build(*b.ctx, b.backup, p1, b.dir.path() / "package.zip"));
  auto p2 = b.publish("zip-two", "2");
  ASSERT_TRUE(backup_published_build(*b.ctx, b.backup, p2, b.dir.path() / "package.zip"));

  // The function is deleted (with its versions).
  b.lambda_service = test::FakeLambda{};
  auto restored = run_restore(*b.ctx, b.backup, "1");
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_TRUE(restored->function_created);
  EXPECT_TRUE(restored->code_uploaded);
  EXPECT_FALSE(restored->via_s3);
  EXPECT_EQ(restored->version, "1");
  EXPECT_EQ(restored->code_sha256, base64_encode(sha256("zip-one")));
  EXPECT_EQ(b.lambda_service.latest["CodeSha256"], base64_encode(sha256("zip-one")));
  EXPECT_EQ(b.lambda_service.latest["Role"], "arn:aws:iam::000000000000:role/r");
  ASSERT_EQ(b.lambda_service.versions.size(), 1u);
  EXPECT_EQ(b.lambda_service.versions[0].config["Description"], "build 1");
  auto publish_body = nlohmann::json::parse(b.lambda_service.log.back().body);
  EXPECT_EQ(publish_body["CodeSha256"], base64_encode(sha256("zip-one")));

  // Restoring build 2 over it updates $LATEST's code and publishes version 2.
  auto again = run_restore(*b.ctx, b.backup, "2");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->function_created);
  EXPECT_TRUE(again->code_uploaded);
  EXPECT_EQ(again->version, "2");
  EXPECT_EQ(b.lambda_service.count("UpdateFunctionCode"), 1);
}

TEST(Restore, SameCodeReusesTheVersionAndTagsTheBuild) {
  BackupBench b;
  auto p1 = b.publish("zip-one", "1");
  ASSERT_TRUE(backup_published_build(*b.ctx, b.backup, p1, b.dir.path() / "package.zip"));
  auto restored = run_restore(*b.ctx, b.backup, "1");
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_FALSE(restored->code_uploaded);
  EXPECT_EQ(b.lambda_service.count("UpdateFunctionCode"), 0);
  EXPECT_EQ(restored->version, "1");
  EXPECT_FALSE(restored->reused_version);  // version 1 is already "build 1"
}

TEST(Restore, MissingBuildNamesTheBackedUpOnesAndDamagedBackupIsRefused) {
  BackupBench b;
  auto p = b.publish("zip-one", "4");
  ASSERT_TRUE(backup_published_build(*b.ctx, b.backup, p, b.dir.path() / "package.zip"));
  auto missing = run_restore(*b.ctx, b.backup, "5");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
  EXPECT_NE(missing.error().message.find("no backup of build 5"), std::string::npos);
  EXPECT_NE(missing.error().message.find("backed-up builds: 4"), std::string::npos);

  b.s3_service.buckets["backups"]["fn/builds/4/package.zip"] = "tampered";
  const int mutations = b.lambda_service.mutating_calls();
  auto damaged = run_restore(*b.ctx, b.backup, "4");
  ASSERT_FALSE(damaged);
  EXPECT_NE(damaged.error().message.find("is damaged"), std::string::npos);
  EXPECT_EQ(b.lambda_service.mutating_calls(), mutations);
}

TEST(LargePackage, StagedWithMultipartAndReusedWhenPresent) {
  BackupBench b;
  // 8 MiB parts: a 17 MiB + 3 byte file is three parts.
  const uint64_t size = 17 * 1024 * 1024 + 3;
  std::string big(size, '\0');
  for (uint64_t i = 0; i < size; ++i) big[i] = static_cast<char>((i * 131) % 251);
  const auto path = b.dir.path() / "big.zip";
  ASSERT_TRUE(write_file_atomic(path, big));
  const std::string sha = base64_encode(sha256(big));
  auto code = stage_large_package(b.backup, "fn", path, sha);
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_EQ(code->s3_bucket, "backups");
  EXPECT_EQ(code->s3_key, "fn/packages/" + hex_encode(sha256(big)) + ".zip");
  EXPECT_TRUE(code->zip_file.empty());
  EXPECT_EQ(b.s3_service.count("UploadPart"), 3);
  EXPECT_EQ(b.s3_service.buckets["backups"][code->s3_key], big);
  EXPECT_TRUE(b.observer.saw("progress uploading package 17825795/17825795 part 3/3, 17.0 of 17.0 MiB"));

  auto again = stage_large_package(b.backup, "fn", path, sha);
  ASSERT_TRUE(again);
  EXPECT_EQ(b.s3_service.count("UploadPart"), 3);  // already there
}

TEST(LargePackage, FailedPartAbortsAndLeavesNoObject) {
  BackupBench b;
  const std::string big(9 * 1024 * 1024, 'x');
  const auto path = b.dir.path() / "big.zip";
  ASSERT_TRUE(write_file_atomic(path, big));
  b.s3_service.fail_upload_part = 2;
  auto code = stage_large_package(b.backup, "fn", path, base64_encode(sha256(big)));
  ASSERT_FALSE(code);
  EXPECT_EQ(code.error().code, "InternalError");
  EXPECT_EQ(b.s3_service.count("AbortMultipartUpload"), 1);
  EXPECT_TRUE(b.s3_service.uploads.empty());
  EXPECT_TRUE(b.s3_service.buckets["backups"].empty());

  b.backup.bucket = "";
  auto no_bucket = stage_large_package(b.backup, "fn", path, "x");
  ASSERT_FALSE(no_bucket);
  EXPECT_EQ(no_bucket.error().code, k_config_error);
  EXPECT_NE(no_bucket.error().message.find("50 MB"), std::string::npos);
}

}  // namespace
}  // namespace lcd::pipeline
