#include <gtest/gtest.h>

#include <algorithm>

#include "harness.hpp"
#include "pipeline/build_registry.hpp"
#include "pipeline/deploy_state.hpp"
#include "pipeline/pipeline_runner.hpp"
#include "pipeline/status_step.hpp"

using namespace lcd;
using namespace lcd::pipeline;
using lcd::test::Bench;

namespace {

DeployOutcome deploy(Bench& b) {
  auto pkg = b.packager.build();
  EXPECT_TRUE(pkg);
  auto d = run_deploy(*b.ctx, *pkg, false);
  EXPECT_TRUE(d) << (d ? "" : d.error().describe());
  return d ? *d : DeployOutcome{};
}

PublishOutcome publish(Bench& b, const std::string& build) {
  auto p = run_publish(*b.ctx, build, false);
  EXPECT_TRUE(p) << (p ? "" : p.error().describe());
  return p ? *p : PublishOutcome{};
}

}  // namespace

TEST(Deploy, CreatesThenSkipsUnchangedCodeAndAppliesOnlyDifferences) {
  Bench b;
  auto first = deploy(b);
  EXPECT_TRUE(first.created);
  EXPECT_EQ(b.lambda_service.count("CreateFunction"), 1);
  EXPECT_EQ(b.lambda_service.count("UpdateFunctionConfiguration"), 0);

  auto second = deploy(b);
  EXPECT_FALSE(second.code_uploaded);
  EXPECT_TRUE(b.observer.saw("upload skipped"));
  EXPECT_EQ(b.lambda_service.count("UpdateFunctionCode"), 0);
  EXPECT_EQ(b.lambda_service.count("UpdateFunctionConfiguration"), 0);

  b.config.function.memory = 256;
  b.config.function.environment = std::map<std::string, std::string>{{"SECRET_TOKEN", "hunter2"}};
  b.packager.content = "zip-v2";
  b.lambda_service.in_progress_polls = 3;
  auto third = deploy(b);
  EXPECT_TRUE(third.code_uploaded);
  ASSERT_EQ(third.config_changes.size(), 2u);
  EXPECT_EQ(third.config_changes[0], "memory 128 -> 256 MB");
  EXPECT_EQ(b.lambda_service.count("UpdateFunctionCode"), 1);
  EXPECT_EQ(b.lambda_service.count("UpdateFunctionConfiguration"), 1);
  for (const auto& e : b.observer.events) EXPECT_EQ(e.find("hunter2"), std::string::npos) << e;
  for (const auto& r : b.lambda_service.log) {
    if (r.operation != "UpdateFunctionConfiguration") continue;
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body.size(), 2u) << body.dump();  // only what differs: MemorySize and Environment
    EXPECT_EQ(body["MemorySize"], 256);
    EXPECT_EQ(body["Environment"]["Variables"]["SECRET_TOKEN"], "hunter2");
  }
  auto state = load_deploy_state(b.config.state_dir());
  ASSERT_TRUE(state);
  EXPECT_EQ(state->code_sha256, b.lambda_service.latest["CodeSha256"]);
  EXPECT_EQ(state->revision_id, b.lambda_service.latest["RevisionId"]);
}

TEST(Deploy, DryRunMakesNoMutatingCall) {
  Bench b;
  auto pkg = b.packager.build();
  ASSERT_TRUE(pkg);
  auto d = run_deploy(*b.ctx, *pkg, true);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->created);
  EXPECT_EQ(b.lambda_service.mutating_calls(), 0);
  EXPECT_TRUE(b.observer.saw("would create function fn"));

  deploy(b);
  const int before = b.lambda_service.mutating_calls();
  b.packager.content = "zip-v2";
  b.config.function.timeout = 30;
  pkg = b.packager.build();
  d = run_deploy(*b.ctx, *pkg, true);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->code_uploaded);
  EXPECT_TRUE(b.observer.saw("would change timeout 3 -> 30 s"));
  EXPECT_EQ(b.lambda_service.mutating_calls(), before);
}

TEST(Publish, RefusesWhenLatestChangedAfterDeploy) {
  Bench b;
  deploy(b);
  b.lambda_service.external_code_update("someone else's zip");
  auto p = run_publish(*b.ctx, "2", false);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("publish refused, nothing published"), std::string::npos);
  EXPECT_NE(p.error().message.find("CodeSha256"), std::string::npos);
  EXPECT_EQ(b.lambda_service.count("PublishVersion"), 0);
  EXPECT_TRUE(b.lambda_service.versions.empty());
}

