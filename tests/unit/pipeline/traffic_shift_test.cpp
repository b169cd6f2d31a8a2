// Traffic shifts end to end through run_promote / run_rollback / run_status, over the fake Lambda
// and CloudWatch transports and a fake clock whose every sleep drives requests through the alias
// (split by the alias's weights, failing at each version's configured rate) into the metrics.

#include <gtest/gtest.h>

#include <functional>

#include "clients/cloudwatch_client.hpp"
#include "fake_cloudwatch.hpp"
#include "harness.hpp"
#include "pipeline/promote_step.hpp"
#include "pipeline/status_step.hpp"

namespace lcd::pipeline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using nlohmann::json;

struct Killed {};

class DrivenClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(milliseconds(1'800'000'000'000) + m_elapsed);
  }
  std::chrono::steady_clock::time_point monotonic() const override {
    return std::chrono::steady_clock::time_point(m_elapsed);
  }
  void sleep_for(milliseconds d) override {
    m_elapsed += d;
    if (on_sleep) on_sleep(d);
  }
  milliseconds elapsed() const { return m_elapsed; }
  std::function<void(milliseconds)> on_sleep;

 private:
  milliseconds m_elapsed{0};
};

struct ShiftBench {
  TempDir dir{"lcd-shift-test"};
  ProjectConfig config;
  test::FakeLambda lambda_service;
  clients::LambdaClient lambda{lambda_service};
  test::FakeCloudWatch cw_service;
  clients::CloudWatchClient cloudwatch{cw_service};
  DrivenClock clock;
  test::RecordingObserver observer;
  test::FakeLauncher launcher;
  std::unique_ptr<StepContext> ctx;
  double rps = 10;
  std::map<std::string, double> failing;  // version -> fraction of its requests that fail
  int sleeps_until_killed = -1;           // >0: the process "dies" in that many sleeps

  ShiftBench() {
    config.root = dir.path();
    config.function.name = "fn";
    config.target.endpoint_url = "http://127.0.0.1:4566";
    config.release.defaults.min_invocations = 10;
    config.release.defaults.max_error_rate = 0.1;
    lambda_service.exists = true;
    lambda_service.latest = json{{"FunctionName", "fn"}, {"FunctionArn", lambda_service.arn()},
                                 {"Version", "$LATEST"}, {"CodeSha256", "c1"}};
    lambda_service.external_publish("build 1");
    lambda_service.external_publish("build 2");
    lambda_service.aliases["PROD"] = {"1", "lambda-cd build=1", "rev-start", {}};
    ctx = std::make_unique<StepContext>(
        StepContext{config, lambda, clock, observer, launcher, {}, {}, "local http://127.0.0.1:4566"});
    ctx->cloudwatch = &cloudwatch;
    clock.on_sleep = [this](milliseconds d) {
      drive(d);
      if (sleeps_until_killed > 0 && --sleeps_until_killed == 0) throw Killed{};
    };
  }

  const test::FakeLambda::Alias& prod() { return lambda_service.aliases.at("PROD"); }

  void drive(milliseconds d) {
    auto it = lambda_service.aliases.find("PROD");
    if (it == lambda_service.aliases.end()) return;
    const double n = rps * static_cast<double>(d.count()) / 1000.0;
    double rest = 1.0;
    for (const auto& [v, w] : it->second.weights) {
      send(v, n * w);
      rest -= w;
    }
    send(it->second.version, n * rest);
  }
  void send(const std::string& version, double count) {
    if (count <= 0) return;
    test::FakeCloudWatch::Dimensions dims{{"FunctionName", "fn"}, {"Resource", "fn:PROD"}, {"ExecutedVersion", version}};
    const auto t = clock.now() - milliseconds(1);
    cw_service.record("Invocations", dims, t, count);
    cw_service.record("Errors", dims, t, count * failing[version]);
    test::FakeCloudWatch::Dimensions alias_dims{{"FunctionName", "fn"}, {"Resource", "fn:PROD"}};
    cw_service.record("Invocations", alias_dims, t, count);
    cw_service.record("Errors", alias_dims, t, count * failing[version]);
  }

