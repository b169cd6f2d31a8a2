// Environment lifecycle: warm reuse, timeouts, crashes, throttling, reaping, async retries,
// provided runtimes, response size, and no leftover processes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <regex>
#include <thread>
#include <vector>

#include "engine_fixture.hpp"
#include "util/file_io.hpp"

namespace lcd::local::runtime::testing {
namespace {

using EngineLifecycle = EngineTest;

const char* k_counter_js = R"(
let count = 0;
exports.handler = async (e) => {
  count++;
  if (e.started) require('fs').writeFileSync(e.started, '');
  while (e.gate && !require('fs').existsSync(e.gate)) await new Promise((r) => setTimeout(r, 10));
  if (e.exit !== undefined) process.exit(e.exit);
  if (e.sleep) await new Promise((r) => setTimeout(r, e.sleep));
  if (e.hang) { setInterval(() => {}, 1000); await new Promise(() => {}); }
  if (e.big) return 'x'.repeat(e.big);
  if (e.spawn) { const c = require('child_process').spawn('sleep', ['60'], { stdio: 'ignore' }); return { child: c.pid, pid: process.pid }; }
  return { count, pid: process.pid };
};)";

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

TEST_F(EngineLifecycle, WarmEnvironmentIsReused) {
  auto f = make_function({{"index.js", k_counter_js}});
  auto r1 = engine().invoke(request(f));
  auto r2 = engine().invoke(request(f));
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(json_field(r1->payload, "/count"), "1");
  EXPECT_EQ(json_field(r2->payload, "/count"), "2");
  EXPECT_EQ(json_field(r1->payload, "/pid"), json_field(r2->payload, "/pid"));
  EXPECT_TRUE(r1->cold_start);
  EXPECT_FALSE(r2->cold_start);
  EXPECT_EQ(r2->log_tail.find("Init Duration"), std::string::npos);
  EXPECT_EQ(engine().environment_pids().size(), 1u);
}

TEST_F(EngineLifecycle, DifferentVersionOrConfigGetsItsOwnEnvironment) {
  auto f = make_function({{"index.js", k_counter_js}});
  auto g = f;
  g.version = "2";
  auto h = f;
  h.environment["X"] = "1";
  auto a = engine().invoke(request(f));
  auto b = engine().invoke(request(g));
  auto c = engine().invoke(request(h));
  ASSERT_TRUE(a && b && c);
  EXPECT_NE(json_field(a->payload, "/pid"), json_field(b->payload, "/pid"));
  EXPECT_NE(json_field(a->payload, "/pid"), json_field(c->payload, "/pid"));
  EXPECT_EQ(b->executed_version, "2");
}

TEST_F(EngineLifecycle, AnUpdateStopsTheIdleEnvironmentsOfTheOldCodeAndConfiguration) {
  auto f = make_function({{"index.js", k_counter_js}});
  auto published = f;
  published.version = "1";
  auto a = engine().invoke(request(f));
  auto v1 = engine().invoke(request(published));
  ASSERT_TRUE(a && v1);
  ASSERT_EQ(engine().environment_pids().size(), 2u);
  const int old_pid = std::stoi(json_field(a->payload, "/pid"));

  auto updated = make_function({{"index.js", k_counter_js}, {"extra.txt", "new code"}});  // $LATEST's new code
  auto b = engine().invoke(request(updated));
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_TRUE(b->cold_start);
  EXPECT_FALSE(process_exists(old_pid));
  auto pids = engine().environment_pids();
  EXPECT_EQ(pids.size(), 2u);  // $LATEST's new environment and version 1's, which no update touches
  EXPECT_EQ(std::count(pids.begin(), pids.end(), old_pid), 0);

  auto configured = updated;  // then a configuration change
  configured.environment["X"] = "1";
  auto c = engine().invoke(request(configured));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(process_exists(std::stoi(json_field(b->payload, "/pid"))));
  EXPECT_EQ(engine().environment_pids().size(), 2u);
  auto again = engine().invoke(request(published));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->cold_start);
}

TEST_F(EngineLifecycle, TimeoutKillsTheEnvironment) {
  auto f = make_function({{"index.js", k_counter_js}});
  f.timeout_s = 1;
  auto r = engine().invoke(request(f, R"({"hang":true})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "Unhandled");
  std::string message = json_field(r->payload, "/errorMessage");
  // As AWS words it today (recorded 2025): the configured timeout, two decimals.
  std::regex shape(R"(^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$)");
  EXPECT_TRUE(std::regex_match(message, shape)) << message;
  EXPECT_EQ(json_field(r->payload, "/errorType"), "Sandbox.Timedout");
  EXPECT_NE(r->log_tail.find("Task timed out after"), std::string::npos);
  EXPECT_FALSE(process_exists(r->environment_pid));
  auto next = engine().invoke(request(f));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->function_error, "");
  EXPECT_TRUE(next->cold_start);
  EXPECT_EQ(json_field(next->payload, "/count"), "1");
}

TEST_F(EngineLifecycle, ProcessExitIsContainedAndRecovers) {
  auto f = make_function({{"index.js", k_counter_js}});
  auto warm = engine().invoke(request(f));
  ASSERT_TRUE(warm);
  auto crash = engine().invoke(request(f, R"({"exit":3})"));
  ASSERT_TRUE(crash);
  EXPECT_EQ(crash->function_error, "Unhandled");
  EXPECT_EQ(json_field(crash->payload, "/errorType"), "Runtime.ExitError");
  EXPECT_EQ(json_field(crash->payload, "/errorMessage"),
            "RequestId: " + crash->request_id + " Error: Runtime exited with error: exit status 3");
  auto after = engine().invoke(request(f));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->function_error, "");
  EXPECT_EQ(json_field(after->payload, "/count"), "1");
  EXPECT_NE(json_field(after->payload, "/pid"), json_field(warm->payload, "/pid"));
}

