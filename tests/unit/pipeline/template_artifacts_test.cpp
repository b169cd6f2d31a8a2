// Local code named by a template, packaged into the artifact bucket as `aws cloudformation package`
// does (S3 is an in-memory fake; the files are real).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_s3.hpp"
#include "harness.hpp"
#include "package/cfn_template.hpp"
#include "pipeline/template_artifacts.hpp"
#include "util/file_io.hpp"

namespace lcd::pipeline {
namespace {

using nlohmann::json;
using test::FakeS3;

TEST(TemplateArtifacts, FindsServerlessCodeUriGlobalsAndLambdaCodePaths) {
  auto model = package::parse_cfn_template(R"(
Transform: AWS::Serverless-2016-10-31
Resources:
  Local:    {Type: AWS::Serverless::Function, Properties: {CodeUri: ./src, Handler: i.h, Runtime: nodejs20.x}}
  Remote:   {Type: AWS::Serverless::Function, Properties: {CodeUri: s3://b/k.zip, Handler: i.h, Runtime: nodejs20.x}}
  Inline:   {Type: AWS::Serverless::Function, Properties: {InlineCode: x, Handler: i.h, Runtime: nodejs20.x}}
  Defaulted: {Type: AWS::Serverless::Function, Properties: {Handler: i.h, Runtime: nodejs20.x}}
  Plain:    {Type: AWS::Lambda::Function, Properties: {Code: lib/fn.zip}}
  PlainS3:  {Type: AWS::Lambda::Function, Properties: {Code: {S3Bucket: b, S3Key: k}}}
)");
  ASSERT_TRUE(model);
  auto found = find_local_code(*model, "/p");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].logical_id, "Defaulted");
  EXPECT_EQ(found[0].path, std::filesystem::path("/p"));
  EXPECT_EQ(found[1].logical_id, "Local");
  EXPECT_EQ(found[1].path, std::filesystem::path("/p/src"));
  EXPECT_EQ(found[2].logical_id, "Plain");
  EXPECT_EQ(found[2].property, "Code");
  auto placed = with_code_locations(*model, {{found[1], {"art", "s/artifacts/1.zip"}}, {found[2], {"art", "s/2.zip"}}});
  EXPECT_EQ(placed["Resources"]["Local"]["Properties"]["CodeUri"], "s3://art/s/artifacts/1.zip");
  EXPECT_EQ(placed["Resources"]["Plain"]["Properties"]["Code"], (json{{"S3Bucket", "art"}, {"S3Key", "s/2.zip"}}));

  auto globals = package::parse_cfn_template(R"(
Globals: {Function: {CodeUri: code/}}
Resources:
  A: {Type: AWS::Serverless::Function, Properties: {Handler: i.h, Runtime: nodejs20.x}}
)");
  auto from_globals = find_local_code(*globals, "/p");
  ASSERT_EQ(from_globals.size(), 1u);
  EXPECT_EQ(from_globals[0].logical_id, "Globals");
  EXPECT_EQ(with_code_locations(*globals, {{from_globals[0], {"b", "k"}}})["Globals"]["Function"]["CodeUri"], "s3://b/k");
}

struct ArtifactBench {
  FakeS3 s3_service;
  clients::S3Client s3{s3_service};
  test::FakeClock clock;
  test::RecordingObserver observer;
  BackupContext backup{s3, clock, observer, "artifacts", "us-east-1"};
  TempDir dir{"lcd-artifacts"};
};

TEST(TemplateArtifacts, ZipsAFolderOnceWithoutSecretsAndRewritesTheTemplate) {
  ArtifactBench b;
  ASSERT_TRUE(ensure_directory(b.dir.path() / "src"));
  ASSERT_TRUE(write_file_atomic(b.dir.path() / "src" / "index.js", "exports.handler = async () => 1;\n"));
  ASSERT_TRUE(write_file_atomic(b.dir.path() / "src" / ".env", "TOKEN=secret\n"));
  const std::string body =
      "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
      "    Properties: {CodeUri: src, Handler: index.handler, Runtime: nodejs20.x}\n";
  ArtifactContext ctx{&b.backup, "app", b.observer, b.dir.path() / ".lambda-cd" / "artifacts"};
  auto first = package_template(ctx, body, b.dir.path() / "template.yaml");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->packaged);
  ASSERT_EQ(first->uploaded.size(), 1u);
  const auto& objects = b.s3_service.buckets["artifacts"];
  ASSERT_EQ(objects.size(), 1u);
  const std::string key = objects.begin()->first;
  EXPECT_EQ(key.rfind("app/artifacts/", 0), 0u);
  EXPECT_EQ(first->uploaded[0], "s3://artifacts/" + key);
  EXPECT_EQ(objects.begin()->second.find("TOKEN=secret"), std::string::npos);
  EXPECT_NE(objects.begin()->second.find("index.js"), std::string::npos);
  auto sent = json::parse(first->body);
  EXPECT_EQ(sent["Resources"]["Fn"]["Properties"]["CodeUri"], "s3://artifacts/" + key);
  EXPECT_EQ(sent["Transform"], "AWS::Serverless-2016-10-31");
  // The same folder again: the same bytes, found in the bucket, not uploaded twice.
  int puts = b.s3_service.count("PutObject");
  auto second = package_template(ctx, body, b.dir.path() / "template.yaml");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->reused, first->uploaded);
  EXPECT_EQ(b.s3_service.count("PutObject"), puts);
  EXPECT_EQ(second->body, first->body);
}

TEST(TemplateArtifacts, NoLocalCodeLeavesTheTextAloneAndNoBucketIsAConfigError) {
  ArtifactBench b;
  ArtifactContext none{nullptr, "app", b.observer, b.dir.path()};
  const std::string plain = "Resources:\n  B: {Type: AWS::S3::Bucket}  # comment kept\n";
  auto same = package_template(none, plain, b.dir.path() / "template.yaml");
  ASSERT_TRUE(same);
  EXPECT_FALSE(same->packaged);
  EXPECT_EQ(same->body, plain);
  auto refused = package_template(
      none, "Resources:\n  Fn: {Type: AWS::Lambda::Function, Properties: {Code: ./fn}}\n", b.dir.path() / "t.yaml");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, k_config_error);
  EXPECT_NE(refused.error().message.find("Fn Code ./fn"), std::string::npos) << refused.error().message;
  ArtifactContext ctx{&b.backup, "app", b.observer, b.dir.path()};
  auto missing = package_template(
      ctx, "Resources:\n  Fn: {Type: AWS::Lambda::Function, Properties: {Code: ./nowhere}}\n", b.dir.path() / "t.yaml");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("neither a folder nor a file"), std::string::npos);
}

}  // namespace
}  // namespace lcd::pipeline