  Result<AliasMove> promote(const std::string& strategy, const std::string& version = "2") {
    PromoteOptions options;
    options.strategy = strategy;
    return run_promote(*ctx, "PROD", PromoteTarget{"", version, ""}, options);
  }

  // The weights and versions of every UpdateAlias sent, in order, with the RevisionId each carried.
  std::vector<json> alias_updates() const {
    std::vector<json> out;
    for (const auto& r : lambda_service.log) {
      if (r.operation == "UpdateAlias") out.push_back(json::parse(r.body));
    }
    return out;
  }
};

// --- the plan -------------------------------------------------------------------------------

TEST(ShiftPlan, StrategiesAndCodeDeployNames) {
  auto canary = parse_strategy("canary:10:5m");
  ASSERT_TRUE(canary) << canary.error().message;
  EXPECT_EQ(canary->percents, std::vector<int>({10}));
  EXPECT_EQ(canary->interval, seconds(300));
  EXPECT_EQ(canary->mirrors, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
  EXPECT_EQ(canary->describe(), "10% for 5m, then 100%");

  auto linear = parse_strategy("linear:30:1m30s");
  ASSERT_TRUE(linear);
  EXPECT_EQ(linear->percents, std::vector<int>({30, 60, 90}));
  EXPECT_EQ(linear->interval, seconds(90));
  EXPECT_EQ(linear->strategy, "linear:30:1m30s");
  EXPECT_TRUE(linear->mirrors.empty());
  EXPECT_EQ(linear->total(), seconds(270));

  auto sam = parse_strategy("Linear10PercentEvery1Minute");
  ASSERT_TRUE(sam);
  EXPECT_EQ(sam->percents, std::vector<int>({10, 20, 30, 40, 50, 60, 70, 80, 90}));
  EXPECT_EQ(sam->interval, seconds(60));
  EXPECT_EQ(sam->strategy, "linear:10:1m");
  EXPECT_EQ(sam->mirrors, "CodeDeployDefault.LambdaLinear10PercentEvery1Minute");

  auto prefixed = parse_strategy("CodeDeployDefault.LambdaCanary10Percent30Minutes");
  ASSERT_TRUE(prefixed);
  EXPECT_EQ(prefixed->interval, seconds(1800));
  EXPECT_EQ(prefixed->percents, std::vector<int>({10}));

  for (const char* once : {"all-at-once", "AllAtOnce", "LambdaAllAtOnce", "CodeDeployDefault.LambdaAllAtOnce"}) {
    auto p = parse_strategy(once);
    ASSERT_TRUE(p) << once;
    EXPECT_TRUE(p->all_at_once()) << once;
    EXPECT_EQ(p->strategy, "all-at-once");
  }
  EXPECT_EQ(parse_strategy("linear:50:5s")->percents, std::vector<int>({50}));
}

TEST(ShiftPlan, BadStrategiesAreConfigurationErrorsThatSayWhy) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c : {Case{"canary:10:5", "not a duration"}, Case{"canary:0:5m", "from 1 to 99"},
                        Case{"canary:100:5m", "from 1 to 99"}, Case{"linear:10", "unknown strategy"},
                        Case{"blue-green", "unknown strategy"}, Case{"canary:x:5m", "from 1 to 99"},
                        Case{"canary:10:0s", "at least 1s"}, Case{"Canary10Percent0Minutes", "at least 1 minute"},
                        Case{"", "empty"}}) {
    auto p = parse_strategy(c.text);
    ASSERT_FALSE(p) << c.text;
    EXPECT_EQ(p.error().code, k_config_error) << c.text;
    EXPECT_NE(p.error().message.find(c.says), std::string::npos) << c.text << ": " << p.error().message;
  }
}

TEST(ShiftPlan, Intervals) {
  EXPECT_EQ(*parse_interval("45s"), seconds(45));
  EXPECT_EQ(*parse_interval("2h"), seconds(7200));
  EXPECT_EQ(*parse_interval("1h2m3s"), seconds(3723));
  EXPECT_FALSE(parse_interval("5"));
  EXPECT_FALSE(parse_interval("m"));
  EXPECT_FALSE(parse_interval("1500ms"));
  EXPECT_FALSE(parse_interval("-5s"));
  EXPECT_FALSE(parse_interval("0s"));
  EXPECT_EQ(parse_strategy("canary:10:1m30s")->strategy, "canary:10:1m30s");
  EXPECT_EQ(parse_strategy("linear:10:60s")->strategy, "linear:10:1m");
}