TEST_F(EngineLifecycle, ConcurrencyLimitThrottles) {
  auto options = default_options();
  options.max_environments = 2;
  restart(options);
  auto f = make_function({{"index.js", k_counter_js}});
  // Two invokes hold both environments (each waits for the gate file); the third must throttle.
  const auto gate = m_dir->path() / "gate";
  std::vector<std::thread> holders;
  std::atomic<int> held_ok{0};
  for (int i = 0; i < 2; ++i) {
    const auto started = m_dir->path() / ("started-" + std::to_string(i));
    holders.emplace_back([&, started] {
      auto r = engine().invoke(request(f, R"({"started":")" + started.string() + R"(","gate":")" + gate.string() + "\"}"));
      if (r && r->function_error.empty()) ++held_ok;
    });
  }
  ASSERT_TRUE(wait_until(
      [&] {
        return std::filesystem::exists(m_dir->path() / "started-0") && std::filesystem::exists(m_dir->path() / "started-1");
      },
      std::chrono::seconds(20)));
  auto third = engine().invoke(request(f));
  ASSERT_TRUE(write_file_atomic(gate, ""));
  for (auto& t : holders) t.join();
  EXPECT_EQ(held_ok.load(), 2);
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().kind, ErrorKind::throttled);
  EXPECT_EQ(third.error().http_status, 429);
  EXPECT_EQ(third.error().code, "TooManyRequestsException");
  EXPECT_NE(third.error().message.find("ConcurrentInvocationLimitExceeded"), std::string::npos);
  // Once they are idle the limit makes room by reusing them.
  EXPECT_TRUE(engine().invoke(request(f)));
  EXPECT_LE(engine().environment_pids().size(), 2u);
}

TEST_F(EngineLifecycle, UnusableStateDirectoryFailsInvokesWithTheReason) {
  auto options = default_options();
  options.state_dir = m_dir->path() / "a-file";
  ASSERT_TRUE(write_file_atomic(options.state_dir, "not a directory"));
  restart(options);
  auto f = make_function({{"index.js", k_counter_js}});
  auto r = engine().invoke(request(f));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::io);
  EXPECT_NE(r.error().message.find("cannot use its state directory"), std::string::npos) << r.error().message;
}

TEST_F(EngineLifecycle, IdleEnvironmentsAreReaped) {
  auto options = default_options();
  options.idle_timeout = std::chrono::milliseconds(200);
  restart(options);
  auto f = make_function({{"index.js", k_counter_js}});
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  int pid = r->environment_pid;
  EXPECT_TRUE(wait_until([&] { return engine().environment_pids().empty(); }, std::chrono::seconds(5)));
  EXPECT_TRUE(wait_until([&] { return !process_exists(pid); }, std::chrono::seconds(2)));
}

TEST_F(EngineLifecycle, ResponseTooLarge) {
  auto f = make_function({{"index.js", k_counter_js}});
  auto r = engine().invoke(request(f, R"({"big":7000000})"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(json_field(r->payload, "/errorType"), "Function.ResponseSizeTooLarge");
  EXPECT_EQ(json_field(r->payload, "/errorMessage"),
            "Response payload size exceeded maximum allowed payload size (6291556 bytes).");
  auto fits = engine().invoke(request(f, R"({"big":6000000})"));
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->function_error, "");
  EXPECT_EQ(fits->payload.size(), 6000002u);
}

TEST_F(EngineLifecycle, ProvidedBootstrapWithCurl) {
  const char* bootstrap = R"SH(#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
echo "init from $_HANDLER"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -D "$HEADERS" "$API/next")"
  ID="$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | tr -d '\r' | cut -d' ' -f2)"
  ARN="$(grep -i '^Lambda-Runtime-Invoked-Function-Arn:' "$HEADERS" | tr -d '\r' | cut -d' ' -f2)"
  echo "handling $ID"
  curl -sS -o /dev/null -X POST "$API/$ID/response" -d "{\"echo\":$EVENT,\"arn\":\"$ARN\",\"fn\":\"$AWS_LAMBDA_FUNCTION_NAME\",\"exec\":\"${AWS_EXECUTION_ENV:-unset}\"}"
  rm -f "$HEADERS"
done
)SH";
  for (std::string runtime : {"provided.al2", "provided.al2023", "provided"}) {
    auto f = make_function({{"bootstrap", bootstrap}}, "my.handler", runtime);
    auto r = engine().invoke(request(f, R"({"a":1})"));
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->function_error, "") << r->payload << r->log_tail;
    EXPECT_EQ(json_field(r->payload, "/echo/a"), "1") << r->payload;
    EXPECT_EQ(json_field(r->payload, "/arn"), f.function_arn);
    EXPECT_EQ(json_field(r->payload, "/exec"), "unset");
    EXPECT_NE(r->log_tail.find("handling " + r->request_id), std::string::npos) << r->log_tail;
    auto again = engine().invoke(request(f, R"({"a":2})"));
    ASSERT_TRUE(again);
    EXPECT_EQ(json_field(again->payload, "/echo/a"), "2");
    EXPECT_EQ(again->environment_pid, r->environment_pid);
  }
}

