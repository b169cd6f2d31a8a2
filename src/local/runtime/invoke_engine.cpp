#include "local/runtime/invoke_engine.hpp"

#include <algorithm>
#include <cstdio>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "local/runtime/bootstrap_js.hpp"
#include "local/runtime/code_cache.hpp"
#include "local/runtime/environment.hpp"
#include "local/runtime/environment_setup.hpp"
#include "local/runtime/function_logs.hpp"
#include "local/runtime/invocation_observer.hpp"
#include "local/runtime/invoke_report.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/subprocess.hpp"

namespace lcd::local::runtime {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr size_t k_max_response_bytes = 6291456;
constexpr int k_async_max_attempts = 3;
constexpr int k_async_max_throttle_retries = 600;

Error throttle_error(const char* reason) {
  Error e;
  e.kind = ErrorKind::throttled;
  e.code = "TooManyRequestsException";
  e.http_status = 429;
  e.message = reason;
  return e;
}

}  // namespace

class InvokeEngine::Impl {
 public:
  explicit Impl(EngineOptions options)
      : m_options(std::move(options)),
        m_limiter(std::make_unique<ProcessLimiter>(m_options.process_limit)),
        m_code_cache(m_options.state_dir / "code", m_options.max_cached_packages),
        m_logs(m_options.state_dir / "logs", m_options.max_log_file_bytes) {
    m_setup.runtime_dir = m_options.state_dir / "runtime";
    for (const auto& dir : {m_code_cache.root(), m_logs.root(), m_setup.runtime_dir}) {
      if (auto made = ensure_directory(dir); !made && m_setup_problem.empty()) {
        m_setup_problem = "the execution engine cannot use its state directory: " + made.error().message;
      }
    }
    if (m_setup_problem.empty()) m_code_cache.join();
    const char* path = std::getenv("PATH");
    m_setup.path_env = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
    for (const char* bundle : {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"}) {
      std::error_code ec;
      if (std::filesystem::is_regular_file(bundle, ec)) {
        m_setup.ca_bundle = bundle;
        break;
      }
    }
    m_setup.credentials = m_options.credentials;
    m_setup.extra_environment = m_options.extra_environment;
    if (auto node = find_executable(m_options.node_binary)) {
      m_setup.node_binary = std::filesystem::absolute(*node);
    } else {
      m_node_problem = "Node.js (" + m_options.node_binary + ") was not found on PATH; nodejs functions cannot run";
    }
    // Content-addressed name: an engine from another build never runs this build's client.
    std::string_view js = bootstrap_js();
    m_setup.bootstrap_js = m_setup.runtime_dir / ("bootstrap-" + hex_encode(sha256(js)).substr(0, 16) + ".cjs");
    std::error_code ec;
    if (!std::filesystem::exists(m_setup.bootstrap_js, ec)) {
      if (auto written = write_file_atomic(m_setup.bootstrap_js, js); !written) {
        m_node_problem = "cannot write the Node.js runtime client: " + written.error().message;
      }
    }
    m_reaper = std::thread([this] { reap_loop(); });
    for (int i = 0; i < std::max(1, m_options.async_workers); ++i) m_async_threads.emplace_back([this] { async_loop(); });
  }

  ~Impl() { shutdown(); }

  Result<InvokeResult> invoke(const InvokeRequest& request);
  CodeCache& code_cache() { return m_code_cache; }
  std::string invoke_async(InvokeRequest request);
  void forget_function(const std::string& function_key);
  void shutdown();
  std::vector<int> environment_pids() const;
  std::string process_limit_description() const { return m_limiter->describe(); }
  size_t pending_async() const {
    std::lock_guard lock(m_mutex);
    return m_queue.size() + m_async_running;
  }

 private:
  struct Slot {
    std::string key;
    std::string function_key;   // FunctionSnapshot::function_key()
    std::string function_name;  // names the log file
    std::string version;        // "$LATEST" or a number
    std::shared_ptr<Environment> env;  // null while starting
    std::shared_ptr<const CodePin> code;  // the package env runs from; set with env
    std::string log_stream;            // its AWS_LAMBDA_LOG_STREAM_NAME
    bool busy = true;
    bool retire = false;
    SteadyClock::time_point last_used;
  };
  // An environment leaving the pool: stopped, its output logged, then its package unpinned.
  struct Retiring {
    std::string function_name;
    std::shared_ptr<Environment> env;
    std::shared_ptr<const CodePin> code;
  };
  static Retiring retiring(const Slot& slot) { return {slot.function_name, slot.env, slot.code}; }
  struct AsyncItem {
    InvokeRequest request;
    int attempts = 0;
    int throttles = 0;
    SteadyClock::time_point not_before;
  };

  Result<std::shared_ptr<Slot>> acquire(const std::string& key, const FunctionSnapshot& function, bool& cold);
  void notice(const std::string& text);
  void release(const std::shared_ptr<Slot>& slot, bool reusable);
  void retire(std::vector<Retiring> victims);
  Result<void> start_environment(const InvokeRequest& request, Slot& slot);
  void reap_loop();
  void async_loop();
  InvokeResult local_failure(const InvokeRequest& request, const std::string& request_id, const std::string& type,
                             const std::string& message);
  // The observer's finished() for a request no code ran for.
  void observe_rejected(const InvokeRequest& request, const std::string& request_id, const Error& error,
                        std::chrono::system_clock::time_point started);
  // `error` for a request refused before it was admitted (throttled), told to the observer.
  Result<InvokeResult> rejected(const InvokeRequest& request, Error error);

  EngineOptions m_options;
  std::unique_ptr<ProcessLimiter> m_limiter;  // outlives every environment (shutdown() retires them first)
  CodeCache m_code_cache;
  FunctionLogs m_logs;
  SetupContext m_setup;
  std::string m_node_problem;
  std::string m_setup_problem;  // a state directory that could not be created: every invoke fails with it

  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::list<std::shared_ptr<Slot>> m_slots;
  int m_in_flight = 0;
  std::map<std::string, int> m_running;             // invokes running per function key
  std::map<std::string, int> m_unreserved_running;  // per "<account>/<region>", functions without a reservation
  bool m_stopped = false;
  std::set<std::string> m_noticed;  // function + runtime already given the retired-runtime notice

  std::deque<AsyncItem> m_queue;
  size_t m_async_running = 0;  // events taken off m_queue and not yet finished or requeued
  std::condition_variable m_queue_cv;

  std::thread m_reaper;
  std::vector<std::thread> m_async_threads;
};

Result<std::shared_ptr<InvokeEngine::Impl::Slot>> InvokeEngine::Impl::acquire(const std::string& key,
                                                                             const FunctionSnapshot& function,
                                                                             bool& cold) {
  const std::string function_key = function.function_key();
  std::vector<Retiring> victims;
  std::shared_ptr<Slot> chosen;
  {
    std::lock_guard lock(m_mutex);
    if (m_stopped) return fail(ErrorKind::server, "the execution engine is stopping");
    for (auto& slot : m_slots) {
      if (slot->busy || slot->retire || slot->key != key || !slot->env || !slot->env->alive()) continue;
      if (!chosen || slot->last_used > chosen->last_used) chosen = slot;  // most recent: the rest can idle out
    }
    if (chosen) {
      chosen->busy = true;
      cold = false;
      return chosen;
    }
    // Idle environments of this function version started from other code or configuration (an
    // update since) are never chosen again: stopped now rather than after the idle timeout.
    for (auto it = m_slots.begin(); it != m_slots.end();) {
      const auto& slot = *it;
      if (!slot->busy && slot->function_key == function_key && slot->version == function.version) {
        victims.push_back(retiring(*slot));
        it = m_slots.erase(it);
      } else {
        ++it;
      }
    }
    if (static_cast<int>(m_slots.size()) >= m_options.max_environments) {
      // At the limit: make room by stopping the longest-idle environment of any function.
      auto oldest = m_slots.end();
      for (auto it = m_slots.begin(); it != m_slots.end(); ++it) {
        if ((*it)->busy) continue;
        if (oldest == m_slots.end() || (*it)->last_used < (*oldest)->last_used) oldest = it;
      }
      if (oldest == m_slots.end()) return fail(throttle_error(k_concurrency_limit_reason));
      victims.push_back(retiring(**oldest));
      m_slots.erase(oldest);
    }
    chosen = std::make_shared<Slot>();
    chosen->key = key;
    chosen->function_key = function_key;
    chosen->function_name = function.function_name;
    chosen->version = function.version;
    m_slots.push_back(chosen);
    cold = true;
  }
  retire(std::move(victims));
  return chosen;
}

void InvokeEngine::Impl::release(const std::shared_ptr<Slot>& slot, bool reusable) {
  std::vector<Retiring> victims;
  {
    std::lock_guard lock(m_mutex);
    if (!reusable || slot->retire || m_stopped || !slot->env) {
      m_slots.remove(slot);
      if (slot->env) victims.push_back(retiring(*slot));
    } else {
      slot->busy = false;
      slot->last_used = SteadyClock::now();
    }
  }
  retire(std::move(victims));
}

void InvokeEngine::Impl::retire(std::vector<Retiring> victims) {
  for (auto& victim : victims) {
    if (victim.env) victim.env->terminate();
  }
  for (auto& victim : victims) {
    if (!victim.env) continue;
    std::string leftover = victim.env->take_output();
    if (size_t dropped = victim.env->take_dropped_output_bytes()) {
      notice("function " + victim.function_name + ": " + std::to_string(dropped) +
             " bytes of output over 8 MiB were dropped");
    }
    if (!leftover.empty()) m_logs.append(victim.function_name, leftover);
    victim.env.reset();  // the last owner joins the watcher and the listener
  }
}

void InvokeEngine::Impl::notice(const std::string& text) {
  if (m_options.notice) {
    m_options.notice(text);
  } else {
    std::fprintf(stderr, "lambda-cd local: %s\n", text.c_str());
  }
}

InvokeResult InvokeEngine::Impl::local_failure(const InvokeRequest& request, const std::string& request_id,
                                               const std::string& type, const std::string& message) {
  InvocationOutcome outcome;
  outcome.status = InvocationOutcome::Status::init_failed;
  outcome.error_type = type;
  outcome.payload = "RequestId: " + request_id + " Error: " + message;  // not JSON: built from the type
  outcome.output = outcome.payload + "\n" + type + "\n";
  ReportInput in{request_id, request.function.version, request.function.memory_mb, request.function.timeout_s,
                 std::chrono::system_clock::now()};
  InvokeReport report = build_report(in, outcome);
  m_logs.append(request.function.function_name, report.log);
  if (m_options.observer) {
    std::string stream = make_log_stream_name(in.finished_at, request.function.version);
    m_options.observer->finished(InvocationRecord{request, request_id, in.finished_at, true, false, true, 0, stream,
                                                  report.log});
  }
  InvokeResult result;
  result.request_id = request_id;
  result.payload = report.payload;
  result.function_error = report.function_error;
  result.log_tail = log_tail(report.log);
  result.executed_version = request.function.version;
  return result;
}

void InvokeEngine::Impl::observe_rejected(const InvokeRequest& request, const std::string& request_id,
                                          const Error& error, std::chrono::system_clock::time_point started) {
  if (!m_options.observer) return;
  m_options.observer->finished(
      InvocationRecord{request, request_id, started, false, error.kind == ErrorKind::throttled, false, 0, "", ""});
}

Result<InvokeResult> InvokeEngine::Impl::rejected(const InvokeRequest& request, Error error) {
  if (m_options.observer) {
    m_options.observer->started(request);
    observe_rejected(request, request.request_id, error, std::chrono::system_clock::now());
  }
  return fail(std::move(error));
}

Result<void> InvokeEngine::Impl::start_environment(const InvokeRequest& request, Slot& slot) {
  const FunctionSnapshot& f = request.function;
  auto code = request.code ? Result<std::shared_ptr<const CodePin>>(request.code) : m_code_cache.pin(f);
  if (!code) return fail(code.error());
  auto spec = make_child_spec(f, (*code)->dir(), m_setup);
  if (!spec) return fail(spec.error());
  slot.log_stream = spec->env["AWS_LAMBDA_LOG_STREAM_NAME"];
  std::string problem;
  auto limit = m_limiter->make_sandbox(problem);
  if (!problem.empty()) notice("function " + f.function_name + ": " + problem);
  auto env = Environment::start(std::move(*spec), std::move(limit));
  if (!env) return fail(env.error());
  {
    std::lock_guard lock(m_mutex);
    slot.env = *env;
    slot.code = std::move(*code);
    if (!m_stopped) return {};
  }
  return fail(ErrorKind::server, "the execution engine is stopping");
}

Result<InvokeResult> InvokeEngine::Impl::invoke(const InvokeRequest& request) {
  const FunctionSnapshot& f = request.function;
  RuntimeFamily family = runtime_family(f.runtime);
  if (family == RuntimeFamily::unsupported) {
    Error e{ErrorKind::invalid, "lambda-cd local cannot run runtime '" + f.runtime +
                                    "': only nodejs* and provided, provided.al2, provided.al2023 are supported"};
    e.code = "InvalidRuntimeException";
    e.http_status = 502;
    return fail(e);
  }
  if (!m_setup_problem.empty()) return fail(ErrorKind::io, m_setup_problem);
  if (family == RuntimeFamily::nodejs && !m_node_problem.empty()) return fail(ErrorKind::io, m_node_problem);

  const std::string function_key = f.function_key();
  const std::string scope_key = f.account_id + "/" + f.region;
  const bool unreserved = f.reserved_concurrency < 0;
  {
    std::lock_guard lock(m_mutex);
    if (m_stopped) return fail(ErrorKind::server, "the execution engine is stopping");
    // Reserved concurrency is the function's own ceiling; the rest share what reservations leave.
    if (!unreserved) {
      if (m_running[function_key] >= f.reserved_concurrency) return rejected(request, throttle_error(k_reserved_limit_reason));
    } else {
      int pool = m_options.concurrency_limit - f.account_reserved_concurrency;
      if (m_unreserved_running[scope_key] >= pool) return rejected(request, throttle_error(k_concurrency_limit_reason));
      ++m_unreserved_running[scope_key];
    }
    ++m_running[function_key];
    ++m_in_flight;
  }
  struct InFlight {
    Impl* self;
    const std::string& function_key;
    const std::string& scope_key;
    bool unreserved;
    ~InFlight() {
      std::lock_guard lock(self->m_mutex);
      if (--self->m_running[function_key] <= 0) self->m_running.erase(function_key);
      if (unreserved && --self->m_unreserved_running[scope_key] <= 0) self->m_unreserved_running.erase(scope_key);
      // Only shutdown() waits for this; waking the reaper (same condition variable) on every
      // invoke cost a context switch each time.
      if (--self->m_in_flight == 0 && self->m_stopped) self->m_cv.notify_all();
    }
  } in_flight{this, function_key, scope_key, unreserved};

  const std::string request_id = request.request_id.empty() ? random_uuid() : request.request_id;
  const auto started_at = std::chrono::system_clock::now();
  if (m_options.observer) m_options.observer->started(request);
  if (std::string text = retired_runtime_notice(f.runtime); !text.empty()) {
    // The endpoint's log, not the function's: AWS runs such functions without a word.
    bool first = false;
    {
      std::lock_guard lock(m_mutex);
      first = m_noticed.insert(function_key + "\n" + f.runtime).second;
    }
    if (first) notice("function " + f.function_name + ": " + text);
  }

  InvocationSpec spec;
  spec.request_id = request_id;
  spec.payload = request.payload;
  spec.invoked_arn = request.invoked_arn.empty() ? f.function_arn : request.invoked_arn;
  spec.client_context = request.client_context_json;
  spec.trace_id = make_trace_id(std::chrono::system_clock::now());
  spec.timeout = std::chrono::milliseconds(static_cast<int64_t>(std::max(1, f.timeout_s)) * 1000);
  spec.init_timeout = m_options.init_timeout;
  spec.max_response_bytes = k_max_response_bytes;

  const std::string key = environment_key(f);
  bool cold = false;
  std::shared_ptr<Slot> slot;
  InvocationOutcome outcome;
  for (int attempt = 0;; ++attempt) {
    auto acquired = acquire(key, f, cold);
    if (!acquired) {
      observe_rejected(request, request_id, acquired.error(), started_at);
      return fail(acquired.error());
    }
    slot = *acquired;
    if (cold) {
      if (auto started = start_environment(request, *slot); !started) {
        release(slot, false);
        if (started.error().kind == ErrorKind::not_found) {
          return local_failure(request, request_id, "Runtime.InvalidEntrypoint", started.error().message);
        }
        observe_rejected(request, request_id, started.error(), started_at);
        return fail(started.error());
      }
    }
    outcome = slot->env->invoke(spec);
    // A warm environment that died between invocations (say, exiting right after reporting an
    // unhandled rejection) never saw this event: run it on a fresh one instead.
    bool undelivered = outcome.status == InvocationOutcome::Status::exited && !outcome.delivered;
    if (!undelivered || cold || attempt >= 2) break;
    std::string leftover = outcome.pre_output + outcome.output;
    if (!leftover.empty()) m_logs.append(f.function_name, leftover);
    release(slot, false);
  }

  const int pid = slot->env->pid();
  if (auto peak = slot->env->process_limit_hit()) {
    notice("function " + f.function_name + ": environment stopped: " + process_limit_reason(m_limiter->max_tasks()) +
           (*peak >= 0 ? "; most counted at once: " + std::to_string(*peak) : std::string()));
  }
  // Output over the cap is left out of the function's log; the endpoint's log says so.
  if (size_t dropped = slot->env->take_dropped_output_bytes()) {
    notice("function " + f.function_name + ": " + std::to_string(dropped) +
           " bytes of output over 8 MiB per invocation were dropped");
  }

  ReportInput in{request_id, f.version, f.memory_mb, f.timeout_s, std::chrono::system_clock::now()};
  InvokeReport report = build_report(in, outcome);
  m_logs.append(f.function_name, report.log);
  if (m_options.observer) {
    m_options.observer->finished(InvocationRecord{request, request_id, started_at, true, false,
                                                  !report.function_error.empty(),
                                                  static_cast<double>(outcome.duration.count()) / 1000.0,
                                                  slot->log_stream, report.log});
  }
  release(slot, outcome.reusable);

  InvokeResult result;
  result.request_id = request_id;
  result.payload = std::move(report.payload);
  result.function_error = std::move(report.function_error);
  result.log_tail = log_tail(report.log);
  result.executed_version = f.version;
  result.cold_start = cold;
  result.duration_ms = static_cast<double>(outcome.duration.count()) / 1000.0;
  result.environment_pid = pid;
  return result;
}

std::string InvokeEngine::Impl::invoke_async(InvokeRequest request) {
  if (request.request_id.empty()) request.request_id = random_uuid();
  std::string id = request.request_id;
  request.client_context_json.clear();  // Lambda passes ClientContext to synchronous invokes only
  {
    std::lock_guard lock(m_mutex);
    if (m_stopped) return id;
    m_queue.push_back(AsyncItem{std::move(request), 0, 0, SteadyClock::now()});
  }
  m_queue_cv.notify_one();
  return id;
}

void InvokeEngine::Impl::async_loop() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    if (m_stopped) return;
    auto ready = m_queue.end();
    auto earliest = SteadyClock::time_point::max();
    auto now = SteadyClock::now();
    for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
      if (it->not_before <= now) {
        ready = it;
        break;
      }
      earliest = std::min(earliest, it->not_before);
    }
    if (ready == m_queue.end()) {
      if (earliest == SteadyClock::time_point::max()) m_queue_cv.wait(lock);
      else m_queue_cv.wait_until(lock, earliest);
      continue;
    }
    AsyncItem item = std::move(*ready);
    m_queue.erase(ready);
    ++m_async_running;
    lock.unlock();
    auto result = invoke(item.request);
    bool requeue = false;
    std::string drop_reason;
    if (!result) {
      if (result.error().kind == ErrorKind::throttled && item.throttles < k_async_max_throttle_retries) {
        ++item.throttles;
        item.not_before = SteadyClock::now() + std::chrono::milliseconds(100);
        requeue = true;
      } else {
        drop_reason = result.error().describe();
      }
    } else if (!result->function_error.empty() && ++item.attempts < k_async_max_attempts) {
      item.not_before = SteadyClock::now() + m_options.async_retry_delay;
      requeue = true;
    }
    lock.lock();
    if (!drop_reason.empty() && !m_stopped) {
      lock.unlock();
      notice("function " + item.request.function.function_name + ": Event invocation " + item.request.request_id +
             " dropped: " + drop_reason);
      lock.lock();
    }
    if (requeue && !m_stopped) {
      m_queue.push_back(std::move(item));
      m_queue_cv.notify_one();
    }
    --m_async_running;
  }
}