TEST(ShiftPlan, PerAliasSettingsOverrideTheDefaultsKeyByKey) {
  ReleaseConfig config;
  config.defaults.strategy = "canary:10:5m";
  config.defaults.alarms = std::vector<std::string>{"errors"};
  config.defaults.max_error_rate = 0.02;
  config.per_alias["PROD"].strategy = "linear:25:1m";
  config.per_alias["PROD"].before_traffic = "./smoke.sh";
  auto prod = release_policy(config, "PROD", "");
  ASSERT_TRUE(prod);
  EXPECT_EQ(prod->plan.strategy, "linear:25:1m");
  EXPECT_EQ(prod->gates.alarms, std::vector<std::string>{"errors"});
  EXPECT_DOUBLE_EQ(prod->gates.max_error_rate, 0.02);
  EXPECT_EQ(prod->gates.min_invocations, k_default_min_invocations);
  EXPECT_EQ(prod->gates.before_traffic, "./smoke.sh");
  auto stage = release_policy(config, "STAGE", "");
  EXPECT_EQ(stage->plan.strategy, "canary:10:5m");
  EXPECT_TRUE(stage->gates.before_traffic.empty());
  EXPECT_EQ(release_policy(config, "PROD", "AllAtOnce")->plan.strategy, "all-at-once");
  EXPECT_EQ(release_policy({}, "PROD", "")->plan.strategy, "all-at-once");
  config.defaults.max_error_rate = 5.0;
  auto bad = release_policy(config, "PROD", "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("fraction"), std::string::npos);
}

TEST(ShiftRecord, RoundTripsInTheAliasDescriptionAheadOfTheHistory) {
  AliasHistory h;
  h.build = "41";
  h.previous = {"7", "6"};
  h.shift = ShiftRecord{"8", "42", 1795694400, 1795694410, "3fa2c1"};
  const auto text = format_alias_description(h);
  EXPECT_EQ(text, "lambda-cd build=41 shift=8,42,1795694400,1795694410,3fa2c1 history=7,6");
  auto back = parse_alias_description(text);
  ASSERT_TRUE(back.shift);
  EXPECT_EQ(back.shift->to_version, "8");
  EXPECT_EQ(back.shift->to_build, "42");
  EXPECT_EQ(back.shift->started, 1795694400);
  EXPECT_EQ(back.shift->stepped, 1795694410);
  EXPECT_EQ(back.previous, h.previous);
  // A long history is trimmed, never the shift record.
  for (int i = 0; i < 100; ++i) h.previous.push_back(std::to_string(1000 + i));
  auto trimmed = parse_alias_description(format_alias_description(h));
  EXPECT_TRUE(trimmed.shift);
  EXPECT_FALSE(parse_alias_description("lambda-cd build=1 shift=8,42,x,1,ab").shift);
  EXPECT_FALSE(parse_alias_description("lambda-cd build=1 shift=8,42,1,1").shift);
}

// --- shifts ---------------------------------------------------------------------------------

TEST(TrafficShift, HealthyCanaryMovesByTheScheduleThenMakesTheVersionPrimary) {
  ShiftBench b;
  auto m = b.promote("canary:20:10s");
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(b.prod().version, "2");
  EXPECT_TRUE(b.prod().weights.empty());
  EXPECT_EQ(b.prod().description, "lambda-cd build=2 history=1");
  ASSERT_TRUE(m->shift);
  EXPECT_TRUE(m->shift->completed);
  EXPECT_EQ(m->shift->percents, std::vector<int>({20, 100}));
  EXPECT_EQ(b.clock.elapsed(), seconds(10));

  auto updates = b.alias_updates();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0]["FunctionVersion"], "1");
  EXPECT_DOUBLE_EQ(updates[0]["RoutingConfig"]["AdditionalVersionWeights"]["2"].get<double>(), 0.2);
  EXPECT_EQ(updates[0]["RevisionId"], "rev-start");
  EXPECT_NE(updates[0]["Description"].get<std::string>().find("shift=2,2,1800000000,1800000000,"), std::string::npos);
  EXPECT_EQ(updates[1]["FunctionVersion"], "2");
  EXPECT_TRUE(updates[1]["RoutingConfig"]["AdditionalVersionWeights"].empty());
  EXPECT_NE(updates[1]["RevisionId"], "rev-start");  // the revision of our own first step
  // Gates were read during the wait (at 5 s) and before the final step (at 10 s).
  EXPECT_EQ(b.cw_service.count("GetMetricData"), 2);
  EXPECT_TRUE(b.observer.saw("PROD: 20% to version 2, 80% on version 1 (step 1 of 2, canary:20:10s)"));
  EXPECT_TRUE(b.observer.saw("PROD: 100% on version 2 (step 2 of 2, canary:20:10s), no routing"));
}

