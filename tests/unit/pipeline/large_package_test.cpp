// deploy with packages over Lambda's 50 MB direct-upload limit (staged in the artifact bucket),
// and `status` listing the backed-up builds from it.

#include <gtest/gtest.h>

#include <cstring>

#include <nlohmann/json.hpp>

#include "fake_s3.hpp"
#include "harness.hpp"
#include "pipeline/backup_store.hpp"
#include "pipeline/deploy_step.hpp"
#include "pipeline/pipeline_runner.hpp"
#include "pipeline/status_step.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"

namespace lcd::pipeline {
namespace {

using test::Bench;
using test::FakeS3;

// Incompressible bytes (xorshift64), different for each seed.
std::string random_bytes(uint64_t size, uint64_t seed) {
  std::string out(size, '\0');
  uint64_t x = 0x9E3779B97F4A7C15ULL ^ (seed * 0xBF58476D1CE4E5B9ULL);
  for (uint64_t i = 0; i < size; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::memcpy(out.data() + i, &x, std::min<uint64_t>(8, size - i));
  }
  return out;
}

// Just over the limit: 50 MiB + 1 KiB is seven 8 MiB parts.
constexpr uint64_t k_large = static_cast<uint64_t>(k_direct_upload_limit) + 1024;

struct LargeBench : Bench {
  FakeS3 s3_service;
  clients::S3Client s3{s3_service};
  BackupContext artifacts{s3, clock, observer, "artifacts", "us-east-1"};

  LargeBench() {
    ctx->artifacts = &artifacts;
    // Lambda fetches S3 code from the same (fake) S3.
    lambda_service.s3_code = [this](const std::string& bucket, const std::string& key) -> std::optional<std::string> {
      auto b = s3_service.buckets.find(bucket);
      if (b == s3_service.buckets.end()) return std::nullopt;
      auto o = b->second.find(key);
      if (o == b->second.end()) return std::nullopt;
      return o->second;
    };
  }

  PackageOutput package_of(std::string content) {
    packager.content = std::move(content);
    auto p = packager.build();
    EXPECT_TRUE(p);
    return *p;
  }

  const aws::ServiceRequest* last(const std::string& operation) const {
    for (auto it = lambda_service.log.rbegin(); it != lambda_service.log.rend(); ++it) {
      if (it->operation == operation) return &*it;
    }
    return nullptr;
  }
};

std::string staged_key(const std::string& zip) { return "fn/packages/" + hex_encode(sha256(zip)) + ".zip"; }

TEST(LargeDeploy, CreatesThenUpdatesThroughTheArtifactBucket) {
  LargeBench b;
  const std::string v1 = random_bytes(k_large, 1);
  auto p1 = b.package_of(v1);
  ASSERT_GT(p1.zip_size, k_direct_upload_limit);

  auto created = run_deploy(*b.ctx, p1, false);
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_TRUE(created->created);
  EXPECT_TRUE(created->via_s3);
  EXPECT_EQ(created->s3_location, "s3://artifacts/" + staged_key(v1));
  // The bucket did not exist: created, then the zip uploaded in seven parts.
  EXPECT_EQ(b.s3_service.count("CreateBucket"), 1);
  EXPECT_EQ(b.s3_service.count("UploadPart"), 7);
  EXPECT_EQ(b.s3_service.buckets["artifacts"][staged_key(v1)], v1);
  // CreateFunction named the S3 object and carried no zip.
  const auto* create = b.last("CreateFunction");
  ASSERT_NE(create, nullptr);
  auto code = nlohmann::json::parse(create->body)["Code"];
  EXPECT_EQ(code["S3Bucket"], "artifacts");
  EXPECT_EQ(code["S3Key"], staged_key(v1));
  EXPECT_FALSE(code.contains("ZipFile"));
  EXPECT_LT(create->body.size(), 4096u);
  EXPECT_EQ(b.lambda_service.latest["CodeSha256"], p1.code_sha256);
  // Progress went through the observer, ending at the full size.
  EXPECT_TRUE(b.observer.saw("uploading package (50.0 MiB) to s3://artifacts/" + staged_key(v1)));
  EXPECT_TRUE(b.observer.saw("progress uploading package " + std::to_string(k_large) + "/" + std::to_string(k_large) +
                             " part 7/7, 50.0 of 50.0 MiB"));
  EXPECT_EQ(summarize(*created), "created the function through s3://artifacts/" + staged_key(v1));

  // A changed large package: UpdateFunctionCode from its own staged object.
  const std::string v2 = random_bytes(k_large, 2);
  auto p2 = b.package_of(v2);
  auto updated = run_deploy(*b.ctx, p2, false);
  ASSERT_TRUE(updated) << updated.error().describe();
  EXPECT_FALSE(updated->created);
  EXPECT_TRUE(updated->code_uploaded);
  EXPECT_TRUE(updated->via_s3);
  const auto* update = b.last("UpdateFunctionCode");
  ASSERT_NE(update, nullptr);
  auto body = nlohmann::json::parse(update->body);
  EXPECT_EQ(body["S3Bucket"], "artifacts");
  EXPECT_EQ(body["S3Key"], staged_key(v2));
  EXPECT_FALSE(body.contains("ZipFile"));
  EXPECT_EQ(b.lambda_service.latest["CodeSha256"], p2.code_sha256);
  EXPECT_EQ(b.s3_service.count("UploadPart"), 14);

  // The same package again: nothing uploaded anywhere.
  auto same = run_deploy(*b.ctx, p2, false);
  ASSERT_TRUE(same) << same.error().describe();
  EXPECT_FALSE(same->code_uploaded);
  EXPECT_FALSE(same->via_s3);
  EXPECT_EQ(b.s3_service.count("UploadPart"), 14);
  EXPECT_EQ(b.lambda_service.count("UpdateFunctionCode"), 1);
}

TEST(LargeDeploy, StagedObjectAlreadyThereIsNotUploadedAgain) {
  LargeBench b;
  const std::string v1 = random_bytes(k_large, 3);
  auto p1 = b.package_of(v1);
  b.s3_service.buckets["artifacts"][staged_key(v1)] = v1;  // an earlier run staged it
  auto created = run_deploy(*b.ctx, p1, false);
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_TRUE(created->via_s3);
  EXPECT_EQ(b.s3_service.count("UploadPart"), 0);
  EXPECT_EQ(b.s3_service.count("PutObject"), 0);
  EXPECT_EQ(b.lambda_service.latest["CodeSha256"], p1.code_sha256);
}

TEST(LargeDeploy, WithoutABucketIsAConfigurationErrorAndChangesNothing) {
  LargeBench b;
  auto p = b.package_of(random_bytes(k_large, 4));
  b.ctx->artifacts = nullptr;
  auto none = run_deploy(*b.ctx, p, false);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, k_config_error);
  EXPECT_NE(none.error().message.find("over Lambda's 50 MB limit for direct upload"), std::string::npos)
      << none.error().message;
  EXPECT_NE(none.error().message.find("set [backup] bucket"), std::string::npos);
  EXPECT_EQ(b.lambda_service.mutating_calls(), 0);