TEST_F(EngineLifecycle, ProvidedWithoutBootstrapIsInvalidEntrypoint) {
  auto f = make_function({{"main.sh", "echo hi"}}, "x", "provided.al2023");
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->function_error, "Unhandled");
  EXPECT_EQ(json_field(r->payload, "/errorType"), "Runtime.InvalidEntrypoint");
}

TEST_F(EngineLifecycle, ExecFailureIsReportedByTheChildWithItsErrno) {
  auto f = make_function({{"bootstrap", "#!/nonexistent/interpreter\n"}}, "x", "provided.al2023");
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->function_error, "Unhandled");
  std::string log = read_log("fn");
  EXPECT_NE(log.find("lambda-cd: cannot start the runtime: "), std::string::npos) << log;
  EXPECT_NE(log.find("bootstrap: errno " + std::to_string(ENOENT) + "\n"), std::string::npos) << log;
}

TEST_F(EngineLifecycle, AsyncInvokeRetriesTwiceOnError) {
  auto marker = m_dir->path() / "attempts.txt";
  auto f = make_function({{"index.js", "const fs = require('fs');\nexports.handler = async (e, c) => { fs.appendFileSync(" +
                                           std::string("'") + marker.string() + "', c.awsRequestId + '\\n'); throw new Error('always'); };"}});
  std::string id = engine().invoke_async(request(f));
  auto lines = [&] {
    auto text = read_file(marker);
    return text ? std::count(text->begin(), text->end(), '\n') : 0;
  };
  // Done when the engine holds no event any more: no fourth attempt can follow.
  ASSERT_TRUE(wait_until([&] { return engine().pending_async() == 0; }, std::chrono::seconds(15)));
  EXPECT_EQ(lines(), 3);
  auto text = *read_file(marker);
  EXPECT_EQ(text, id + "\n" + id + "\n" + id + "\n");  // retries keep the request id
}

TEST_F(EngineLifecycle, AsyncInvokeSucceedsOnce) {
  auto marker = m_dir->path() / "once.txt";
  auto f = make_function({{"index.js", "const fs = require('fs');\nexports.handler = async () => { fs.appendFileSync('" +
                                           marker.string() + "', 'x'); return 1; };"}});
  engine().invoke_async(request(f));
  ASSERT_TRUE(wait_until([&] { return engine().pending_async() == 0; }, std::chrono::seconds(10)));
  EXPECT_EQ(read_file(marker).value_or("(never ran)"), "x");
}

TEST_F(EngineLifecycle, ShutdownLeavesNoProcesses) {
  auto f = make_function({{"index.js", k_counter_js}});
  auto r = engine().invoke(request(f, R"({"spawn":true})"));
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->function_error, "") << r->payload;
  int leader = std::stoi(json_field(r->payload, "/pid"));
  int child = std::stoi(json_field(r->payload, "/child"));
  ASSERT_TRUE(process_exists(leader));
  ASSERT_TRUE(process_exists(child));
  // A second, busy environment while shutting down: its handler is running when shutdown starts.
  const auto busy_started = m_dir->path() / "busy-started";
  auto g = f;
  g.version = "2";
  std::thread busy([&] {
    auto slow = engine().invoke(request(g, R"({"started":")" + busy_started.string() + R"(","sleep":20000})"));
    EXPECT_TRUE(slow);
    if (slow) {
      EXPECT_EQ(slow->function_error, "Unhandled");
    }
  });
  ASSERT_TRUE(wait_until([&] { return std::filesystem::exists(busy_started); }, std::chrono::seconds(20)));
  auto pids = engine().environment_pids();
  ASSERT_EQ(pids.size(), 2u);
  auto started = std::chrono::steady_clock::now();
  engine().shutdown();
  busy.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  for (int pid : pids) {
    EXPECT_FALSE(process_exists(pid)) << pid;
    errno = 0;
    EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);  // already reaped: not our zombie
    EXPECT_EQ(errno, ECHILD);
  }
  EXPECT_TRUE(wait_until([&] { return !process_exists(child); }, std::chrono::seconds(2))) << "orphan " << child;
  EXPECT_TRUE(engine().environment_pids().empty());
  auto after = engine().invoke(request(f));
  EXPECT_FALSE(after);
}

}  // namespace
}  // namespace lcd::local::runtime::testing