TEST(TrafficShift, LinearStepsEachCarryTheRevisionOfThePreviousWrite) {
  ShiftBench b;
  auto m = b.promote("linear:30:4s");
  ASSERT_TRUE(m) << m.error().describe();
  auto updates = b.alias_updates();
  ASSERT_EQ(updates.size(), 4u);
  std::vector<double> weights;
  for (size_t i = 0; i + 1 < updates.size(); ++i) {
    weights.push_back(updates[i]["RoutingConfig"]["AdditionalVersionWeights"]["2"].get<double>());
  }
  EXPECT_EQ(weights, std::vector<double>({0.3, 0.6, 0.9}));
  std::set<std::string> revisions;
  for (const auto& u : updates) revisions.insert(u["RevisionId"].get<std::string>());
  EXPECT_EQ(revisions.size(), 4u);
  EXPECT_EQ(b.clock.elapsed(), seconds(12));
  EXPECT_EQ(b.prod().version, "2");
}

TEST(TrafficShift, FailingVersionIsRolledBackAtTheFirstJudgedCheck) {
  ShiftBench b;
  b.failing["2"] = 0.3;
  auto m = b.promote("canary:20:10s");
  ASSERT_FALSE(m);
  const auto& msg = m.error().message;
  EXPECT_NE(msg.find("error rate gate tripped: 30.0% of 10 requests to version 2 through PROD failed (3 errors, 0 "
                     "throttles), over max_error_rate 10.0%"),
            std::string::npos)
      << msg;
  EXPECT_NE(msg.find("Rolled back: PROD on version 1 with no routing"), std::string::npos) << msg;
  EXPECT_EQ(b.prod().version, "1");
  EXPECT_TRUE(b.prod().weights.empty());
  EXPECT_EQ(b.prod().description, "lambda-cd build=1");  // history as before, shift record gone
  EXPECT_EQ(b.clock.elapsed(), seconds(5));               // the first check, 5 s into the wait
  EXPECT_TRUE(b.observer.saw("PROD: rolled back to version 1, no routing (version 2 had 20%)"));
}

TEST(TrafficShift, TooFewRequestsAreNotJudgedAndTheShiftSaysSo) {
  ShiftBench b;
  b.failing["2"] = 0.5;
  b.rps = 1;  // 2 requests to version 2 in 10 s: below min_invocations 10
  auto m = b.promote("canary:20:10s");
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(b.prod().version, "2");
  EXPECT_TRUE(b.observer.saw("warn the error-rate gate never judged version 2: 2 of the 10 requests"));
}

TEST(TrafficShift, ThrottlesCountAsFailedRequests) {
  ShiftBench b;
  b.cw_service.record("Throttles", {{"FunctionName", "fn"}, {"Resource", "fn:PROD"}, {"ExecutedVersion", "2"}},
                      b.clock.now() + seconds(1), 4);
  auto m = b.promote("canary:20:10s");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("28.6% of 14 requests to version 2 through PROD failed (0 errors, 4 throttles)"),
            std::string::npos)
      << m.error().message;
}