void InvokeEngine::Impl::reap_loop() {
  auto tick = std::clamp<std::chrono::milliseconds>(m_options.idle_timeout / 4, std::chrono::milliseconds(10),
                                                    std::chrono::milliseconds(1000));
  std::unique_lock lock(m_mutex);
  while (!m_stopped) {
    m_cv.wait_for(lock, tick);
    if (m_stopped) break;
    std::vector<Retiring> victims;
    auto now = SteadyClock::now();
    for (auto it = m_slots.begin(); it != m_slots.end();) {
      const auto& slot = *it;
      bool dead = slot->env && !slot->busy && !slot->env->alive();
      if (dead || (!slot->busy && now - slot->last_used >= m_options.idle_timeout)) {
        victims.push_back(retiring(*slot));
        it = m_slots.erase(it);
      } else {
        ++it;
      }
    }
    if (victims.empty()) continue;
    lock.unlock();
    retire(std::move(victims));
    lock.lock();
  }
}

void InvokeEngine::Impl::forget_function(const std::string& function_key) {
  const std::string function_name = function_key.substr(function_key.rfind('/') + 1);
  m_logs.close(function_name);
  std::vector<Retiring> victims;
  {
    std::lock_guard lock(m_mutex);
    for (auto it = m_slots.begin(); it != m_slots.end();) {
      if ((*it)->function_key != function_key) {
        ++it;
        continue;
      }
      if ((*it)->busy) {
        (*it)->retire = true;
        ++it;
      } else {
        victims.push_back(retiring(**it));
        it = m_slots.erase(it);
      }
    }
  }
  retire(std::move(victims));
}