TEST(Publish, RefusesWhenConfigurationChangedAfterDeploy) {
  Bench b;
  deploy(b);
  b.lambda_service.latest["MemorySize"] = 1024;
  b.lambda_service.latest["RevisionId"] = "someone-else";
  auto p = run_publish(*b.ctx, "2", false);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("RevisionId"), std::string::npos);
  EXPECT_EQ(b.lambda_service.count("PublishVersion"), 0);
}

TEST(Publish, RefusesWithoutARecordedDeploy) {
  Bench b;
  deploy(b);
  std::filesystem::remove(b.config.state_dir() / "state.json");
  auto p = run_publish(*b.ctx, "1", false);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("run `lambda-cd deploy` first"), std::string::npos);
}

TEST(Publish, DedupedPublishRecordsBuildAsTagAndResolves) {
  Bench b;
  deploy(b);
  auto v1 = publish(b, "1");
  EXPECT_EQ(v1.version, "1");
  EXPECT_FALSE(v1.reused_version);
  // Same code, new build: AWS hands back version 1, whose Description says build 1.
  deploy(b);
  auto v2 = publish(b, "2");
  EXPECT_EQ(v2.version, "1");
  EXPECT_TRUE(v2.reused_version);
  EXPECT_EQ(b.lambda_service.tags["lambda-cd:build:2"], "1");
  EXPECT_EQ(b.lambda_service.versions.size(), 1u);

  auto builds = load_version_builds(b.lambda, "fn");
  ASSERT_TRUE(builds);
  auto r2 = resolve_build(*builds, "2", "fn");
  ASSERT_TRUE(r2) << r2.error().describe();
  EXPECT_EQ(r2->version, "1");
  EXPECT_TRUE(r2->via_tag);
  auto moved = run_promote(*b.ctx, "PROD", PromoteTarget{"2", "", ""}, false);
  ASSERT_TRUE(moved) << moved.error().describe();
  EXPECT_EQ(b.lambda_service.aliases.at("PROD").version, "1");
}

TEST(Publish, RerunningABuildPublishesNothingNew) {
  Bench b;
  deploy(b);
  publish(b, "1");
  deploy(b);
  auto again = publish(b, "1");
  EXPECT_TRUE(again.already_published);
  EXPECT_EQ(again.version, "1");
  EXPECT_EQ(b.lambda_service.count("PublishVersion"), 1);
}

TEST(Publish, RepublishingAfterOwnPublishIsNotRefusedOverTheNewRevisionId) {
  // AWS gives $LATEST a new RevisionId when it is published: the build is recognised as published
  // without a redeploy, instead of refused as if someone had changed the function.
  Bench b;
  deploy(b);
  publish(b, "1");
  b.lambda_service.latest["RevisionId"] = "changed-by-the-publish";
  auto again = run_publish(*b.ctx, "1", false);
  ASSERT_TRUE(again) << again.error().describe();
  EXPECT_TRUE(again->already_published);
  EXPECT_EQ(b.lambda_service.count("PublishVersion"), 1);
  // A new build still needs the deployed RevisionId.
  auto other = run_publish(*b.ctx, "2", false);
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("RevisionId"), std::string::npos);
}

TEST(Publish, APublishWhoseAnswerWasLostIsRecognisedNotRefused) {
  // The first PublishVersion was applied but its answer lost (connection reset); the repeat meets
  // the RevisionId guard, as publishing changed $LATEST's RevisionId. The build is published.
  Bench b;
  deploy(b);
  b.lambda_service.before_publish = [&](const nlohmann::json& body) { b.lambda_service.apply_publish(body["Description"]); };
  auto p = run_publish(*b.ctx, "1", false);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->version, "1");
  EXPECT_EQ(b.lambda_service.versions.size(), 1u);
  EXPECT_TRUE(b.observer.saw("build 1 is published as version 1 with this code: by an earlier attempt whose answer "
                              "was lost"));
  auto state = load_deploy_state(b.config.state_dir());
  ASSERT_TRUE(state);
  EXPECT_EQ(state->last_published_version, "1");
  EXPECT_EQ(state->last_published_build, "1");
}

