#pragma once
// One execution environment: a child process in its own process group, its Runtime API listener,
// and the state of the invocation it is running. Thread-safe: invoke() on one caller thread at a
// time (that thread also serves the Runtime API while the invocation runs), terminate() from any thread.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "local/runtime/child_process.hpp"
#include "local/runtime/process_limit.hpp"
#include "local/runtime/runtime_api_server.hpp"
#include "util/result.hpp"

namespace lcd::local::runtime {

struct InvocationSpec {
  std::string request_id;
  std::string payload;
  std::string invoked_arn;
  std::string client_context;
  std::string trace_id;
  std::chrono::milliseconds timeout{3000};
  std::chrono::milliseconds init_timeout{10000};  // limit on reaching the first /next
  size_t max_response_bytes = 6291456;
};

struct InvocationOutcome {
  enum class Status {
    ok,                  // /response
    function_error,      // /error
    response_too_large,  // /response beyond max_response_bytes
    timed_out,           // deadline passed (or init_timeout before the first /next)
    exited,              // the process died before answering
    init_failed,         // /init/error
  };
  Status status = Status::ok;
  std::string payload;     // response body, or the error body as posted
  std::string error_type;  // Lambda-Runtime-Function-Error-Type of /error and /init/error
  std::string exit_reason; // for exited: "exit status 1"
  std::string pre_output;  // output since the previous invocation (init logs on a cold start)
  std::string output;      // output while this invocation ran
  std::chrono::microseconds duration{0};       // delivery to answer
  std::optional<std::chrono::microseconds> init_duration;  // set on the first invocation
  uint64_t max_memory_kib = 0;
  bool reusable = false;   // the environment can take another invocation
  bool delivered = false;  // the runtime received the event (false: it never started running)
};

class Environment final : private RuntimeApiHandler {
 public:
  // Starts the listener and the process (with AWS_LAMBDA_RUNTIME_API added to spec.env). With a
  // `limit`, the process joins its cgroup (if any) and the watcher stops the whole sandbox when it
  // goes over; an invocation it was running ends `exited` with the limit in exit_reason.
  static Result<std::shared_ptr<Environment>> start(ChildSpec spec, std::unique_ptr<SandboxLimit> limit = nullptr);
  ~Environment() override;  // terminates, reaps and joins
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  InvocationOutcome invoke(const InvocationSpec& spec);
  // Kills the process group; pending and future invoke() calls return promptly.
  void terminate();
  bool alive() const;
  pid_t pid() const { return m_handles.pid; }
  int api_port() const;
  // Output written while no invocation ran (flushed to the log when the environment goes away).
  std::string take_output();
  // Bytes of output beyond the per-invocation cap since the last call (not in any take_output()).
  size_t take_dropped_output_bytes();
  // Set once the sandbox went over its process limit and was stopped: the processes + threads it
  // had at most (-1 if not known).
  std::optional<int64_t> process_limit_hit() const;

 private:
  Environment() = default;
  std::optional<NextEvent> next_event() override;
  ApiReply post_response(const std::string& request_id, std::string body) override;
  ApiReply post_error(const std::string& request_id, const std::string& error_type, std::string body) override;
  ApiReply post_init_error(const std::string& error_type, std::string body) override;
  bool settled() override;
  std::chrono::steady_clock::time_point deadline() override;
  std::chrono::steady_clock::time_point deadline_locked() const;
  void ring(int eventfd);

  void watch(ChildSpec spec, std::promise<Result<ChildHandles>>* started);
  // Asks m_limit when its interval has passed; kills the sandbox when it is over. The poll timeout until the next look.
  int check_limit(pid_t pgid, std::chrono::steady_clock::time_point& next_check);
  void drain_output();
  bool drain_fd(int fd);  // true at end of file
  bool answer_pending_locked(const std::string& request_id) const;

  ChildHandles m_handles;
  std::unique_ptr<SandboxLimit> m_limit;  // the watcher thread's
  std::unique_ptr<PeakRssProbe> m_rss_probe;
  std::unique_ptr<RuntimeApiServer> m_server;
  std::thread m_watcher;
  int m_wake_fd = -1;      // eventfd: lets terminate() stop the watcher before the child runs
  int m_doorbell_fd = -1;  // eventfd: wakes invoke() out of serve() on terminate() or exit

  mutable std::mutex m_mutex;
  std::condition_variable m_exit_cv;  // signalled when the watcher has reaped the process
  std::optional<NextEvent> m_pending;     // waiting for /next
  std::chrono::milliseconds m_timeout{0}; // of the pending/current invocation
  std::string m_current_id;               // delivered and not answered yet
  bool m_delivered = false;
  std::chrono::steady_clock::time_point m_delivered_at;
  std::chrono::steady_clock::time_point m_submitted_at;
  std::chrono::steady_clock::time_point m_init_deadline;
  size_t m_max_response_bytes = 6291456;
  std::optional<InvocationOutcome> m_answer;
  std::optional<InvocationOutcome> m_init_error;
  bool m_exited = false;
  bool m_stopping = false;
  int m_wait_status = 0;
  uint64_t m_exit_maxrss_kib = 0;
  std::chrono::steady_clock::time_point m_started_at;
  std::optional<std::chrono::microseconds> m_init_duration;  // start to first /next
  bool m_init_reported = false;
  bool m_limit_hit = false;
  int64_t m_limit_peak = -1;
  int64_t m_limit_max = 0;

  std::mutex m_output_mutex;
  std::string m_output;
  size_t m_output_dropped = 0;
  size_t m_output_unreported_drops = 0;
};

}  // namespace lcd::local::runtime
