#pragma once
// The limit on processes and threads in one execution environment (Lambda: 1,024 per environment),
// so a fork bomb in a handler stops at the limit instead of taking the machine and the endpoint down.
//
// Two mechanisms, chosen once per engine:
// - cgroup: each sandbox gets its own pids cgroup (v2 where the endpoint's cgroup has the pids
//   controller enabled for its children, else a writable v1 pids hierarchy) with pids.max at the
//   limit. The kernel refuses the fork past it; the first refusal stops the sandbox. Everything the
//   function started stays in the group, setsid or not, and is killed with it; the directory is
//   removed when the environment ends.
// - watchdog: where no cgroup can be made (a non-root user without a delegated cgroup; a container
//   with /sys/fs/cgroup read-only). Every interval the sandbox's processes are counted from /proc
//   (its process group, descendants of it, and any earlier member that left it) and the whole set
//   is killed when the count is over the limit. It can overshoot by what forks between two looks.
//   For a non-root user the kernel also stops the sandbox's forks at RLIMIT_NPROC = the user's
//   tasks when the environment starts + twice the limit: RLIMIT_NPROC counts every task of the
//   user, not of the sandbox, so it cannot be the limit itself, but it caps what a bomb can do
//   before the watchdog looks. Root (most CI containers) is exempt from RLIMIT_NPROC.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace lcd::local::runtime {

struct ProcessLimitOptions {
  int64_t max_tasks = 1024;  // processes + threads per environment; 0: no limit
  bool allow_cgroup = true;  // false: the watchdog even where a cgroup could be made
};

// The watchdog's decision: `tasks` counted, `max_tasks` allowed (0: no limit).
bool over_process_limit(int64_t tasks, int64_t max_tasks);

// The watchdog looks at /proc (one read per process) only when the machine's task count, cheap to
// read from /proc/loadavg, rose by half the sandbox's headroom since its last look; otherwise a
// quiet sandbox would cost a full /proc scan every tick. `machine_now` < 0: unknown, look.
bool watchdog_should_look(int64_t machine_now, int64_t machine_at_look, int64_t sandbox_at_look, int64_t max_tasks);

// The number of tasks on the machine: the "running/total" field of /proc/loadavg; -1 if absent.
int64_t loadavg_total_tasks(std::string_view loadavg);

// The real uid and thread count of one /proc/<pid>/status; nullopt when either is missing.
std::optional<std::pair<uint32_t, int64_t>> status_uid_threads(std::string_view status);

// RLIMIT_NPROC (soft, hard) for a watched sandbox of a user with `user_tasks` tasks now, under the
// current limits: the user's tasks + twice the limit, never above what the user already has.
std::pair<uint64_t, uint64_t> nproc_backstop(int64_t user_tasks, int64_t max_tasks, uint64_t current_soft,
                                             uint64_t current_hard);

// Why a sandbox was stopped, as the invoke error and the endpoint's log say it.
std::string process_limit_reason(int64_t max_tasks);

// One environment's side of the limit; used by its watcher thread only.
class SandboxLimit {
 public:
  explicit SandboxLimit(int64_t max_tasks) : m_max_tasks(max_tasks) {}
  virtual ~SandboxLimit() = default;
  int64_t max_tasks() const { return m_max_tasks; }
  // A cgroup's cgroup.procs for the child to join before exec; -1 for the watchdog.
  virtual int join_fd() const { return -1; }
  // RLIMIT_NPROC for the child (soft, hard); {0, 0}: none.
  virtual std::pair<uint64_t, uint64_t> nproc_rlimit() const { return {0, 0}; }
  // How often over_limit() is asked while the environment lives.
  virtual std::chrono::milliseconds interval() const = 0;
  // True once the sandbox has hit the limit (the caller then kills it).
  virtual bool over_limit(pid_t pgid) = 0;
  // SIGKILL to every process of the sandbox it can find now, those outside the process group too.
  virtual void kill_all(pid_t pgid) = 0;
  // After the leader is reaped: kill what is left until nothing is, and remove the cgroup.
  virtual void release() = 0;
  // Most processes + threads seen at once (the cgroup's own pids.peak where the kernel keeps it).
  virtual int64_t peak_tasks() const = 0;
  virtual const char* mechanism() const = 0;

 protected:
  int64_t m_max_tasks;
};

class ProcessLimiter {
 public:
  explicit ProcessLimiter(ProcessLimitOptions options);
  ~ProcessLimiter();  // removes the endpoint's cgroup directory (its sandboxes must be released)
  ProcessLimiter(const ProcessLimiter&) = delete;
  ProcessLimiter& operator=(const ProcessLimiter&) = delete;

  // "cgroup v1 pids under /sys/fs/cgroup/pids/lambda-cd-123-1", "watchdog over /proc (...)", "off".
  std::string describe() const;
  int64_t max_tasks() const { return m_options.max_tasks; }
  // Null when there is no limit. A cgroup that cannot be made gives the watchdog, and `problem` why.
  std::unique_ptr<SandboxLimit> make_sandbox(std::string& problem);

 private:
  ProcessLimitOptions m_options;
  std::optional<std::filesystem::path> m_cgroup_root;  // lambda-cd-<pid>-<n> directory, when cgroups work
  std::string m_cgroup_kind;                           // "v1" / "v2"
  std::string m_why_watchdog;
  std::mutex m_mutex;
  uint64_t m_next_sandbox = 0;
};

}  // namespace lcd::local::runtime
