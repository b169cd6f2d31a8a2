#include "pipeline/deploy_lock.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "fake_lambda.hpp"
#include "fake_s3.hpp"
#include "harness.hpp"
#include "pipeline/pipeline_runner.hpp"

namespace lcd::pipeline {
namespace {

using namespace std::chrono_literals;
using test::FakeClock;
using test::FakeS3;
using test::RecordingObserver;

// A FakeClock that runs `on_sleep` every time the code under test waits.
class ScriptedClock : public FakeClock {
 public:
  std::function<void(int)> on_sleep;
  int sleeps = 0;
  void sleep_for(std::chrono::milliseconds d) override {
    FakeClock::sleep_for(d);
    if (on_sleep) on_sleep(++sleeps);
  }
};

LockSettings settings(std::chrono::milliseconds wait = 10s) {
  LockSettings s;
  s.bucket = "locks";
  s.key = lock_key("greeting", "eu-west-1");
  s.region = "eu-west-1";
  s.lease = 60s;
  s.wait = wait;
  s.poll = 1s;
  return s;
}

LockRecord owner(const std::string& host, const std::string& command, const std::string& build) {
  LockRecord r;
  r.owner = LockOwner{host, 4242, "GitHub Actions run 7"};
  r.command = command;
  r.build = build;
  return r;
}

TEST(DeployLock, RecordRoundTripsAndDescribesItsHolder) {
  LockRecord r = owner("runner-1", "pipeline", "31");
  r.token = "t1";
  r.acquired = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'800'000'000'000));
  r.expires = r.acquired + 120s;
  auto back = parse_lock_record(lock_record_json(r));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->owner.host, "runner-1");
  EXPECT_EQ(back->owner.pid, 4242);
  EXPECT_EQ(back->owner.ci_job, "GitHub Actions run 7");
  EXPECT_EQ(back->build, "31");
  EXPECT_EQ(back->token, "t1");
  EXPECT_EQ(back->expires, r.expires);
  EXPECT_EQ(describe_holder(r), "runner-1 pid 4242 (GitHub Actions run 7), pipeline build 31, since 2027-01-15T08:00:00.000Z");
  EXPECT_FALSE(parse_lock_record("not json"));
  EXPECT_FALSE(parse_lock_record("{\"owner\":{}}"));
  EXPECT_EQ(lock_key("fn", "ap-southeast-2"), "fn/lock/ap-southeast-2.json");
  EXPECT_EQ(default_lock_bucket("123456789012", "eu-west-1"), "lambda-cd-locks-123456789012-eu-west-1");
  EXPECT_LE(default_lock_bucket("000000000000", "ap-southeast-2").size(), 63u);  // S3's bucket-name limit
}

TEST(DeployLock, TakesAFreeLockCreatingTheBucketAndReleasesIt) {
  FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  FakeClock clock;
  RecordingObserver observer;
  auto lock = DeployLock::acquire(s3, clock, observer, settings(), owner("runner-1", "deploy", ""));
  ASSERT_TRUE(lock) << lock.error().message;
  EXPECT_EQ(s3_backend.count("CreateBucket"), 1);
  auto stored = parse_lock_record(s3_backend.buckets["locks"]["greeting/lock/eu-west-1.json"]);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->command, "deploy");
  EXPECT_EQ(stored->expires - stored->acquired, 60s);
  EXPECT_TRUE((*lock)->check());
  ASSERT_TRUE((*lock)->release());
  EXPECT_EQ(s3_backend.buckets["locks"].count("greeting/lock/eu-west-1.json"), 0u);
  EXPECT_FALSE((*lock)->check());
}