  // A dry run says the same: it cannot be done as configured.
  auto dry = run_deploy(*b.ctx, p, true);
  ASSERT_FALSE(dry);
  EXPECT_EQ(dry.error().code, k_config_error);

  // An empty bucket name counts as none.
  b.artifacts.bucket = "";
  b.ctx->artifacts = &b.artifacts;
  auto empty = run_deploy(*b.ctx, p, false);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, k_config_error);
  EXPECT_TRUE(b.s3_service.log.empty());
  EXPECT_EQ(b.lambda_service.mutating_calls(), 0);
}

TEST(LargeDeploy, UnchangedLargeCodeNeedsNoBucket) {
  LargeBench b;
  auto p = b.package_of(random_bytes(k_large, 5));
  ASSERT_TRUE(run_deploy(*b.ctx, p, false));
  b.ctx->artifacts = nullptr;
  auto again = run_deploy(*b.ctx, p, false);
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_FALSE(again->code_uploaded);
  EXPECT_FALSE(again->via_s3);
}

TEST(LargeDeploy, DryRunSaysWhereItWouldUploadAndTouchesNothing) {
  LargeBench b;
  const std::string v1 = random_bytes(k_large, 6);
  auto p1 = b.package_of(v1);
  auto create = run_deploy(*b.ctx, p1, true);
  ASSERT_TRUE(create) << create.error().describe();
  EXPECT_TRUE(create->dry_run);
  EXPECT_TRUE(create->created);
  EXPECT_TRUE(create->via_s3);
  EXPECT_EQ(create->s3_location, "s3://artifacts/" + staged_key(v1));
  EXPECT_TRUE(b.observer.saw("would create function fn"));
  EXPECT_TRUE(b.observer.saw("uploaded through s3://artifacts/" + staged_key(v1)));
  EXPECT_TRUE(b.s3_service.log.empty());
  EXPECT_EQ(b.lambda_service.mutating_calls(), 0);
  EXPECT_EQ(summarize(*create), "dry run: would create the function through s3://artifacts/" + staged_key(v1));

  // An existing function with other code: the dry run names the object the update would use.
  auto small = b.package_of("small-zip");
  ASSERT_TRUE(run_deploy(*b.ctx, small, false));
  const int mutations = b.lambda_service.mutating_calls();
  auto update = run_deploy(*b.ctx, p1, true);
  ASSERT_TRUE(update) << update.error().describe();
  EXPECT_FALSE(update->created);
  EXPECT_TRUE(update->code_uploaded);
  EXPECT_TRUE(b.observer.saw("would upload code"));
  EXPECT_TRUE(b.observer.saw(") through s3://artifacts/" + staged_key(v1)));
  EXPECT_TRUE(b.s3_service.log.empty());
  EXPECT_EQ(b.lambda_service.mutating_calls(), mutations);
}

