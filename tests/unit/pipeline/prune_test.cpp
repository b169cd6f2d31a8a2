#include "pipeline/prune_step.hpp"

#include <gtest/gtest.h>

#include "fake_lambda.hpp"
#include "fake_s3.hpp"
#include "harness.hpp"
#include "pipeline/code_storage.hpp"
#include "pipeline/deploy_step.hpp"

namespace lcd::pipeline {
namespace {

using namespace std::chrono_literals;

// `n` published versions, version i carrying build i and CodeSize 1000 * i.
void publish_versions(test::FakeLambda& fake, int n) {
  fake.exists = true;
  fake.latest = {{"FunctionName", fake.name}, {"FunctionArn", fake.arn()}, {"Version", "$LATEST"},
                 {"CodeSha256", "sha"}, {"CodeSize", 0}, {"State", "Active"},
                 {"LastModified", "2026-01-01T00:00:00.000+0000"}};
  for (int i = 1; i <= n; ++i) {
    fake.latest["CodeSize"] = 1000 * i;
    fake.external_publish("build " + std::to_string(i));
  }
}

std::vector<std::string> remaining_versions(const test::FakeLambda& fake) {
  std::vector<std::string> out;
  for (const auto& v : fake.versions) {
    if (!v.deleted) out.push_back(v.config["Version"]);
  }
  return out;
}

TEST(Prune, KeepsTheNewestAndEveryAliasedVersionIncludingRoutingWeights) {
  test::Bench b;
  publish_versions(b.lambda_service, 60);
  b.lambda_service.aliases["PROD"] = {"10", "", "r1", {}};
  b.lambda_service.aliases["STAGE"] = {"20", "", "r2", {{"30", 0.1}}};  // 30 through a routing weight
  auto out = run_prune(*b.ctx, PruneOptions{5, std::nullopt, false, false});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(remaining_versions(b.lambda_service),
            (std::vector<std::string>{"10", "20", "30", "56", "57", "58", "59", "60"}));
  EXPECT_EQ(out->deleted.size(), 52u);
  int64_t freed = 0;
  for (const auto& v : out->deleted) freed += 1000 * std::stoll(v);
  EXPECT_EQ(out->bytes_freed, freed);
  EXPECT_TRUE(b.observer.saw("keeping version 30 (build 30): alias STAGE (routing 10%)"));
  EXPECT_TRUE(b.observer.saw("keeping version 10 (build 10): alias PROD"));
  EXPECT_TRUE(b.observer.saw("keeping version 60 (build 60): newest 5"));
  EXPECT_EQ(summarize(*out), "deleted 52 versions (1.4 MiB), kept 8");
  EXPECT_EQ(b.lambda_service.latest["FunctionArn"], b.lambda_service.arn());  // $LATEST untouched
}

TEST(Prune, DryRunChangesNothing) {
  test::Bench b;
  publish_versions(b.lambda_service, 12);
  b.lambda_service.aliases["PROD"] = {"3", "", "r1", {}};
  const int mutating_before = b.lambda_service.mutating_calls();
  auto out = run_prune(*b.ctx, PruneOptions{5, std::nullopt, true, false});
  ASSERT_TRUE(out);
  EXPECT_EQ(b.lambda_service.mutating_calls(), mutating_before);
  EXPECT_EQ(remaining_versions(b.lambda_service).size(), 12u);
  EXPECT_TRUE(out->deleted.empty());
  EXPECT_EQ(summarize(*out), "dry run: would delete 6 versions, kept 6");
  EXPECT_TRUE(b.observer.saw("would delete version 1 (build 1)"));
}

TEST(Prune, AVersionAnAliasMovesOntoMidPruneSurvives) {
  test::Bench b;
  publish_versions(b.lambda_service, 10);
  b.lambda_service.before_version_delete = [&](const std::string& v) {
    if (v == "4") b.lambda_service.aliases["HOTFIX"] = {"4", "", "r9", {}};  // another run, just now
  };
  auto out = run_prune(*b.ctx, PruneOptions{3, std::nullopt, false, false});
  ASSERT_TRUE(out) << out.error().message;
  auto left = remaining_versions(b.lambda_service);
  EXPECT_EQ(left, (std::vector<std::string>{"4", "8", "9", "10"}));
  ASSERT_EQ(out->skipped.size(), 1u);
  EXPECT_EQ(out->skipped[0].first, "4");
  EXPECT_NE(out->skipped[0].second.find("aliases reference it: [HOTFIX]"), std::string::npos);
  EXPECT_TRUE(b.observer.saw("kept version 4 (build 4): Unable to delete version"));
}

TEST(Prune, OlderThanKeepsRecentVersionsAndDeletesBuildTagsOfDeletedOnes) {
  test::Bench b;
  publish_versions(b.lambda_service, 4);
  // Versions 1-2 are old, 3-4 recent (the fake clock's now is 2027-01-15).
  b.lambda_service.versions[0].config["LastModified"] = "2026-10-01T00:00:00.000+0000";
  b.lambda_service.versions[1].config["LastModified"] = "2026-10-02T00:00:00.000+0000";
  b.lambda_service.versions[2].config["LastModified"] = "2027-01-10T00:00:00.000+0000";
  b.lambda_service.versions[3].config["LastModified"] = "2027-01-14T23:00:00.000-0200";
  b.lambda_service.tags["lambda-cd:build:7"] = "2";  // build 7 reused version 2 (unchanged code)
  b.lambda_service.tags["team"] = "payments";
  auto out = run_prune(*b.ctx, PruneOptions{1, 30 * 24h, false, false});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(remaining_versions(b.lambda_service), (std::vector<std::string>{"3", "4"}));
  EXPECT_TRUE(b.observer.saw("keeping version 3 (build 3): younger than 30d"));
  EXPECT_EQ(b.lambda_service.tags.count("lambda-cd:build:7"), 0u);
  EXPECT_EQ(b.lambda_service.tags.count("team"), 1u);
}

TEST(Prune, BackupsGoByTheSameRules) {
  test::Bench b;
  publish_versions(b.lambda_service, 6);
  b.lambda_service.aliases["PROD"] = {"2", "", "r1", {}};
  test::FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  BackupContext backups{s3, b.clock, b.observer, "builds", "us-east-1"};
  b.ctx->artifacts = &backups;
  for (int i = 1; i <= 6; ++i) {
    BackupManifest m;
    m.function_name = "fn";
    m.build = std::to_string(i);
    m.version = std::to_string(i);
    m.code_sha256 = "sha";
    m.created_at = "2026-11-0" + std::to_string(i) + "T00:00:00.000Z";
    s3_backend.buckets["builds"][backup_manifest_key("fn", m.build)] = manifest_to_json(m);
    s3_backend.buckets["builds"][backup_zip_key("fn", m.build)] = "zip";
  }
  auto out = run_prune(*b.ctx, PruneOptions{2, std::nullopt, false, true});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->backups_deleted, (std::vector<std::string>{"1", "3", "4"}));
  EXPECT_EQ(s3_backend.buckets["builds"].size(), 6u);  // builds 2 (PROD), 5, 6: zip + manifest each
  EXPECT_EQ(s3_backend.buckets["builds"].count(backup_zip_key("fn", "2")), 1u);
  EXPECT_TRUE(out->backups_error.empty());
}

TEST(Prune, PlanIsPureAndNeverTouchesLatest) {
  std::vector<clients::FunctionConfiguration> versions(3);
  versions[0].version = "$LATEST";
  versions[1].version = "2";
  versions[2].version = "1";
  auto plan = plan_prune(versions, {}, {}, PruneOptions{1, std::nullopt, false, false}, std::chrono::system_clock::now());
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].version, "1");
  EXPECT_TRUE(plan[0].remove);
  EXPECT_EQ(plan[1].version, "2");
  EXPECT_FALSE(plan[1].remove);
}

