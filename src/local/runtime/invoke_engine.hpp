#pragma once
// Runs Lambda functions for real: execution environments are child processes speaking the
// Lambda Runtime API to this engine. The control plane (src/local) resolves names, qualifiers
// and alias routing into a FunctionSnapshot; the engine only executes.
//
// Logs: every invoke's framed output (START/END/REPORT) is appended to
// <state_dir>/logs/<function_name>.log, which `lambda-cd logs` reads.
//
// Runtimes: nodejs* (any version; run on the machine's node through a bootstrap embedded in the
// binary) and provided / provided.al2 / provided.al2023 (the package's `bootstrap` executable).

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "local/runtime/process_limit.hpp"
#include "util/result.hpp"

namespace lcd::local::runtime {

class InvocationObserver;
class CodePin;  // code_cache.hpp

// Everything needed to start an environment for one (function, version).
struct FunctionSnapshot {
  std::string function_name;
  std::string version;        // "$LATEST" or "3": the version that runs
  std::string function_arn;   // unqualified
  std::string runtime;        // "nodejs20.x", "nodejs4.3", "provided.al2023", ...
  std::string handler;
  int memory_mb = 128;
  int timeout_s = 3;
  std::map<std::string, std::string> environment;  // the function's own variables
  std::string code_sha256;
  std::filesystem::path code_zip;  // the package bytes on disk (content-addressed blob)
  std::string region;
  std::string account_id;
  int reserved_concurrency = -1;         // the function's reservation; -1: it draws on the unreserved pool
  int account_reserved_concurrency = 0;  // the sum of all reservations in its account and region

  // Identity of the function (not the version) across accounts and regions.
  std::string function_key() const { return account_id + "/" + region + "/" + function_name; }
};

struct InvokeRequest {
  FunctionSnapshot function;
  std::string invoked_arn;          // as invoked: unqualified, ":$LATEST", ":3" or ":ALIAS"
  std::string payload;              // JSON text
  std::string client_context_json;  // decoded X-Amz-Client-Context, empty if none
  std::string request_id;           // empty: the engine makes one
  // From prepare_code(function): the package stays extracted while the request lives (an Event
  // waits in the queue with it). Null: the engine extracts it when it needs it.
  std::shared_ptr<const CodePin> code;
};

struct InvokeResult {
  std::string request_id;
  std::string payload;         // the function's result, or the error JSON
  std::string function_error;  // "" on success, else "Unhandled"
  std::string log_tail;        // the last 4 KB of this invoke's framed log (not base64)
  std::string executed_version;  // = function.version
  bool cold_start = false;       // a new environment was started for this invoke
  double duration_ms = 0;        // as in the REPORT line
  int environment_pid = 0;       // process (group) that ran it; for tests and diagnostics
};

// An invoke refused for concurrency is an Error of kind throttled, code "TooManyRequestsException",
// http_status 429, whose message is the Reason the wire body carries:
inline constexpr const char* k_concurrency_limit_reason = "ConcurrentInvocationLimitExceeded";
inline constexpr const char* k_reserved_limit_reason = "ReservedFunctionConcurrentInvocationLimitExceeded";
// The Reason of a throttle error (k_concurrency_limit_reason for any other error).
std::string throttle_reason(const Error& error);

// Given to every environment as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
// (Lambda's execution-role credentials). Never the caller's own credentials.
struct Credentials {
  std::string access_key_id = "ASIALAMBDACDLOCAL000";
  std::string secret_access_key = "lambda-cd-local-dummy-secret-access-key";
  std::string session_token = "lambda-cd-local-dummy-session-token";
};

struct EngineOptions {
  std::filesystem::path state_dir;           // environments extract to <state_dir>/code/<sha>/
  // Concurrent executions per account and region (AccountLimit.ConcurrentExecutions). Functions
  // without a reservation share what the reservations leave; beyond it, or beyond a function's own
  // reservation, invokes are throttled (ReservedFunctionConcurrentInvocationLimitExceeded for the latter).
  int concurrency_limit = 10;
  // Live environments (running and warm) of this engine, all accounts together: the machine's
  // limit. Idle ones are stopped to make room; when all are busy, invokes are throttled.
  int max_environments = 64;
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};  // warm environments reaped after this
  // Extracted packages kept in <state_dir>/code: beyond it, the least recently used ones no
  // environment (of this or another endpoint on the state directory) runs from are removed.
  size_t max_cached_packages = 32;
  std::string node_binary = "node";
  std::chrono::milliseconds init_timeout{std::chrono::seconds(10)};  // start to first /next
  std::chrono::milliseconds async_retry_delay{std::chrono::seconds(1)};  // between Event attempts
  int async_workers = 2;                     // Event invocations run concurrently on this many threads
  Credentials credentials;
  // Added to every environment below the function's own variables, e.g. AWS_ENDPOINT_URL pointing
  // at the local endpoint.
  std::map<std::string, std::string> extra_environment;
  // The endpoint's own log (notices that are not the function's output); stderr when unset.
  std::function<void(const std::string&)> notice;
  // Told about every invocation (invocation_observer.hpp); may be null. Must outlive the engine.
  InvocationObserver* observer = nullptr;
  // Each function's plain-text log (<state_dir>/logs/<function>.log) is renamed to <function>.log.1
  // (replacing the older one) when an append would take it past this many bytes; 0: unbounded.
  uint64_t max_log_file_bytes = 8 * 1024 * 1024;
  // Processes + threads per environment (Lambda's 1,024), by a pids cgroup or a watchdog
  // (process_limit.hpp). A sandbox that hits it is stopped: its invocation fails Runtime.ExitError.
  ProcessLimitOptions process_limit;
};

class InvokeEngine {
 public:
  explicit InvokeEngine(EngineOptions options);
  ~InvokeEngine();  // stops every environment: no orphans, no zombies
  InvokeEngine(const InvokeEngine&) = delete;
  InvokeEngine& operator=(const InvokeEngine&) = delete;

  // Synchronous (RequestResponse). Function failures (thrown errors, timeouts, crashes, init errors,
  // oversize responses) are a successful Result with function_error set; a Result error means the
  // invoke could not be attempted (throttled, bad runtime, unreadable package).
  Result<InvokeResult> invoke(const InvokeRequest& request);

  // Event: queued and run in the background; retried up to twice more on function error (same
  // request id, async_retry_delay apart); throttled attempts are retried without counting.
  // Returns the request id (request.request_id if set).
  std::string invoke_async(InvokeRequest request);

  // Extracts the function's package into the code cache (a no-op when it is there) and keeps it
  // there while the result lives: a request carrying it (InvokeRequest::code) never reads
  // function.code_zip.
  Result<std::shared_ptr<const CodePin>> prepare_code(const FunctionSnapshot& function);

  // Stops idle environments of the function (all versions); busy ones stop when their invoke
  // ends. Called when a function is deleted.
  void forget_function(const std::string& account, const std::string& region, const std::string& function_name);

  // Stops every environment and the async queue (queued events are dropped); in-flight invoke()
  // calls return promptly with a function error. Idempotent; later invokes fail.
  void shutdown();

  // Process ids of live environments (each leads its own process group).
  std::vector<int> environment_pids() const;

  // How the process limit is enforced here, for the endpoint's log.
  std::string process_limit_description() const;

  // Events queued or running (a retry waiting for its delay counts); 0 once every accepted event
  // has finished or been dropped.
  size_t pending_async() const;

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace lcd::local::runtime