void InvokeEngine::Impl::shutdown() {
  std::vector<Retiring> victims;
  {
    std::lock_guard lock(m_mutex);
    if (m_stopped) return;
    m_stopped = true;
    for (auto& slot : m_slots) {
      if (slot->env) victims.push_back(retiring(*slot));
    }
    m_slots.clear();
    m_queue.clear();
  }
  m_cv.notify_all();
  m_queue_cv.notify_all();
  for (auto& victim : victims) victim.env->terminate();  // in-flight invokes return now
  if (m_reaper.joinable()) m_reaper.join();
  for (auto& t : m_async_threads) {
    if (t.joinable()) t.join();
  }
  {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_in_flight == 0; });
  }
  retire(std::move(victims));
}

std::vector<int> InvokeEngine::Impl::environment_pids() const {
  std::lock_guard lock(m_mutex);
  std::vector<int> pids;
  for (const auto& slot : m_slots) {
    if (slot->env) pids.push_back(slot->env->pid());
  }
  return pids;
}

InvokeEngine::InvokeEngine(EngineOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {}
InvokeEngine::~InvokeEngine() = default;
Result<InvokeResult> InvokeEngine::invoke(const InvokeRequest& request) { return m_impl->invoke(request); }
std::string InvokeEngine::invoke_async(InvokeRequest request) { return m_impl->invoke_async(std::move(request)); }
Result<std::shared_ptr<const CodePin>> InvokeEngine::prepare_code(const FunctionSnapshot& function) {
  return m_impl->code_cache().pin(function);
}
void InvokeEngine::forget_function(const std::string& account, const std::string& region,
                                   const std::string& function_name) {
  FunctionSnapshot f;
  f.account_id = account;
  f.region = region;
  f.function_name = function_name;
  m_impl->forget_function(f.function_key());
}

std::string throttle_reason(const Error& error) {
  if (error.code == "TooManyRequestsException" && error.message == k_reserved_limit_reason) return k_reserved_limit_reason;
  return k_concurrency_limit_reason;
}
void InvokeEngine::shutdown() { m_impl->shutdown(); }
std::vector<int> InvokeEngine::environment_pids() const { return m_impl->environment_pids(); }
std::string InvokeEngine::process_limit_description() const { return m_impl->process_limit_description(); }

size_t InvokeEngine::pending_async() const { return m_impl->pending_async(); }

}  // namespace lcd::local::runtime