TEST(LargeDeploy, SmallPackageGoesDirectEvenWithABucket) {
  LargeBench b;
  auto p = b.package_of("small-zip");
  auto d = run_deploy(*b.ctx, p, false);
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_FALSE(d->via_s3);
  EXPECT_TRUE(d->s3_location.empty());
  EXPECT_TRUE(b.s3_service.log.empty());
  auto code = nlohmann::json::parse(b.last("CreateFunction")->body)["Code"];
  EXPECT_EQ(code["ZipFile"], base64_encode("small-zip"));
}

TEST(LargeDeploy, PipelineDeploysALargePackageThroughTheBucket) {
  LargeBench b;
  b.packager.content = random_bytes(k_large, 7);
  auto report = run_pipeline(*b.ctx, b.packager, {"1", ""});
  ASSERT_TRUE(report.ok) << (report.error ? report.error->describe() : "");
  ASSERT_TRUE(report.deploy);
  EXPECT_TRUE(report.deploy->via_s3);
  EXPECT_EQ(b.s3_service.count("UploadPart"), 7);
  EXPECT_EQ(b.lambda_service.versions.size(), 1u);
}

// `status` with an artifact bucket: the backed-up builds next to versions and aliases.
struct StatusBench : LargeBench {
  void publish_and_back_up(const std::string& zip, const std::string& build) {
    auto p = package_of(zip);
    ASSERT_TRUE(run_deploy(*ctx, p, false));
    auto published = run_publish(*ctx, build, false);
    ASSERT_TRUE(published) << published.error().describe();
    auto stored = backup_published_build(*ctx, artifacts, *published, p.zip_path);
    ASSERT_TRUE(stored) << stored.error().describe();
  }
};

TEST(StatusBackups, ListsBackedUpBuildsWithVersionShaSizeAndTime) {
  StatusBench b;
  b.publish_and_back_up("zip-one", "1");
  b.publish_and_back_up("zip-two", "2");
  auto s = run_status(*b.ctx);
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->versions.size(), 2u);
  EXPECT_TRUE(s->backups.configured);
  EXPECT_EQ(s->backups.bucket, "artifacts");
  EXPECT_TRUE(s->backups.error.empty()) << s->backups.error;
  ASSERT_EQ(s->backups.builds.size(), 2u);
  const auto& second = s->backups.builds[1];
  EXPECT_EQ(second.build, "2");
  EXPECT_EQ(second.version, "2");
  EXPECT_EQ(second.code_sha256, base64_encode(sha256("zip-two")));
  EXPECT_EQ(second.zip_size, 7);
  EXPECT_EQ(second.created_at, "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(second.git_commit, "");  // the fake launcher prints no commit

  // The function is deleted: status says so and still lists what can be restored.
  b.lambda_service = test::FakeLambda{};
  auto gone = run_status(*b.ctx);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->exists);
  EXPECT_EQ(gone->backups.builds.size(), 2u);
}

TEST(StatusBackups, ListingFailureIsReportedAndTheRestStands) {
  StatusBench b;
  b.publish_and_back_up("zip-one", "1");
  b.s3_service.denied = {"ListObjectsV2"};
  auto denied = run_status(*b.ctx);
  ASSERT_TRUE(denied) << denied.error().describe();
  EXPECT_EQ(denied->versions.size(), 1u);
  EXPECT_TRUE(denied->backups.configured);
  EXPECT_TRUE(denied->backups.builds.empty());
  EXPECT_NE(denied->backups.error.find("AccessDenied"), std::string::npos) << denied->backups.error;

  b.s3_service.denied.clear();
  b.artifacts.bucket = "not-created-yet";
  auto missing = run_status(*b.ctx);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->backups.error, "bucket not-created-yet does not exist yet (the first publish creates it)");

  b.ctx->artifacts = nullptr;
  auto none = run_status(*b.ctx);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->backups.configured);
  EXPECT_EQ(b.s3_service.count("ListObjectsV2"), 2);  // not asked without a bucket
}

}  // namespace
}  // namespace lcd::pipeline