TEST(Prune, ReadsLambdaTimesWithTheirOffsets) {
  auto a = parse_lambda_time("2026-11-27T10:00:00.123+0000");
  auto b = parse_lambda_time("2026-11-27T12:00:00.000+0200");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(*a - *b).count(), 0);
  EXPECT_FALSE(parse_lambda_time("yesterday"));
  EXPECT_FALSE(parse_lambda_time("2026-11-27T10:00:00.000+00"));
}

TEST(CodeStorage, WarnsFromEightyPercentAndRefusesWhatWouldNotFit) {
  CodeStorage s{79, 100};
  EXPECT_FALSE(storage_warning(s));
  s.used = 80;
  ASSERT_TRUE(storage_warning(s));
  EXPECT_NE(storage_warning(s)->find("(80%)"), std::string::npos);
  EXPECT_FALSE(storage_refusal(s, 20, 5));
  auto refusal = storage_refusal(s, 21, 5);
  ASSERT_TRUE(refusal);
  EXPECT_NE(refusal->find("lambda-cd prune --keep 5"), std::string::npos);
  EXPECT_NE(refusal->find("CodeStorageExceededException"), std::string::npos);
  EXPECT_FALSE(storage_refusal(CodeStorage{100, 0}, 1'000'000, 5));  // limit unknown: no opinion
}

TEST(CodeStorage, DeployRefusesBeforeUploadingAPackageThatWouldNotFit) {
  test::Bench b;
  publish_versions(b.lambda_service, 3);  // 6000 bytes in versions + 3000 in $LATEST
  b.lambda_service.code_storage_limit = 9005;
  b.packager.content = "new-code";  // 8 bytes: would exceed
  auto package = b.packager.build();
  ASSERT_TRUE(package);
  auto deployed = run_deploy(*b.ctx, *package, false);
  ASSERT_FALSE(deployed);
  EXPECT_NE(deployed.error().message.find("would not fit"), std::string::npos) << deployed.error().message;
  EXPECT_EQ(b.lambda_service.count("UpdateFunctionCode"), 0);
  b.lambda_service.code_storage_limit = 11000;  // fits, but over 80%: deploys with a warning
  deployed = run_deploy(*b.ctx, *package, false);
  ASSERT_TRUE(deployed) << deployed.error().message;
  EXPECT_EQ(b.lambda_service.count("UpdateFunctionCode"), 1);
  EXPECT_TRUE(b.observer.saw("warn code storage"));
}

}  // namespace
}  // namespace lcd::pipeline
