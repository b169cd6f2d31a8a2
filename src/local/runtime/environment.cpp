#include "local/runtime/environment.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <tuple>
#include <cerrno>

#include "util/clock.hpp"

namespace lcd::local::runtime {
namespace {

using Clock = std::chrono::steady_clock;
using Status = InvocationOutcome::Status;

// Output kept in memory per invocation; the rest is counted and reported as dropped.
constexpr size_t k_output_cap = 8u * 1024 * 1024;

const ApiReply k_invalid_request_id{400, R"({"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"})"};

std::chrono::microseconds since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t);
}

}  // namespace

Result<std::shared_ptr<Environment>> Environment::start(ChildSpec spec, std::unique_ptr<SandboxLimit> limit) {
  std::shared_ptr<Environment> env(new Environment());
  if (limit) {
    spec.cgroup_procs_fd = limit->join_fd();
    std::tie(spec.nproc_soft, spec.nproc_hard) = limit->nproc_rlimit();
    env->m_limit_max = limit->max_tasks();
    env->m_limit = std::move(limit);
  }
  env->m_wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  env->m_doorbell_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (env->m_wake_fd < 0 || env->m_doorbell_fd < 0) return fail(ErrorKind::io, "eventfd failed");
  auto server = RuntimeApiServer::bind();
  if (!server) return fail(server.error());
  env->m_server = std::move(*server);
  spec.env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:" + std::to_string(env->m_server->port());
  env->m_started_at = Clock::now();

  std::promise<Result<ChildHandles>> started;
  auto future = started.get_future();
  // The watcher thread spawns the child so PR_SET_PDEATHSIG ties the child to it.
  env->m_watcher = std::thread(&Environment::watch, env.get(), std::move(spec), &started);
  auto handles = future.get();
  if (!handles) {
    env->m_watcher.join();
    return fail(handles.error());
  }
  env->m_handles = *handles;
  env->m_rss_probe = std::make_unique<PeakRssProbe>(handles->pid);
  return env;
}

Environment::~Environment() {
  terminate();
  if (m_watcher.joinable()) m_watcher.join();
  m_server.reset();
  if (m_wake_fd >= 0) ::close(m_wake_fd);
  if (m_doorbell_fd >= 0) ::close(m_doorbell_fd);
  if (m_handles.output_fd >= 0) ::close(m_handles.output_fd);
}

void Environment::watch(ChildSpec spec, std::promise<Result<ChildHandles>>* started) {
  auto spawned = spawn_child(spec);
  started->set_value(spawned);
  if (!spawned) {
    if (m_limit) m_limit->release();
    return;
  }
  const ChildHandles h = *spawned;
  bool output_open = true;
  auto next_check = Clock::now();
  for (;;) {
    pollfd fds[3] = {{h.pidfd, POLLIN, 0}, {m_wake_fd, POLLIN, 0}, {h.output_fd, POLLIN, 0}};
    int n = ::poll(fds, output_open ? 3 : 2, check_limit(h.pid, next_check));
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (output_open && fds[2].revents) output_open = !drain_fd(h.output_fd);
    if (fds[1].revents) {
      uint64_t v;
      (void)!::read(m_wake_fd, &v, sizeof v);
      // While the leader lives its descendants are still its tree: the watchdog finds them all.
      if (m_limit) m_limit->kill_all(h.pid);
      kill_group(h.pid);
    }
    if (fds[0].revents) break;
  }
  // The leader is a zombie until reaped, so its process group id cannot have been reused yet.
  if (m_limit) m_limit->kill_all(h.pid);
  kill_group(h.pid);
  int status = 0;
  rusage usage{};
  while (::wait4(h.pid, &status, 0, &usage) < 0 && errno == EINTR) {
  }
  // What left the group (setsid) dies with the cgroup, or by the watchdog's record of it.
  if (m_limit) m_limit->release();
  drain_fd(h.output_fd);
  ::close(h.pidfd);  // output_fd stays open until the destructor: invoke() may still drain it
  {
    std::lock_guard lock(m_mutex);
    m_exited = true;
    m_wait_status = status;
    m_exit_maxrss_kib = static_cast<uint64_t>(usage.ru_maxrss);
    if (m_limit_hit && m_limit) m_limit_peak = m_limit->peak_tasks();
  }
  m_exit_cv.notify_all();
  ring(m_doorbell_fd);
}

