// The Lambda behaviour an invoked function and its caller see (issue 11 point 8, issue 10
// concurrency): reserved and account concurrency enforced by the engine, the environment AWS sets
// for Node.js, AWS_LAMBDA_EXEC_WRAPPER, and the error texts of runtimes that exit.
//
// Expected values are AWS's, recorded from AWS Lambda in 2025-2026 (LocalStack's AWS-validated
// parity snapshots: test_lambda_common.snapshot.json test_introspection_invoke[nodejs18.x|nodejs20.x]
// for the environment; test_lambda.snapshot.json TestLambdaErrors::test_lambda_runtime_exit and
// test_lambda_runtime_wrapper_not_found for the exit texts, TestLambdaConcurrency for the Reasons).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine_fixture.hpp"

namespace lcd::local::runtime::testing {
namespace {

using LambdaSemantics = EngineTest;

const char* k_sleeper_js = R"(
exports.handler = async (e) => {
  if (e.sleep) await new Promise((r) => setTimeout(r, e.sleep));
  if (e.exit !== undefined) process.exit(e.exit);
  return { env: process.env, cwd: process.cwd() };
};)";

// Runs `count` invokes of `f` at once; returns the throttle Reasons of the refused ones.
std::vector<std::string> run_at_once(InvokeEngine& engine, const std::vector<FunctionSnapshot>& functions, int* ok) {
  std::mutex m;
  std::vector<std::string> reasons;
  std::atomic<int> succeeded{0};
  std::vector<std::thread> threads;
  for (const auto& f : functions) {
    threads.emplace_back([&, f] {
      InvokeRequest r;
      r.function = f;
      r.payload = R"({"sleep":1200})";
      auto result = engine.invoke(r);
      if (result) {
        ++succeeded;
        return;
      }
      EXPECT_EQ(result.error().kind, ErrorKind::throttled) << result.error().describe();
      EXPECT_EQ(result.error().http_status, 429);
      std::lock_guard lock(m);
      reasons.push_back(throttle_reason(result.error()));
    });
  }
  for (auto& t : threads) t.join();
  *ok = succeeded;
  return reasons;
}

}  // namespace

TEST_F(LambdaSemantics, ReservedConcurrencyIsTheFunctionsCeiling) {
  auto f = make_function({{"index.js", k_sleeper_js}});
  f.reserved_concurrency = 1;
  f.account_reserved_concurrency = 1;
  int ok = 0;
  auto reasons = run_at_once(engine(), {f, f}, &ok);
  EXPECT_EQ(ok, 1);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0], "ReservedFunctionConcurrentInvocationLimitExceeded");
  // Zero throttles every invoke, with nothing running.
  f.reserved_concurrency = 0;
  auto refused = engine().invoke(request(f));
  ASSERT_FALSE(refused);
  EXPECT_EQ(throttle_reason(refused.error()), "ReservedFunctionConcurrentInvocationLimitExceeded");
}

TEST_F(LambdaSemantics, UnreservedFunctionsShareWhatReservationsLeave) {
  auto options = default_options();
  options.concurrency_limit = 3;
  restart(options);
  auto shared = make_function({{"index.js", k_sleeper_js}});
  shared.account_reserved_concurrency = 1;  // another function holds 1 of the 3
  auto other = shared;
  other.function_name = "other";
  int ok = 0;
  auto reasons = run_at_once(engine(), {shared, other, shared}, &ok);
  EXPECT_EQ(ok, 2);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0], "ConcurrentInvocationLimitExceeded");
  // Another region of the same account has its own pool.
  auto elsewhere = shared;
  elsewhere.region = "eu-west-1";
  ok = 0;
  reasons = run_at_once(engine(), {shared, shared, elsewhere, elsewhere}, &ok);
  EXPECT_EQ(ok, 4);
  EXPECT_TRUE(reasons.empty());
}

