#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/outcome_json.hpp"

using namespace lcd;
using namespace lcd::cli;

TEST(OutcomeJson, DeploySaysWhetherTheCodeWentThroughS3) {
  pipeline::DeployOutcome direct;
  direct.code_uploaded = true;
  auto d = to_json(direct);
  EXPECT_EQ(d["via_s3"], false);
  EXPECT_TRUE(d["s3_location"].is_null());

  pipeline::DeployOutcome large;
  large.created = true;
  large.code_uploaded = true;
  large.via_s3 = true;
  large.s3_location = "s3://artifacts/fn/packages/ab.zip";
  auto l = to_json(large);
  EXPECT_EQ(l["via_s3"], true);
  EXPECT_EQ(l["s3_location"], "s3://artifacts/fn/packages/ab.zip");
}

TEST(OutcomeJson, StatusCarriesBackedUpBuildsOrWhyTheyCouldNotBeListed) {
  pipeline::StatusReport none;
  none.function_name = "fn";
  EXPECT_EQ(to_json(none)["backups"], (nlohmann::json{{"configured", false}}));

  pipeline::StatusReport s;
  s.function_name = "fn";
  s.exists = true;
  s.backups.configured = true;
  s.backups.bucket = "artifacts";
  pipeline::BackupManifest m;
  m.function_name = "fn";
  m.build = "7";
  m.version = "3";
  m.code_sha256 = "c2hh";
  m.zip_size = 1234;
  m.created_at = "2027-01-15T08:00:00.000Z";
  m.git_commit = "0123456789abcdef0123456789abcdef01234567";
  m.bucket = "artifacts";
  m.zip_key = "fn/builds/7/package.zip";
  s.backups.builds.push_back(m);
  auto j = to_json(s)["backups"];
  EXPECT_EQ(j["configured"], true);
  EXPECT_EQ(j["bucket"], "artifacts");
  EXPECT_TRUE(j["error"].is_null());
  ASSERT_EQ(j["builds"].size(), 1u);
  const auto& b = j["builds"][0];
  EXPECT_EQ(b["build"], "7");
  EXPECT_EQ(b["version"], "3");
  EXPECT_EQ(b["code_sha256"], "c2hh");
  EXPECT_EQ(b["zip_size"], 1234);
  EXPECT_EQ(b["time"], "2027-01-15T08:00:00.000Z");
  EXPECT_EQ(b["git_commit"], "0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(b["location"], "s3://artifacts/fn/builds/7/package.zip");

  s.backups.builds.clear();
  s.backups.error = "AccessDenied (403): Access Denied";
  auto failed = to_json(s)["backups"];
  EXPECT_EQ(failed["error"], "AccessDenied (403): Access Denied");
  EXPECT_TRUE(failed["builds"].empty());
}
