#pragma once
// Runs Lambda functions for real: execution environments are child processes speaking the
// Lambda Runtime API to this engine. The control plane (src/local) resolves names, qualifiers
// and alias routing into a FunctionSnapshot; the engine only executes.
//
// Logs: every invoke's framed output (START/END/REPORT) is appended to
// <state_dir>/logs/<function_name>.log, which `lambda-cd logs` reads.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "util/result.hpp"

namespace lcd::local::runtime {

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
};

struct InvokeRequest {
  FunctionSnapshot function;
  std::string invoked_arn;          // as invoked: unqualified, ":$LATEST", ":3" or ":ALIAS"
  std::string payload;              // JSON text
  std::string client_context_json;  // decoded X-Amz-Client-Context, empty if none
  std::string request_id;           // empty: the engine makes one
};

struct InvokeResult {
  std::string request_id;
  std::string payload;         // the function's result, or the error JSON
  std::string function_error;  // "" on success, else "Unhandled"
  std::string log_tail;        // the last 4 KB of this invoke's framed log (not base64)
};

struct EngineOptions {
  std::filesystem::path state_dir;           // environments extract to <state_dir>/code/<sha>/
  int max_environments = 10;                 // beyond: ErrorKind::throttled (429, ConcurrentInvocationLimitExceeded)
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(5)};  // warm environments reaped after this
  std::string node_binary = "node";
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

  // Event: queued and run in the background; retried up to twice more on function error.
  void invoke_async(InvokeRequest request);

  // Stops idle environments of `function_name` (all versions); called when a function is deleted.
  void forget_function(const std::string& function_name);

  void shutdown();

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace lcd::local::runtime