TEST(DeployLock, ASecondRunWaitsSaysWhoHoldsItAndGivesUpNamingTheHolder) {
  FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  FakeClock clock;
  RecordingObserver observer;
  auto first = DeployLock::acquire(s3, clock, observer, settings(), owner("runner-1", "pipeline", "30"));
  ASSERT_TRUE(first);
  auto second = DeployLock::acquire(s3, clock, observer, settings(5s), owner("runner-2", "pipeline", "31"));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::conflict);
  EXPECT_NE(second.error().message.find("held by runner-1 pid 4242 (GitHub Actions run 7), pipeline build 30"),
            std::string::npos)
      << second.error().message;
  EXPECT_NE(second.error().message.find("gave up after waiting 5 s"), std::string::npos);
  EXPECT_GE(clock.monotonic().time_since_epoch(), 5s);
  int waiting_lines = 0;
  for (const auto& e : observer.events) waiting_lines += e.find("waiting for the deploy lock: held by runner-1") != std::string::npos;
  EXPECT_EQ(waiting_lines, 1);  // said once, not at every poll
  EXPECT_TRUE((*first)->check());
}

TEST(DeployLock, AWaitingRunGetsTheLockWhenTheHolderReleases) {
  FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  ScriptedClock clock;
  RecordingObserver observer;
  auto first = DeployLock::acquire(s3, clock, observer, settings(), owner("runner-1", "pipeline", "30"));
  ASSERT_TRUE(first);
  clock.on_sleep = [&](int n) {
    if (n == 3) {
      ASSERT_TRUE((*first)->release());
    }
  };
  auto second = DeployLock::acquire(s3, clock, observer, settings(), owner("runner-2", "pipeline", "31"));
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(clock.sleeps, 3);
  EXPECT_EQ(parse_lock_record(s3_backend.buckets["locks"]["greeting/lock/eu-west-1.json"])->owner.host, "runner-2");
}

TEST(DeployLock, AnExpiredLeaseIsTakenOverWithAWarningAndItsHolderLearnsItLostIt) {
  FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  FakeClock clock;
  RecordingObserver observer;
  auto dead = DeployLock::acquire(s3, clock, observer, settings(), owner("runner-1", "pipeline", "30"));
  ASSERT_TRUE(dead);
  clock.sleep_for(60s + 14s);  // expired, but within the 15 s grace (a quarter of the lease)
  auto early = DeployLock::acquire(s3, clock, observer, settings(0s), owner("runner-2", "pipeline", "31"));
  EXPECT_FALSE(early);
  clock.sleep_for(2s);
  auto taker = DeployLock::acquire(s3, clock, observer, settings(0s), owner("runner-2", "pipeline", "31"));
  ASSERT_TRUE(taker) << taker.error().message;
  EXPECT_TRUE(observer.saw("took over the deploy lock of runner-1 pid 4242"));
  EXPECT_TRUE(observer.saw("its lease expired at"));
  auto renewed = (*dead)->renew();
  ASSERT_FALSE(renewed);
  EXPECT_NE(renewed.error().message.find("lost the deploy lock"), std::string::npos);
  EXPECT_FALSE((*dead)->check());
  // The loser's release leaves the new holder's lock alone.
  ASSERT_TRUE((*dead)->release());
  EXPECT_EQ(parse_lock_record(s3_backend.buckets["locks"]["greeting/lock/eu-west-1.json"])->owner.host, "runner-2");
}

TEST(DeployLock, ARetriedWriteThatHadLandedIsRecognisedByItsToken) {
  FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  FakeClock clock;
  RecordingObserver observer;
  LockRecord me = owner("runner-1", "publish", "9");
  me.token = "my-token";
  me.acquired = clock.now();
  me.expires = me.acquired + 60s;
  s3_backend.buckets["locks"]["greeting/lock/eu-west-1.json"] = lock_record_json(me);
  auto lock = DeployLock::acquire(s3, clock, observer, settings(0s), me);
  ASSERT_TRUE(lock) << lock.error().message;
  EXPECT_FALSE(observer.saw("waiting"));
}

TEST(DeployLock, AnUnreadableLockObjectIsReplacedWithAWarning) {
  FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  FakeClock clock;
  RecordingObserver observer;
  s3_backend.buckets["locks"]["greeting/lock/eu-west-1.json"] = "garbage";
  auto lock = DeployLock::acquire(s3, clock, observer, settings(0s), owner("runner-1", "deploy", ""));
  ASSERT_TRUE(lock) << lock.error().message;
  EXPECT_TRUE(observer.saw("replaced an unreadable deploy lock object"));
}