TEST(TrafficShift, AlarmInAlarmMidShiftRollsBack) {
  ShiftBench b;
  b.config.release.defaults.alarms = std::vector<std::string>{"fn-errors", "fn-latency"};
  b.cw_service.alarms["fn-errors"] = {"OK", ""};
  b.cw_service.alarms["fn-latency"] = {"INSUFFICIENT_DATA", ""};
  int sleeps = 0;
  b.clock.on_sleep = [&](milliseconds d) {
    b.drive(d);
    if (++sleeps == 2) b.cw_service.alarms["fn-latency"] = {"ALARM", "Threshold Crossed: 1 out of the last 1 datapoints"};
  };
  auto m = b.promote("linear:20:5s");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("alarm gate tripped: alarm fn-latency is in ALARM: Threshold Crossed"),
            std::string::npos)
      << m.error().message;
  EXPECT_EQ(b.prod().version, "1");
  EXPECT_TRUE(b.prod().weights.empty());
  // Two 5 s waits at 20% and 40%; the alarm was seen right after it changed (before the 60% step).
  EXPECT_EQ(b.clock.elapsed(), seconds(10));
  EXPECT_EQ(b.alias_updates().size(), 3u);  // 20%, 40%, rollback
}

TEST(TrafficShift, AlarmAlreadyInAlarmOrMissingMovesNothing) {
  ShiftBench b;
  b.config.release.defaults.alarms = std::vector<std::string>{"fn-errors"};
  b.cw_service.alarms["fn-errors"] = {"ALARM", "still bad"};
  auto m = b.promote("canary:20:10s");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("alarm fn-errors is in ALARM: still bad. Nothing moved: PROD is still on version 1"),
            std::string::npos)
      << m.error().message;
  EXPECT_TRUE(b.alias_updates().empty());

  b.cw_service.alarms.clear();
  auto missing = b.promote("canary:20:10s");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("alarm fn-errors does not exist"), std::string::npos);
  EXPECT_TRUE(b.alias_updates().empty());
}

TEST(TrafficShift, UnreadableMetricsRollBackRatherThanShiftBlind) {
  ShiftBench b;
  int sleeps = 0;
  b.clock.on_sleep = [&](milliseconds d) {
    b.drive(d);
    if (++sleeps == 1) {
      Error e{ErrorKind::auth, "User is not authorized to perform: cloudwatch:GetMetricData"};
      e.code = "AccessDenied";
      e.http_status = 403;
      b.cw_service.fail_with = e;
    }
  };
  auto m = b.promote("canary:20:10s");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("error rate gate tripped: CloudWatch metrics could not be read: AccessDenied (403)"),
            std::string::npos)
      << m.error().message;
  EXPECT_EQ(b.prod().version, "1");
  EXPECT_TRUE(b.prod().weights.empty());
}

TEST(TrafficShift, FailingBeforeTrafficNeverMovesTheAlias) {
  ShiftBench b;
  b.config.release.defaults.before_traffic = "./smoke.sh";
  b.launcher.exit_codes["./smoke.sh"] = 3;
  auto m = b.promote("canary:20:10s");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("before_traffic failed: './smoke.sh' exited with 3"), std::string::npos)
      << m.error().message;
  EXPECT_NE(m.error().message.find("Nothing moved: PROD is still on version 1"), std::string::npos);
  EXPECT_TRUE(b.alias_updates().empty());
  ASSERT_EQ(b.launcher.runs.size(), 1u);
  const auto& env = b.launcher.runs[0].env_set;
  EXPECT_EQ(env.at("LAMBDA_CD_FUNCTION_NAME"), "fn");
  EXPECT_EQ(env.at("LAMBDA_CD_QUALIFIER"), "2");
  EXPECT_EQ(env.at("LAMBDA_CD_ALIAS"), "PROD");
  EXPECT_EQ(env.at("LAMBDA_CD_FUNCTION_ARN"), "arn:aws:lambda:us-east-1:000000000000:function:fn:2");
  EXPECT_EQ(env.at("AWS_ENDPOINT_URL"), "http://127.0.0.1:4566");
}

