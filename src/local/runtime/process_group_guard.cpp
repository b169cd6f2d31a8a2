#include "local/runtime/process_group_guard.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <initializer_list>
#include <mutex>

namespace lcd::local::runtime {
namespace {

struct Message {
  int32_t op;  // k_guard / k_unguard
  int32_t pgid;
};
constexpr int32_t k_guard = 1;
constexpr int32_t k_unguard = 2;
constexpr int k_max_groups = 8192;

// The guardian, between fork and _exit in a child of a threaded process: async-signal-safe calls
// only, no allocation. Messages are 8 bytes, below PIPE_BUF: each read gets a whole one.
[[noreturn]] void guardian_main(int fd) {
  pid_t groups[k_max_groups];
  int count = 0;
  for (;;) {
    Message m{};
    ssize_t n = ::read(fd, &m, sizeof m);
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(sizeof m)) break;  // end of file: the endpoint is gone
    if (m.op == k_guard && m.pgid > 1 && count < k_max_groups) {
      groups[count++] = m.pgid;
    } else if (m.op == k_unguard) {
      for (int i = 0; i < count; ++i) {
        if (groups[i] == m.pgid) {
          groups[i] = groups[--count];
          break;
        }
      }
    }
  }
  for (int i = 0; i < count; ++i) ::kill(-groups[i], SIGKILL);
  _exit(0);
}

// One per process: a process forked from one that has a guardian (without exec) gets its own, since
// the inherited pipe would tell the parent's guardian, which outlives this process.
class Guardian {
 public:
  void send(int32_t op, pid_t pgid) {
    std::lock_guard lock(m_mutex);
    if (m_owner != ::getpid()) start();
    if (m_fd < 0) return;
    Message m{op, static_cast<int32_t>(pgid)};
    while (::write(m_fd, &m, sizeof m) < 0 && errno == EINTR) {
    }
  }

 private:
  void start() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    m_owner = ::getpid();
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return;
    pid_t pid = ::fork();
    if (pid < 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      return;
    }
    if (pid == 0) {
      // Only the end of the pipe tells it to act: no signal from a terminal or a group kill stops
      // it first, and it keeps nothing of the endpoint's open (listening socket, databases).
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2}) ::sigaction(sig, &ignore, nullptr);
      if (fds[0] != 3 && ::dup2(fds[0], 3) < 0) _exit(127);
      ::syscall(SYS_close_range, 4u, ~0u, 0u);
      if (::chdir("/") != 0) _exit(127);
      guardian_main(3);
    }
    ::close(fds[0]);
    m_fd = fds[1];
  }

  std::mutex m_mutex;
  pid_t m_owner = 0;
  int m_fd = -1;  // write end, O_CLOEXEC; open for the life of the process
};

Guardian& guardian() {
  static Guardian g;
  return g;
}

}  // namespace

void guard_process_group(pid_t pgid) { guardian().send(k_guard, pgid); }

void unguard_process_group(pid_t pgid) { guardian().send(k_unguard, pgid); }

}  // namespace lcd::local::runtime