TEST(DeployLock, RenewExtendsTheLeaseAndTheRenewerThreadKeepsItAlive) {
  FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  FakeClock clock;
  RecordingObserver observer;
  auto lock = DeployLock::acquire(s3, clock, observer, settings(), owner("runner-1", "promote", ""));
  ASSERT_TRUE(lock);
  clock.sleep_for(30s);
  ASSERT_TRUE((*lock)->renew());
  EXPECT_EQ((*lock)->record().expires, clock.now() + 60s);
  EXPECT_EQ(parse_lock_record(s3_backend.buckets["locks"]["greeting/lock/eu-west-1.json"])->expires, clock.now() + 60s);
  const int puts_before = s3_backend.count("PutObject");
  (*lock)->start_renewing(10ms);
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE((*lock)->release());  // stops the renewer before touching the fake again
  EXPECT_GE(s3_backend.count("PutObject") - puts_before, 3);
  EXPECT_EQ(s3_backend.buckets["locks"].count("greeting/lock/eu-west-1.json"), 0u);
}

TEST(DeployLock, BreakingItSaysWhoseItWas) {
  FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  FakeClock clock;
  RecordingObserver observer;
  auto none = break_lock(s3, settings());  // no bucket yet: no lock either
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  s3_backend.buckets["locks"];
  none = break_lock(s3, settings());
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto lock = DeployLock::acquire(s3, clock, observer, settings(), owner("runner-1", "pipeline", "5"));
  ASSERT_TRUE(lock);
  auto broken = break_lock(s3, settings());
  ASSERT_TRUE(broken);
  ASSERT_TRUE(*broken);
  EXPECT_EQ((*broken)->record.build, "5");
  auto checked = (*lock)->check();  // noticed at once, before any renewal
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("deleted"), std::string::npos);
  EXPECT_FALSE((*lock)->renew());
}

TEST(DeployLock, CheckNoticesALockTakenByAnotherBeforeTheNextRenewal) {
  FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  FakeClock clock;
  RecordingObserver observer;
  auto mine = DeployLock::acquire(s3, clock, observer, settings(), owner("runner-1", "pipeline", "5"));
  ASSERT_TRUE(mine);
  EXPECT_TRUE((*mine)->check());
  ASSERT_TRUE(break_lock(s3, settings()));
  auto theirs = DeployLock::acquire(s3, clock, observer, settings(), owner("runner-2", "pipeline", "6"));
  ASSERT_TRUE(theirs);
  auto checked = (*mine)->check();
  ASSERT_FALSE(checked);
  EXPECT_NE(checked.error().message.find("now belongs to runner-2"), std::string::npos) << checked.error().message;
  ASSERT_TRUE((*mine)->release());  // leaves runner-2's lock alone
  EXPECT_TRUE((*theirs)->check());
}

TEST(DeployLock, AStepDoesNotRunOnceTheLockIsLost) {
  FakeS3 s3_backend;
  clients::S3Client s3(s3_backend);
  test::FakeClock clock;
  RecordingObserver observer;
  auto lock = DeployLock::acquire(s3, clock, observer, settings(), owner("runner-1", "pipeline", "5"));
  ASSERT_TRUE(lock);
  ASSERT_TRUE(break_lock(s3, settings()));
  test::FakeLambda lambda_backend;
  clients::LambdaClient lambda(lambda_backend);
  test::FakeLauncher launcher;
  ProjectConfig config;
  StepContext ctx{config, lambda, clock, observer, launcher, {}, {}, "t"};
  ctx.lock = lock->get();
  bool ran = false;
  auto step = observed_step(ctx, "deploy", [&]() -> Result<std::string> {
    ran = true;
    return std::string("done");
  });
  EXPECT_FALSE(ran);
  ASSERT_FALSE(step);
  EXPECT_NE(step.error().message.find("lost the deploy lock"), std::string::npos);
}

}  // namespace
}  // namespace lcd::pipeline