TEST_F(LambdaSemantics, NodeEnvironmentHasWhatAwsSets) {
  auto f = make_function({{"index.js", k_sleeper_js}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->function_error, "") << r->payload;
  std::string task_root = json_field(r->payload, "/env/LAMBDA_TASK_ROOT");
  std::string runtime_dir = json_field(r->payload, "/env/LAMBDA_RUNTIME_DIR");
  EXPECT_EQ(json_field(r->payload, "/cwd"), task_root);
  EXPECT_EQ(json_field(r->payload, "/env/PWD"), task_root);
  EXPECT_EQ(json_field(r->payload, "/env/SHLVL"), "0");
  EXPECT_EQ(json_field(r->payload, "/env/NODE_PATH"),
            "/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:" + runtime_dir + "/node_modules:" + runtime_dir +
                ":" + task_root);
  EXPECT_EQ(json_field(r->payload, "/env/AWS_XRAY_DAEMON_ADDRESS"), "127.0.0.1:2000");
  EXPECT_EQ(json_field(r->payload, "/env/_AWS_XRAY_DAEMON_ADDRESS"), "127.0.0.1");
  EXPECT_EQ(json_field(r->payload, "/env/_AWS_XRAY_DAEMON_PORT"), "2000");
  EXPECT_EQ(json_field(r->payload, "/env/AWS_XRAY_CONTEXT_MISSING"), "LOG_ERROR");
  EXPECT_EQ(json_field(r->payload, "/env/NODE_EXTRA_CA_CERTS"), "<missing>");  // not on nodejs20.x
  auto old = make_function({{"index.js", k_sleeper_js}}, "index.handler", "nodejs18.x");
  auto r18 = engine().invoke(request(old));
  ASSERT_TRUE(r18);
  std::string ca = json_field(r18->payload, "/env/NODE_EXTRA_CA_CERTS");
  if (std::filesystem::exists("/etc/ssl/certs/ca-certificates.crt")) {
    EXPECT_EQ(ca, "/etc/ssl/certs/ca-certificates.crt");
  }
  EXPECT_EQ(json_field(r18->payload, "/env/NODE_PATH").rfind("/opt/nodejs/node18/node_modules:", 0), 0u);
}

TEST_F(LambdaSemantics, ExecWrapperIsHonoured) {
  const char* wrapper = "#!/bin/sh\nexport WRAPPED_BY=wrapper\nexec \"$@\"\n";
  auto f = make_function({{"index.js", k_sleeper_js}, {"wrapper.sh", wrapper}});
  auto first = engine().invoke(request(f));
  ASSERT_TRUE(first);
  std::string task_root = json_field(first->payload, "/env/LAMBDA_TASK_ROOT");
  EXPECT_EQ(json_field(first->payload, "/env/WRAPPED_BY"), "<missing>");
  f.environment["AWS_LAMBDA_EXEC_WRAPPER"] = task_root + "/wrapper.sh";
  auto wrapped = engine().invoke(request(f));
  ASSERT_TRUE(wrapped);
  EXPECT_EQ(wrapped->function_error, "") << wrapped->payload;
  EXPECT_EQ(json_field(wrapped->payload, "/env/WRAPPED_BY"), "wrapper");
  // A wrapper that does not exist: the runtime exits 127 (TestLambdaErrors::test_lambda_runtime_wrapper_not_found).
  f.environment["AWS_LAMBDA_EXEC_WRAPPER"] = task_root + "/missing-wrapper";
  auto missing = engine().invoke(request(f));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->function_error, "Unhandled");
  EXPECT_EQ(json_field(missing->payload, "/errorType"), "Runtime.ExitError");
  EXPECT_EQ(json_field(missing->payload, "/errorMessage"),
            "RequestId: " + missing->request_id + " Error: Runtime exited with error: exit status 127");
  EXPECT_EQ(missing->log_tail.find("lambda-cd"), std::string::npos) << missing->log_tail;
}

TEST_F(LambdaSemantics, ARuntimeExitingWithStatusZeroGivesNoReason) {
  auto f = make_function({{"index.js", k_sleeper_js}});
  auto r = engine().invoke(request(f, R"({"exit":0})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(json_field(r->payload, "/errorType"), "Runtime.ExitError");
  EXPECT_EQ(json_field(r->payload, "/errorMessage"),
            "RequestId: " + r->request_id + " Error: Runtime exited without providing a reason");
}

TEST_F(LambdaSemantics, OutputOverTheCapIsNotedInTheEndpointLogNotTheFunctions) {
  auto notices = std::make_shared<std::vector<std::string>>();
  auto options = default_options();
  options.notice = [notices](const std::string& text) { notices->push_back(text); };
  restart(options);
  auto f = make_function({{"index.js", "exports.handler = async () => { await new Promise((r) => "
                                       "process.stdout.write('x'.repeat(9 * 1024 * 1024), r)); return 1; };"}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->payload, "1");
  EXPECT_EQ(r->log_tail.find("lambda-cd"), std::string::npos);
  EXPECT_EQ(read_log("fn").find("lambda-cd"), std::string::npos);
  size_t dropped = 0;
  for (const auto& text : *notices) {
    EXPECT_NE(text.find("bytes of output over 8 MiB"), std::string::npos) << text;
    dropped += std::stoul(text.substr(text.find(": ") + 2));
  }
  ASSERT_FALSE(notices->empty());
  // 9 MiB written, 8 MiB kept (give or take the last 64 KiB read).
  EXPECT_GT(dropped, 1024u * 1024 - 65536);
  EXPECT_LE(dropped, 1024u * 1024);
}

}  // namespace lcd::local::runtime::testing
