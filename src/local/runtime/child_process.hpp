#pragma once
// An execution environment's process: spawned in its own process group, stdout and stderr merged
// into one non-blocking pipe, and a pidfd that becomes readable when it exits.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lcd::local::runtime {

struct ChildSpec {
  std::filesystem::path executable;  // absolute
  std::vector<std::string> argv;     // argv[0] included
  std::filesystem::path cwd;
  std::map<std::string, std::string> env;  // the complete environment (nothing inherited)
  // A cgroup's cgroup.procs open for writing: the child joins it before exec, so everything it
  // starts is counted from its first instruction. -1: none.
  int cgroup_procs_fd = -1;
  // RLIMIT_NPROC (soft, hard) set in the child before exec; 0: left as inherited.
  uint64_t nproc_soft = 0;
  uint64_t nproc_hard = 0;
};

struct ChildHandles {
  pid_t pid = -1;        // also the process group id
  int output_fd = -1;    // read end, O_NONBLOCK | O_CLOEXEC
  int pidfd = -1;        // readable once the leader exits
};

// The child gets SIGKILL when the *calling thread* exits (PR_SET_PDEATHSIG), so call it from the
// thread that watches the child for its whole life. No descriptors other than 0-2 are inherited.
Result<ChildHandles> spawn_child(const ChildSpec& spec);

// SIGKILL to the whole process group; harmless if it is already gone.
void kill_group(pid_t pgid);

// Peak resident set (VmHWM) of a process and its live descendants, in KiB (0 if unreadable), read
// after every invocation: its /proc files stay open (pread from offset 0 regenerates them), which
// saves two open/close pairs per invoke.
class PeakRssProbe {
 public:
  explicit PeakRssProbe(pid_t pid);
  ~PeakRssProbe();
  PeakRssProbe(const PeakRssProbe&) = delete;
  PeakRssProbe& operator=(const PeakRssProbe&) = delete;
  uint64_t peak_rss_kib() const;

 private:
  pid_t m_pid;
  int m_status_fd = -1;
  int m_children_fd = -1;
};

// "exit status 1" / "signal: killed", as Lambda words Runtime.ExitError.
std::string describe_wait_status(int status);

}  // namespace lcd::local::runtime
