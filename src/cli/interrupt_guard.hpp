#pragma once
// While alive, SIGINT and SIGTERM first run a cleanup (e.g. releasing the deploy lock, which needs
// the network) on a watcher thread, then end the process by the same signal as if unhandled. The
// signal handler itself only writes to a pipe (async-signal-safe); a second signal during the
// cleanup ends the process at once.

#include <functional>
#include <thread>

namespace lcd::cli {

class InterruptGuard {
 public:
  explicit InterruptGuard(std::function<void()> cleanup);
  ~InterruptGuard();  // restores the previous handlers; the cleanup does not run
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  std::function<void()> m_cleanup;
  int m_stop_pipe[2] = {-1, -1};
  std::thread m_watcher;
};

}  // namespace lcd::cli
