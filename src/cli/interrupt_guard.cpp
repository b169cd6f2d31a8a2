#include "cli/interrupt_guard.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace lcd::cli {
namespace {

// One guard at a time per process (commands take the lock once).
int g_signal_pipe[2] = {-1, -1};
std::atomic<int> g_signals_seen{0};
struct sigaction g_previous_int;
struct sigaction g_previous_term;

void on_signal(int sig) {
  if (g_signals_seen.fetch_add(1) > 0) {  // second signal: no more waiting for the cleanup
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  unsigned char byte = static_cast<unsigned char>(sig);
  ssize_t ignored = write(g_signal_pipe[1], &byte, 1);
  (void)ignored;
}

}  // namespace

InterruptGuard::InterruptGuard(std::function<void()> cleanup) : m_cleanup(std::move(cleanup)) {
  if (pipe2(g_signal_pipe, O_CLOEXEC) != 0 || pipe2(m_stop_pipe, O_CLOEXEC) != 0) return;
  g_signals_seen = 0;
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
  m_watcher = std::thread([this] {
    pollfd fds[2] = {{g_signal_pipe[0], POLLIN, 0}, {m_stop_pipe[0], POLLIN, 0}};
    for (;;) {
      if (poll(fds, 2, -1) < 0) continue;
      if (fds[1].revents) return;
      if (fds[0].revents) break;
    }
    unsigned char sig = 0;
    if (read(g_signal_pipe[0], &sig, 1) != 1) sig = SIGTERM;
    m_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);  // default action: the process ends by this signal
  });
}

InterruptGuard::~InterruptGuard() {
  if (m_watcher.joinable()) {
    sigaction(SIGINT, &g_previous_int, nullptr);
    sigaction(SIGTERM, &g_previous_term, nullptr);
    char byte = 0;
    ssize_t ignored = write(m_stop_pipe[1], &byte, 1);
    (void)ignored;
    m_watcher.join();
  }
  for (int* fds : {g_signal_pipe, m_stop_pipe}) {
    for (int i = 0; i < 2; ++i) {
      if (fds[i] >= 0) close(fds[i]);
      fds[i] = -1;
    }
  }
}

}  // namespace lcd::cli
