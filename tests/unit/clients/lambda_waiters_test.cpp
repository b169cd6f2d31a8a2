#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clients/lambda_waiters.hpp"
#include "fakes.hpp"

using namespace lcd;
using namespace lcd::clients;
using lcd::test::FakeClock;
using lcd::test::ok;
using lcd::test::ScriptedCaller;
using nlohmann::json;

namespace {

// Answers GetFunctionConfiguration with the given sequence of (State, LastUpdateStatus); the last repeats.
ScriptedCaller::Handler sequence(std::vector<std::pair<std::string, std::string>> states) {
  auto index = std::make_shared<size_t>(0);
  return [states, index](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    const auto& s = states[std::min(*index, states.size() - 1)];
    ++*index;
    json body{{"FunctionName", "fn"}, {"State", s.first}, {"LastUpdateStatus", s.second}};
    if (s.first == "Failed") body["StateReason"] = "bad zip";
    if (s.second == "Failed") body["LastUpdateStatusReason"] = "runtime gone";
    return ok(body.dump());
  };
}

}  // namespace

TEST(Waiters, ActiveAfterPending) {
  ScriptedCaller caller(sequence({{"Pending", ""}, {"Pending", ""}, {"Active", "Successful"}}));
  LambdaClient lambda(caller);
  FakeClock clock;
  auto r = wait_function_active(lambda, clock, "fn");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->state, "Active");
  EXPECT_EQ(caller.requests.size(), 3u);
  ASSERT_EQ(clock.sleeps.size(), 2u);
  EXPECT_EQ(clock.sleeps[0].count(), 100);
  EXPECT_EQ(clock.sleeps[1].count(), 200);
  EXPECT_EQ(caller.requests[0].path, "/2015-03-31/functions/fn/configuration");
}

TEST(Waiters, ActiveFailedIsFatalWithReason) {
  ScriptedCaller caller(sequence({{"Pending", ""}, {"Failed", ""}}));
  LambdaClient lambda(caller);
  FakeClock clock;
  auto r = wait_function_active(lambda, clock, "fn");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("bad zip"), std::string::npos);
  EXPECT_EQ(caller.requests.size(), 2u);
}

TEST(Waiters, UpdatedSucceeds) {
  ScriptedCaller caller(sequence({{"Active", "InProgress"}, {"Active", "Successful"}}));
  LambdaClient lambda(caller);
  FakeClock clock;
  auto r = wait_function_updated(lambda, clock, "fn");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->last_update_status, "Successful");
}

TEST(Waiters, UpdatedFailedIsFatal) {
  ScriptedCaller caller(sequence({{"Active", "InProgress"}, {"Active", "Failed"}}));
  LambdaClient lambda(caller);
  FakeClock clock;
  auto r = wait_function_updated(lambda, clock, "fn");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("runtime gone"), std::string::npos);
}

TEST(Waiters, TimesOutOnFakeTime) {
  ScriptedCaller caller(sequence({{"Active", "InProgress"}}));
  LambdaClient lambda(caller);
  FakeClock clock;
  WaitPolicy policy;
  policy.timeout = std::chrono::seconds(10);
  auto r = wait_function_updated(lambda, clock, "fn", policy);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::timeout);
  EXPECT_LE(clock.elapsed(), std::chrono::seconds(10));
  EXPECT_GE(clock.elapsed(), std::chrono::seconds(8));
  EXPECT_NE(r.error().message.find("InProgress"), std::string::npos);
  // Backoff caps at one second, so ten seconds is about a dozen polls, not hundreds.
  EXPECT_LT(caller.requests.size(), 20u);
}

TEST(Waiters, ErrorResponseStopsWaiting) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    return lcd::test::aws_error(ErrorKind::not_found, 404, "ResourceNotFoundException", "Function not found");
  });
  LambdaClient lambda(caller);
  FakeClock clock;
  auto r = wait_function_active(lambda, clock, "fn");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::not_found);
  EXPECT_EQ(caller.requests.size(), 1u);
}

TEST(ConflictRetry, RetriesUpdateInProgressAfterWaiting) {
  int updates = 0;
  int polls = 0;
  ScriptedCaller caller([&](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    if (r.method == "PUT") {
      if (++updates < 3) {
        return lcd::test::aws_error(ErrorKind::conflict, 409, "ResourceConflictException",
                                    "The operation cannot be performed at this time. An update is in progress for "
                                    "resource: arn:aws:lambda:us-east-1:000000000000:function:fn");
      }
      return ok(R"({"FunctionName":"fn","LastUpdateStatus":"InProgress"})");
    }
    ++polls;
    return ok(json{{"State", "Active"}, {"LastUpdateStatus", polls % 2 ? "InProgress" : "Successful"}}.dump());
  });
  LambdaClient lambda(caller);
  FakeClock clock;
  UpdateFunctionConfigurationRequest req;
  req.function_name = "fn";
  req.memory_size = 512;
  auto r = retry_on_update_conflict<FunctionConfiguration>(
      lambda, clock, "fn", [&] { return lambda.update_function_configuration(req); });
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(updates, 3);
  EXPECT_EQ(polls, 4);  // two waits, each InProgress then Successful
}

TEST(ConflictRetry, GivesUpAfterBoundedAttempts) {
  int updates = 0;
  ScriptedCaller caller([&](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    if (r.method == "PUT") {
      ++updates;
      return lcd::test::aws_error(ErrorKind::conflict, 409, "ResourceConflictException",
                                  "An update is in progress for resource: fn");
    }
    return ok(R"({"State":"Active","LastUpdateStatus":"Successful"})");
  });
  LambdaClient lambda(caller);
  FakeClock clock;
  ConflictRetry retry;
  retry.max_attempts = 4;
  auto r = retry_on_update_conflict<FunctionConfiguration>(
      lambda, clock, "fn", [&] { return lambda.update_function_code({"fn", {"zip"}, std::nullopt, false}); }, retry);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 409);
  EXPECT_EQ(updates, 4);
}

TEST(ConflictRetry, OtherConflictsAreNotRetried) {
  int creates = 0;
  ScriptedCaller caller([&](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    ++creates;
    return lcd::test::aws_error(ErrorKind::conflict, 409, "ResourceConflictException",
                                "Function already exist: fn");
  });
  LambdaClient lambda(caller);
  FakeClock clock;
  auto r = retry_on_update_conflict<FunctionConfiguration>(lambda, clock, "fn",
                                                           [&] { return lambda.create_function({}); });
  ASSERT_FALSE(r);
  EXPECT_EQ(creates, 1);
}