TEST(Publish, AGuardRefusalWithoutThisBuildPublishedIsStillARefusal) {
  // Between the check and the publish someone else published their build and changed $LATEST.
  Bench b;
  deploy(b);
  b.lambda_service.before_publish = [&](const nlohmann::json&) { b.lambda_service.apply_publish("build 77"); };
  auto p = run_publish(*b.ctx, "1", false);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("publish refused, nothing published"), std::string::npos);
  EXPECT_NE(p.error().message.find("RevisionId guard"), std::string::npos);
  EXPECT_EQ(b.lambda_service.versions.size(), 1u);
}

TEST(Publish, SameBuildWithDifferentCodeIsRefused) {
  Bench b;
  deploy(b);
  publish(b, "1");
  b.packager.content = "zip-v2";
  deploy(b);
  auto p = run_publish(*b.ctx, "1", false);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("already published as version 1 with different code"), std::string::npos);
  EXPECT_EQ(b.lambda_service.versions.size(), 1u);
}

TEST(Publish, DryRunMakesNoMutatingCall) {
  Bench b;
  deploy(b);
  const int before = b.lambda_service.mutating_calls();
  auto p = run_publish(*b.ctx, "5", true);
  ASSERT_TRUE(p);
  EXPECT_TRUE(b.observer.saw("would publish $LATEST"));
  EXPECT_EQ(b.lambda_service.mutating_calls(), before);
}

TEST(BuildRegistry, ResolvesAcrossPagesAndReportsUnknownAndAmbiguous) {
  Bench b;
  deploy(b);
  for (int i = 0; i < 57; ++i) b.lambda_service.external_publish("manual " + std::to_string(i));
  b.packager.content = "zip-build-7";
  deploy(b);
  auto p = publish(b, "7");
  EXPECT_EQ(p.version, "58");
  auto builds = load_version_builds(b.lambda, "fn");
  ASSERT_TRUE(builds);
  EXPECT_EQ(builds->versions.size(), 58u);
  EXPECT_GE(b.lambda_service.count("ListVersionsByFunction"), 2);
  auto r = resolve_build(*builds, "7", "fn");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, "58");

  auto unknown = resolve_build(*builds, "999", "fn");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::not_found);
  EXPECT_NE(unknown.error().message.find("build 999 is unknown"), std::string::npos);

  b.lambda_service.external_publish("build 7");
  builds = load_version_builds(b.lambda, "fn");
  ASSERT_TRUE(builds);
  auto ambiguous = resolve_build(*builds, "7", "fn");
  ASSERT_FALSE(ambiguous);
  EXPECT_NE(ambiguous.error().message.find("ambiguous"), std::string::npos);
  EXPECT_NE(ambiguous.error().message.find("58, 59"), std::string::npos);
}

TEST(Promote, RollbackTwiceGoesBackTwiceNeverForward) {
  Bench b;
  for (int build = 1; build <= 3; ++build) {
    b.packager.content = "zip-" + std::to_string(build);
    deploy(b);
    publish(b, std::to_string(build));
    auto m = run_promote(*b.ctx, "PROD", PromoteTarget{std::to_string(build), "", ""}, false);
    ASSERT_TRUE(m) << m.error().describe();
  }
  EXPECT_EQ(b.lambda_service.aliases.at("PROD").version, "3");
  EXPECT_EQ(b.lambda_service.aliases.at("PROD").description, "lambda-cd build=3 history=2,1");

  auto r1 = run_rollback(*b.ctx, "PROD", false);
  ASSERT_TRUE(r1) << r1.error().describe();
  EXPECT_EQ(b.lambda_service.aliases.at("PROD").version, "2");
  EXPECT_EQ(r1->build, "2");
  auto r2 = run_rollback(*b.ctx, "PROD", false);
  ASSERT_TRUE(r2);
  EXPECT_EQ(b.lambda_service.aliases.at("PROD").version, "1");
  auto r3 = run_rollback(*b.ctx, "PROD", false);
  ASSERT_FALSE(r3);
  EXPECT_NE(r3.error().message.find("nothing to roll back"), std::string::npos);
  EXPECT_EQ(b.lambda_service.aliases.at("PROD").version, "1");
}

