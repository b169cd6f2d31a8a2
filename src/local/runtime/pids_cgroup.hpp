#pragma once
// A pids cgroup (v1 `pids` controller or v2 with `pids` enabled) holding one sandbox: the kernel
// refuses fork/clone beyond pids.max, counts the refusals in pids.events, and every process of the
// sandbox stays in it whatever it does (setsid, double fork), so it can be killed to the last one.
// The parsers of /proc/self/cgroup, /proc/self/mountinfo and pids.events are pure.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lcd::local::runtime {

// The cgroup path (as /proc/self/cgroup shows it, "/" for the root) of a v1 hierarchy holding
// `controller`, or of the v2 hierarchy when `controller` is empty.
std::optional<std::string> own_cgroup_path(std::string_view proc_self_cgroup, std::string_view controller);

struct CgroupMount {
  std::string root;         // the part of the hierarchy this mount shows ("/" normally)
  std::filesystem::path mount_point;
};
// The mount of the v1 hierarchy with `controller` (fstype cgroup, in its super options) or of the
// v2 hierarchy when `controller` is empty (fstype cgroup2), from /proc/self/mountinfo.
std::optional<CgroupMount> find_cgroup_mount(std::string_view mountinfo, std::string_view controller);

// The directory of `cgroup_path` under `mount`; nullopt when the mount does not show it.
std::optional<std::filesystem::path> cgroup_directory(const CgroupMount& mount, const std::string& cgroup_path);

// The "max N" count of pids.events: forks refused at pids.max (0 if absent).
uint64_t pids_events_max(std::string_view pids_events);

class PidsCgroup {
 public:
  // mkdir `dir` (its parent must have the pids controller) and write pids.max.
  static Result<std::unique_ptr<PidsCgroup>> create(const std::filesystem::path& dir, int64_t max_tasks);
  ~PidsCgroup();  // kill_all() and remove(), best effort
  PidsCgroup(const PidsCgroup&) = delete;
  PidsCgroup& operator=(const PidsCgroup&) = delete;

  // cgroup.procs opened for writing (O_CLOEXEC): a child writes "0" to it between fork and exec.
  int procs_fd() const { return m_procs_fd; }
  // A fork or thread was refused because the group was at pids.max.
  bool limit_reached() const;
  // pids.peak where the kernel has it (6.1+), else -1.
  int64_t peak() const;
  // SIGKILL to every process in the group until it is empty (cgroup.kill where v2 has it), at
  // most `patience`; true when empty.
  bool kill_all(std::chrono::milliseconds patience = std::chrono::seconds(2));
  // rmdir, retried while the last killed processes are still being reaped; true when gone.
  bool remove(std::chrono::milliseconds patience = std::chrono::seconds(2));
  const std::filesystem::path& dir() const { return m_dir; }

 private:
  PidsCgroup() = default;
  std::filesystem::path m_dir;
  int m_procs_fd = -1;
  int m_events_fd = -1;
  bool m_removed = false;
};

// Kill every process in each directory below `dir` and in `dir`, then remove them all (a stale
// endpoint's cgroups). True when `dir` is gone.
bool remove_cgroup_tree(const std::filesystem::path& dir);

}  // namespace lcd::local::runtime