TEST(TrafficShift, FailingAfterTrafficPutsThePreviousVersionBack) {
  ShiftBench b;
  b.config.release.defaults.after_traffic = "./check.sh";
  b.launcher.exit_codes["./check.sh"] = 1;
  auto m = b.promote("all-at-once");
  ASSERT_FALSE(m);
  EXPECT_NE(m.error().message.find("after_traffic failed: './check.sh' exited with 1"), std::string::npos);
  EXPECT_EQ(b.prod().version, "1");
  EXPECT_EQ(b.prod().description, "lambda-cd build=1");
  auto updates = b.alias_updates();
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0]["FunctionVersion"], "2");
  EXPECT_EQ(updates[1]["FunctionVersion"], "1");
}

TEST(TrafficShift, AllAtOnceWithoutGatesReadsNoMetrics) {
  ShiftBench b;
  b.ctx->cloudwatch = nullptr;
  auto m = b.promote("");
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(b.prod().version, "2");
  EXPECT_EQ(b.alias_updates().size(), 1u);
  EXPECT_EQ(b.cw_service.log.size(), 0u);
  EXPECT_EQ(b.clock.elapsed(), milliseconds(0));
}

TEST(TrafficShift, ConfiguredStrategyAppliesWithoutTheFlagAndDryRunOnlyDescribes) {
  ShiftBench b;
  b.config.release.per_alias["PROD"].strategy = "Canary10Percent5Minutes";
  PromoteOptions options;
  options.dry_run = true;
  auto m = run_promote(*b.ctx, "PROD", PromoteTarget{"2", "", ""}, options);
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_EQ(m->strategy, "canary:10:5m");
  EXPECT_EQ(b.lambda_service.mutating_calls(), 0);
  EXPECT_TRUE(b.observer.saw("strategy canary:10:5m: 10% for 5m, then 100% (as CodeDeployDefault.LambdaCanary10Percent5Minutes)"));
  EXPECT_TRUE(b.observer.saw("gates: error rate over 10.0% after 10 requests"));
}

// --- interrupted shifts ---------------------------------------------------------------------

TEST(TrafficShift, KilledShiftShowsInStatusAndResumesWhereItWas) {
  ShiftBench b;
  b.config.release.defaults.before_traffic = "./smoke.sh";
  b.sleeps_until_killed = 1;  // dies 5 s into the 10 s wait at 20%
  EXPECT_THROW((void)b.promote("canary:20:10s"), Killed);
  EXPECT_EQ(b.prod().version, "1");
  EXPECT_DOUBLE_EQ(b.prod().weights.at("2"), 0.2);

  auto status = run_status(*b.ctx);
  ASSERT_TRUE(status) << status.error().describe();
  ASSERT_EQ(status->aliases.size(), 1u);
  ASSERT_TRUE(status->aliases[0].shift);
  EXPECT_EQ(describe_shift("PROD", *status->aliases[0].shift, status->aliases[0].shift_percent),
            "shifting PROD 20% to version 2 (build 2), started 2027-01-15T08:00:00Z");

  // Another version cannot be promoted meanwhile.
  b.lambda_service.external_publish("build 3");
  auto other = b.promote("canary:20:10s", "3");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("PROD has a shift in progress: shifting PROD 20% to version 2"), std::string::npos)
      << other.error().message;
  EXPECT_NE(other.error().message.find("lambda-cd promote PROD --version 2"), std::string::npos);

  // Same target: resumes, waits only what was left of the 10 s, does not rerun before_traffic.
  const auto resumed_at = b.clock.elapsed();
  auto m = b.promote("canary:20:10s");
  ASSERT_TRUE(m) << m.error().describe();
  EXPECT_TRUE(m->shift->resumed);
  EXPECT_EQ(m->shift->percents, std::vector<int>({100}));
  EXPECT_EQ(b.clock.elapsed() - resumed_at, seconds(5));
  EXPECT_EQ(b.launcher.runs.size(), 1u);
  EXPECT_EQ(b.prod().version, "2");
  EXPECT_TRUE(b.prod().weights.empty());
  EXPECT_EQ(b.prod().description, "lambda-cd build=2 history=1");
  EXPECT_TRUE(b.observer.saw("resuming: shifting PROD 20% to version 2 (build 2)"));
}