TEST(Promote, ConcurrentMoveFailsAndLeavesAliasUntouched) {
  Bench b;
  deploy(b);
  publish(b, "1");
  b.packager.content = "zip-2";
  deploy(b);
  publish(b, "2");
  ASSERT_TRUE(run_promote(*b.ctx, "STAGE", PromoteTarget{"1", "", ""}, false));
  // Someone moves STAGE between our GetAlias and UpdateAlias: simulate by moving it right after GetAlias.
  struct Racer : aws::ServiceCaller {
    lcd::test::FakeLambda& inner;
    explicit Racer(lcd::test::FakeLambda& l) : inner(l) {}
    Result<aws::ServiceResponse> call(const aws::ServiceRequest& r) override {
      auto resp = inner.call(r);
      if (r.operation == "GetAlias" && !raced) {
        raced = true;
        inner.external_alias_move("STAGE", "2");
      }
      return resp;
    }
    bool raced = false;
  } racer(b.lambda_service);
  clients::LambdaClient racing_client(racer);
  StepContext ctx{b.config, racing_client, b.clock, b.observer, b.launcher, {}, {}, b.ctx->target_id};
  auto m = run_promote(ctx, "STAGE", PromoteTarget{"", "1", ""}, false);
  // Target version 1 equals the alias we read (1): nothing to do. Promote to 2 via the race instead.
  EXPECT_TRUE(m);
  racer.raced = false;
  b.lambda_service.external_alias_move("STAGE", "1");
  auto m2 = run_promote(ctx, "STAGE", PromoteTarget{"", "2", ""}, false);
  // The racer moved STAGE to 2 after we read it; our UpdateAlias carries the stale RevisionId.
  ASSERT_FALSE(m2);
  EXPECT_EQ(m2.error().kind, ErrorKind::precondition);
  EXPECT_NE(m2.error().message.find("moved by someone else"), std::string::npos);
  EXPECT_EQ(b.lambda_service.aliases.at("STAGE").version, "2");
  EXPECT_EQ(b.lambda_service.aliases.at("STAGE").description, "lambda-cd build=1");
}

TEST(Promote, FromAliasAndDryRunMakeNoChange) {
  Bench b;
  deploy(b);
  publish(b, "1");
  ASSERT_TRUE(run_promote(*b.ctx, "STAGE", PromoteTarget{"1", "", ""}, false));
  const int before = b.lambda_service.mutating_calls();
  auto dry = run_promote(*b.ctx, "PROD", PromoteTarget{"", "", "STAGE"}, true);
  ASSERT_TRUE(dry);
  EXPECT_TRUE(dry->created);
  EXPECT_EQ(dry->to_version, "1");
  EXPECT_EQ(dry->build, "1");
  EXPECT_EQ(b.lambda_service.mutating_calls(), before);
  EXPECT_EQ(b.lambda_service.aliases.count("PROD"), 0u);
  auto real = run_promote(*b.ctx, "PROD", PromoteTarget{"", "", "STAGE"}, false);
  ASSERT_TRUE(real);
  EXPECT_EQ(b.lambda_service.aliases.at("PROD").version, "1");

  b.packager.content = "zip-2";
  deploy(b);
  publish(b, "2");
  ASSERT_TRUE(run_promote(*b.ctx, "PROD", PromoteTarget{"2", "", ""}, false));
  const int before_rollback = b.lambda_service.mutating_calls();
  auto rb = run_rollback(*b.ctx, "PROD", true);
  ASSERT_TRUE(rb);
  EXPECT_EQ(rb->to_version, "1");
  EXPECT_EQ(b.lambda_service.mutating_calls(), before_rollback);
  EXPECT_EQ(b.lambda_service.aliases.at("PROD").version, "2");
}

TEST(Pipeline, UnitTestFailureStopsBeforeAnyUpload) {
  Bench b;
  b.launcher.exit_codes["unit-cmd"] = 1;
  auto report = run_pipeline(*b.ctx, b.packager, {"1", ""});
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.failed_step, "test");
  EXPECT_EQ(b.lambda_service.mutating_calls(), 0);
  EXPECT_EQ(b.packager.builds, 0);
  EXPECT_EQ(report.steps[1].status, StepStatus::skipped);
  auto xml = read_file(b.config.reports_dir() / "unit-tests.xml");
  ASSERT_TRUE(xml);
  EXPECT_NE(xml->find("<failure message=\"exit code 1\"/>"), std::string::npos);
  EXPECT_NE(xml->find("&lt;failed &amp; escaped&gt;"), std::string::npos);
}

