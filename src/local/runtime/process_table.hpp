#pragma once
// A snapshot of the machine's processes as /proc/<pid>/stat describes them, and the pure rules that
// find one sandbox's processes in it: the watchdog's side of the process limit (process_limit.hpp)
// where no pids cgroup can be made.

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lcd::local::runtime {

struct ProcEntry {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgrp = 0;
  int64_t threads = 1;
  uint64_t start_time = 0;  // clock ticks after boot: with the pid, names a process across pid reuse

  bool operator<(const ProcEntry& other) const { return pid < other.pid; }
};

// One /proc/<pid>/stat line; nullopt when it does not parse. The command name (field 2, in
// parentheses) may itself hold spaces and parentheses: the fields are read after its last ')'.
std::optional<ProcEntry> parse_proc_stat(std::string_view line);

// (pid, start_time): a process, not a recycled pid.
using ProcessId = std::pair<pid_t, uint64_t>;

// The processes of a sandbox: those in its process group, any earlier member still alive (`known`:
// it may have left the group with setsid and lost its parent since), and every descendant of
// those. Order of `table` does not matter.
std::vector<ProcEntry> sandbox_members(const std::vector<ProcEntry>& table, pid_t pgid, const std::set<ProcessId>& known);

// Processes plus threads: what Lambda's "1,024 processes/threads" and a pids cgroup count.
int64_t task_count(const std::vector<ProcEntry>& members);

// Every readable /proc/<pid>/stat (processes that vanish while it reads are left out). `keep_going`,
// if given, sees each entry as it is read; returning false stops the read there.
// The whole of a small kernel file (/proc, a cgroup's files) with raw reads, "" when it cannot be
// opened: this runs after every invocation, and iostreams cost several times more.
std::string read_kernel_file(const std::string& path);

std::vector<ProcEntry> read_process_table(const std::function<bool(const ProcEntry&)>& keep_going = nullptr);

}  // namespace lcd::local::runtime