int Environment::check_limit(pid_t pgid, Clock::time_point& next_check) {
  if (!m_limit) return -1;
  auto now = Clock::now();
  if (now >= next_check) {
    next_check = now + m_limit->interval();
    bool hit = false;
    {
      std::lock_guard lock(m_mutex);
      hit = m_limit_hit;
    }
    if (!hit && m_limit->over_limit(pgid)) {
      {
        std::lock_guard lock(m_mutex);
        m_limit_hit = true;
      }
      m_limit->kill_all(pgid);
      kill_group(pgid);
    }
    now = Clock::now();
  }
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_check - now).count();
  return static_cast<int>(std::max<int64_t>(1, wait));
}

std::optional<int64_t> Environment::process_limit_hit() const {
  std::lock_guard lock(m_mutex);
  if (!m_limit_hit) return std::nullopt;
  return m_limit_peak;
}

void Environment::ring(int eventfd) {
  if (eventfd < 0) return;
  uint64_t one = 1;
  (void)!::write(eventfd, &one, sizeof one);
}

bool Environment::drain_fd(int fd) {
  std::lock_guard out_lock(m_output_mutex);
  char buf[65536];
  for (;;) {
    ssize_t r = ::read(fd, buf, sizeof buf);
    if (r == 0) return true;
    if (r < 0) return errno != EAGAIN && errno != EINTR;
    if (m_output.size() < k_output_cap) m_output.append(buf, static_cast<size_t>(r));
    else m_output_dropped += static_cast<size_t>(r);
  }
}

void Environment::drain_output() {
  if (m_handles.output_fd >= 0) drain_fd(m_handles.output_fd);
}

size_t Environment::take_dropped_output_bytes() {
  std::lock_guard out_lock(m_output_mutex);
  size_t dropped = m_output_unreported_drops + m_output_dropped;
  m_output_unreported_drops = 0;
  m_output_dropped = 0;
  return dropped;
}

std::string Environment::take_output() {
  std::lock_guard out_lock(m_output_mutex);
  std::string out = std::move(m_output);
  m_output.clear();
  m_output_unreported_drops += m_output_dropped;
  m_output_dropped = 0;
  return out;
}

void Environment::terminate() {
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping) return;
    m_stopping = true;
  }
  ring(m_wake_fd);
  ring(m_doorbell_fd);
}

bool Environment::alive() const {
  std::lock_guard lock(m_mutex);
  return !m_exited && !m_stopping && !m_init_error;
}

int Environment::api_port() const { return m_server ? m_server->port() : -1; }

bool Environment::answer_pending_locked(const std::string& request_id) const {
  return m_delivered && !m_answer && request_id == m_current_id;
}

std::optional<NextEvent> Environment::next_event() {
  std::lock_guard lock(m_mutex);
  if (!m_init_duration) m_init_duration = since(m_started_at);
  if (!m_pending || m_stopping || m_exited) return std::nullopt;
  NextEvent event = std::move(*m_pending);
  m_pending.reset();
  m_delivered = true;
  m_delivered_at = Clock::now();
  event.deadline_ms = to_epoch_ms(std::chrono::system_clock::now()) + m_timeout.count();
  return event;
}

ApiReply Environment::post_response(const std::string& request_id, std::string body) {
  ApiReply reply;
  {
    std::lock_guard lock(m_mutex);
    if (!answer_pending_locked(request_id)) return k_invalid_request_id;
    InvocationOutcome answer;
    answer.duration = since(m_delivered_at);
    if (body.size() > m_max_response_bytes) {
      answer.status = Status::response_too_large;
      reply = {413, R"({"errorMessage":"Exceeded maximum allowed payload size (6291556 bytes).","errorType":"RequestEntityTooLarge"})"};
    } else {
      answer.status = Status::ok;
      answer.payload = std::move(body);
    }
    m_answer = std::move(answer);
  }
  return reply;
}