TEST(Pipeline, IntegrationFailurePublishesNothingAndMovesNoAlias) {
  Bench b;
  b.launcher.exit_codes["itest-cmd"] = 3;
  auto report = run_pipeline(*b.ctx, b.packager, {"1", ""});
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.failed_step, "itest");
  EXPECT_TRUE(b.lambda_service.exists);
  EXPECT_EQ(b.lambda_service.count("PublishVersion"), 0);
  EXPECT_TRUE(b.lambda_service.aliases.empty());
  // A later standalone publish of the same deploy is refused too.
  auto p = run_publish(*b.ctx, "1", false);
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find("integration tests failed"), std::string::npos);
}

TEST(Pipeline, FullRunGivesItestTheTargetAndPromotesStage) {
  Bench b;
  auto report = run_pipeline(*b.ctx, b.packager, {"1", ""});
  ASSERT_TRUE(report.ok) << (report.error ? report.error->describe() : "");
  EXPECT_EQ(b.lambda_service.aliases.at("STAGE").version, "1");
  for (const auto& s : report.steps) EXPECT_EQ(s.status, StepStatus::ok) << s.name;
  ASSERT_EQ(b.launcher.runs.size(), 2u);
  const auto& env = b.launcher.runs[1].env_set;
  EXPECT_EQ(env.at("AWS_ENDPOINT_URL"), "http://127.0.0.1:4566");
  EXPECT_EQ(env.at("AWS_ENDPOINT_URL_LAMBDA"), "http://127.0.0.1:4566");
  EXPECT_EQ(env.at("AWS_REGION"), "us-east-1");
  EXPECT_EQ(env.at("AWS_DEFAULT_REGION"), "us-east-1");
  EXPECT_EQ(env.at("AWS_ACCESS_KEY_ID"), "test");
  EXPECT_EQ(env.at("LAMBDA_CD_FUNCTION_NAME"), "fn");
  EXPECT_EQ(env.at("LAMBDA_CD_QUALIFIER"), "$LATEST");
  EXPECT_EQ(env.at("LAMBDA_CD_FUNCTION_ARN"), "arn:aws:lambda:us-east-1:000000000000:function:fn");
  EXPECT_EQ(b.launcher.runs[1].cwd, b.config.root);
  EXPECT_TRUE(b.observer.saw("finish promote ok STAGE (new) -> 1 (build 1)"));

  // Same build again: no new version, alias unchanged.
  auto again = run_pipeline(*b.ctx, b.packager, {"1", ""});
  ASSERT_TRUE(again.ok);
  EXPECT_EQ(b.lambda_service.versions.size(), 1u);
  EXPECT_TRUE(again.promote->unchanged);

  auto status = run_status(*b.ctx);
  ASSERT_TRUE(status);
  ASSERT_EQ(status->versions.size(), 1u);
  EXPECT_EQ(status->versions[0].builds, std::vector<std::string>{"1"});
  ASSERT_EQ(status->aliases.size(), 1u);
  EXPECT_EQ(status->aliases[0].build, "1");
}

TEST(Pipeline, KeepsJUnitTheCommandWroteItself) {
  Bench b;
  b.config.tests.unit_junit = "out/junit.xml";
  ASSERT_TRUE(lcd::ensure_directory(b.config.root / "out"));
  ASSERT_TRUE(lcd::write_file_atomic(b.config.root / "out/junit.xml", "<testsuites/>"));
  auto o = run_unit_tests(*b.ctx);
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->junit_from_command);
  EXPECT_EQ(o->junit_path, b.config.root / "out/junit.xml");
  EXPECT_FALSE(std::filesystem::exists(b.config.reports_dir() / "unit-tests.xml"));
}