TEST(TrafficShift, RollbackUndoesAShiftInProgressKeepingTheHistory) {
  ShiftBench b;
  b.lambda_service.aliases["PROD"].description = "lambda-cd build=1 history=7";
  b.sleeps_until_killed = 1;
  EXPECT_THROW((void)b.promote("linear:50:10s"), Killed);
  auto r = run_rollback(*b.ctx, "PROD", false);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_TRUE(r->undid_shift);
  EXPECT_EQ(r->to_version, "1");
  EXPECT_EQ(b.prod().version, "1");
  EXPECT_TRUE(b.prod().weights.empty());
  EXPECT_EQ(b.prod().description, "lambda-cd build=1 history=7");
  // Nothing left to resume: a new promote starts from scratch.
  auto status = run_status(*b.ctx);
  EXPECT_FALSE(status->aliases[0].shift);
}

TEST(TrafficShift, TwoShiftsNeverInterleaveAndTheLoserSaysSo) {
  ShiftBench b;
  int sleeps = 0;
  b.clock.on_sleep = [&](milliseconds d) {
    b.drive(d);
    if (++sleeps == 1) {
      // Another process takes the alias over mid-wait (e.g. a rollback or another promote).
      auto& a = b.lambda_service.aliases["PROD"];
      a.weights.clear();
      a.description = "lambda-cd build=1";
      a.revision = "rev-theirs";
    }
  };
  auto m = b.promote("linear:50:10s");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::precondition);
  EXPECT_NE(m.error().message.find("PROD was moved by someone else meanwhile (its RevisionId changed; it is now on "
                                   "version 1)"),
            std::string::npos)
      << m.error().message;
  EXPECT_EQ(b.prod().revision, "rev-theirs");  // left as the other writer left it
  EXPECT_TRUE(b.prod().weights.empty());
}

}  // namespace
}  // namespace lcd::pipeline

namespace lcd::pipeline {
namespace {

TEST(StatusMetrics, EachAliasGetsItsInvocationsAndErrorRate) {
  ShiftBench b;
  b.lambda_service.aliases["STAGE"] = {"2", "lambda-cd build=2", "rev-s", {}};
  b.failing["1"] = 0.25;
  b.drive(std::chrono::seconds(8));  // 80 requests through PROD, a quarter failing
  auto status = run_status(*b.ctx, std::chrono::minutes(15));
  ASSERT_TRUE(status) << status.error().describe();
  EXPECT_TRUE(status->metrics_error.empty()) << status->metrics_error;
  ASSERT_EQ(status->aliases.size(), 2u);
  const auto& prod = status->aliases[0];
  EXPECT_EQ(prod.name, "PROD");
  ASSERT_TRUE(prod.metrics);
  EXPECT_DOUBLE_EQ(prod.metrics->invocations, 80);
  EXPECT_DOUBLE_EQ(prod.metrics->errors, 20);
  EXPECT_DOUBLE_EQ(prod.metrics->error_rate(), 0.25);
  ASSERT_TRUE(status->aliases[1].metrics);
  EXPECT_DOUBLE_EQ(status->aliases[1].metrics->invocations, 0);
  EXPECT_EQ(b.cw_service.count("GetMetricData"), 1);
  auto body = b.cw_service.log.back().body;
  EXPECT_NE(body.find("Dimensions.member.2.Value=fn%3ASTAGE"), std::string::npos);
}

TEST(StatusMetrics, UnavailableMetricsSayWhyAndTheRestStands) {
  ShiftBench b;
  Error e{ErrorKind::invalid, "Service 'monitoring' is not served by lambda-cd local"};
  e.code = "UnknownServiceException";
  e.http_status = 400;
  b.cw_service.fail_with = e;
  auto status = run_status(*b.ctx);
  ASSERT_TRUE(status) << status.error().describe();
  EXPECT_EQ(status->aliases.size(), 1u);
  EXPECT_FALSE(status->aliases[0].metrics);
  EXPECT_EQ(status->metrics_error, "UnknownServiceException (400): Service 'monitoring' is not served by lambda-cd local");
}

}  // namespace
}  // namespace lcd::pipeline