ApiReply Environment::post_error(const std::string& request_id, const std::string& error_type, std::string body) {
  {
    std::lock_guard lock(m_mutex);
    if (!answer_pending_locked(request_id)) return k_invalid_request_id;
    InvocationOutcome answer;
    answer.duration = since(m_delivered_at);
    answer.status = Status::function_error;
    answer.error_type = error_type;
    answer.payload = std::move(body);
    m_answer = std::move(answer);
  }
  return {};
}

ApiReply Environment::post_init_error(const std::string& error_type, std::string body) {
  {
    std::lock_guard lock(m_mutex);
    if (m_init_error) return {403, R"({"errorMessage":"init error already reported","errorType":"InvalidStateTransition"})"};
    InvocationOutcome answer;
    answer.status = Status::init_failed;
    answer.error_type = error_type;
    answer.payload = std::move(body);
    m_init_error = std::move(answer);
  }
  return {};
}

bool Environment::settled() {
  std::lock_guard lock(m_mutex);
  return m_answer || m_init_error || m_exited || m_stopping;
}

Clock::time_point Environment::deadline() {
  std::lock_guard lock(m_mutex);
  return deadline_locked();
}

Clock::time_point Environment::deadline_locked() const {
  if (m_delivered) return m_delivered_at + m_timeout;
  // Before the runtime's first GET /next it is initialising: init_timeout applies. A warm runtime
  // that does not ask for the event within the function's timeout has hung between invocations.
  if (!m_init_duration) return m_init_deadline;
  return m_submitted_at + m_timeout;
}

InvocationOutcome Environment::invoke(const InvocationSpec& spec) {
  drain_output();
  std::string pre_output = take_output();
  const auto submitted = Clock::now();

  std::unique_lock lock(m_mutex);
  std::optional<InvocationOutcome> result;
  if (!m_init_error && !m_exited && !m_stopping) {
    m_answer.reset();
    m_current_id = spec.request_id;
    m_delivered = false;
    m_timeout = spec.timeout;
    m_max_response_bytes = spec.max_response_bytes;
    m_submitted_at = submitted;
    m_init_deadline = submitted + spec.init_timeout;
    m_pending = NextEvent{spec.request_id, 0, spec.invoked_arn, spec.trace_id, spec.client_context, spec.payload};
    for (;;) {
      lock.unlock();
      const auto stop = m_server->serve(*this, m_doorbell_fd);
      lock.lock();
      if (m_answer || m_init_error || m_exited || m_stopping) break;
      if (stop == RuntimeApiServer::Stop::deadline && Clock::now() >= deadline_locked()) {
        InvocationOutcome timed_out;
        timed_out.status = Status::timed_out;
        timed_out.duration = since(m_delivered ? m_delivered_at : submitted);
        result = std::move(timed_out);
        break;
      }
    }
    m_pending.reset();
  }
  if (!result) {
    if (m_answer) {
      result = std::move(m_answer);
      m_answer.reset();
      result->reusable = true;
    } else if (m_init_error) {
      result = *m_init_error;
      result->duration = since(submitted);
    } else {
      InvocationOutcome exited;
      exited.status = Status::exited;
      exited.duration = since(m_delivered ? m_delivered_at : submitted);
      result = std::move(exited);
    }
  }
  result->delivered = m_delivered || result->status == Status::ok || result->status == Status::function_error ||
                      result->status == Status::response_too_large;
  m_current_id.clear();
  m_delivered = false;
  if (!m_init_reported && m_init_duration) {
    result->init_duration = m_init_duration;
    m_init_reported = true;
  }
  lock.unlock();

  if (!result->reusable) {
    terminate();
    // Wait for the watcher to reap the process so its last output is in the log.
    lock.lock();
    m_exit_cv.wait_for(lock, std::chrono::seconds(2), [&] { return m_exited; });
    if (result->status == Status::exited && m_exited) {
      result->exit_reason = describe_wait_status(m_wait_status);
      if (m_limit_hit) result->exit_reason += "; " + process_limit_reason(m_limit_max);
    }
    result->max_memory_kib = m_exit_maxrss_kib;
    lock.unlock();
  } else {
    result->max_memory_kib = m_rss_probe->peak_rss_kib();
  }
  drain_output();
  result->pre_output = std::move(pre_output);
  result->output = take_output();
  return std::move(*result);
}

}  // namespace lcd::local::runtime