namespace lcd::test {
namespace {

// [test] install runs before the suites only while package.json, the lockfile, the command or the
// installed tree changed.
TEST(TestInstall, RunsOnceThenSkipsUntilTheLockfileChanges) {
  Bench b;
  b.config.tests.install = "install-cmd";
  ASSERT_TRUE(write_file_atomic(b.dir.path() / "package.json", "{\"name\":\"x\"}"));
  ASSERT_TRUE(write_file_atomic(b.dir.path() / "package-lock.json", "{\"lockfileVersion\":3}"));
  // What `npm ci` leaves behind; the fake launcher does not run anything.
  ASSERT_TRUE(ensure_directory(b.dir.path() / "node_modules"));
  ASSERT_TRUE(write_file_atomic(b.dir.path() / "node_modules" / ".package-lock.json", "tree-1"));
  auto count = [&](const std::string& command) {
    return std::count_if(b.launcher.runs.begin(), b.launcher.runs.end(),
                         [&](const ProcessSpec& s) { return !s.argv.empty() && s.argv.back() == command; });
  };

  auto first = pipeline::run_unit_tests(*b.ctx);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->install_ran);
  EXPECT_EQ(count("install-cmd"), 1);
  EXPECT_EQ(b.launcher.runs.front().argv.back(), "install-cmd");  // before the suite
  EXPECT_NE(pipeline::summarize(*first).find("[test] install ran"), std::string::npos);

  auto second = pipeline::run_unit_tests(*b.ctx);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->install_ran);
  EXPECT_EQ(count("install-cmd"), 1);
  EXPECT_NE(pipeline::summarize(*second).find("[test] install skipped (inputs unchanged)"), std::string::npos);

  ASSERT_TRUE(write_file_atomic(b.dir.path() / "package-lock.json", "{\"lockfileVersion\":3,\"x\":1}"));
  ASSERT_TRUE(pipeline::run_unit_tests(*b.ctx));
  EXPECT_EQ(count("install-cmd"), 2);

  // Someone changed node_modules by hand: installed again.
  ASSERT_TRUE(write_file_atomic(b.dir.path() / "node_modules" / ".package-lock.json", "tree-2"));
  ASSERT_TRUE(pipeline::run_unit_tests(*b.ctx));
  EXPECT_EQ(count("install-cmd"), 3);
  ASSERT_TRUE(pipeline::run_unit_tests(*b.ctx));
  EXPECT_EQ(count("install-cmd"), 3);
  EXPECT_EQ(count("unit-cmd"), 5);
}

TEST(TestInstall, AFailingInstallStopsTheSuiteAndIsRetriedNextTime) {
  Bench b;
  b.config.tests.install = "install-cmd";
  b.launcher.exit_codes["install-cmd"] = 1;
  auto failed = pipeline::run_unit_tests(*b.ctx);
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("[test] install command 'install-cmd' failed (exit code 1)"),
            std::string::npos);
  EXPECT_EQ(b.launcher.runs.size(), 1u);  // the suite did not run
  b.launcher.exit_codes.clear();
  ASSERT_TRUE(pipeline::run_unit_tests(*b.ctx));
  EXPECT_EQ(b.launcher.runs.size(), 3u);  // install again, then the suite
}

TEST(TestSteps, TestCommandsFindTheProjectsNodeToolsFirst) {
  Bench b;
  EXPECT_EQ(pipeline::test_command_path(b.config.root, "/usr/bin:/bin"), "/usr/bin:/bin");  // no node_modules
  ASSERT_TRUE(pipeline::run_unit_tests(*b.ctx));
  ASSERT_EQ(b.launcher.runs.size(), 1u);
  EXPECT_EQ(b.launcher.runs[0].env_set.at("PATH").find("node_modules"), std::string::npos);

  const auto bin = b.config.root / "node_modules" / ".bin";
  std::filesystem::create_directories(bin);
  EXPECT_EQ(pipeline::test_command_path(b.config.root, "/usr/bin:/bin"), bin.string() + ":/usr/bin:/bin");
  EXPECT_EQ(pipeline::test_command_path(b.config.root, ""), bin.string());
  auto report = run_pipeline(*b.ctx, b.packager, {"1", ""});  // test and itest
  ASSERT_TRUE(report.ok) << (report.error ? report.error->describe() : "");
  ASSERT_EQ(b.launcher.runs.size(), 3u);
  for (size_t i = 1; i < 3; ++i) EXPECT_EQ(b.launcher.runs[i].env_set.at("PATH").rfind(bin.string() + ":", 0), 0u) << i;
}

}  // namespace
}  // namespace lcd::test
