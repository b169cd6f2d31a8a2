#include "local/runtime/process_limit.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cerrno>
#include <set>
#include <thread>
#include <vector>

#include "local/runtime/pids_cgroup.hpp"
#include "local/runtime/process_table.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::local::runtime {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* k_dir_prefix = "lambda-cd-";

class CgroupSandbox final : public SandboxLimit {
 public:
  CgroupSandbox(std::unique_ptr<PidsCgroup> group, int64_t max_tasks) : SandboxLimit(max_tasks), m_group(std::move(group)) {}
  int join_fd() const override { return m_group->procs_fd(); }
  // One pread of pids.events.
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(20); }
  bool over_limit(pid_t) override { return m_group->limit_reached(); }
  void kill_all(pid_t pgid) override {
    if (pgid > 0) ::kill(-pgid, SIGKILL);
    m_group->kill_all(std::chrono::milliseconds(0));
  }
  void release() override {
    if (m_peak < 0) m_peak = m_group->peak();
    m_group->kill_all();
    m_group->remove();
  }
  int64_t peak_tasks() const override { return m_peak >= 0 ? m_peak : m_group->peak(); }
  const char* mechanism() const override { return "cgroup"; }

 private:
  std::unique_ptr<PidsCgroup> m_group;
  int64_t m_peak = -1;
};

class WatchdogSandbox final : public SandboxLimit {
 public:
  WatchdogSandbox(int64_t max_tasks, std::pair<uint64_t, uint64_t> nproc) : SandboxLimit(max_tasks), m_nproc(nproc) {
    m_loadavg_fd = ::open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
  }
  std::pair<uint64_t, uint64_t> nproc_rlimit() const override { return m_nproc; }
  ~WatchdogSandbox() override {
    if (m_loadavg_fd >= 0) ::close(m_loadavg_fd);
  }
  // A pread of /proc/loadavg per tick; a /proc scan when that says the machine grew (or every 250 ms).
  std::chrono::milliseconds interval() const override { return std::chrono::milliseconds(10); }

  bool over_limit(pid_t pgid) override {
    const int64_t machine = machine_tasks();
    const auto now = Clock::now();
    if (now < m_next_full_look && !watchdog_should_look(machine, m_machine_at_look, m_last_count, m_max_tasks)) {
      return false;
    }
    m_machine_at_look = machine;
    m_next_full_look = now + std::chrono::milliseconds(250);
    // The process group alone past the limit settles it: no need to read the rest of /proc while
    // a bomb grows.
    int64_t in_group = 0;
    bool group_over = false;
    auto table = read_process_table([&](const ProcEntry& e) {
      if (e.pgrp == pgid) in_group += std::max<int64_t>(1, e.threads);
      group_over = over_process_limit(in_group, m_max_tasks);
      return !group_over;
    });
    if (group_over) {
      ::kill(-pgid, SIGKILL);
      m_last_count = in_group;
      m_peak = std::max(m_peak, in_group);
      return true;
    }
    auto members = remember(sandbox_members(table, pgid, m_known), pgid);
    m_last_count = task_count(members);
    return over_process_limit(m_last_count, m_max_tasks);
  }

  void kill_all(pid_t pgid) override {
    if (pgid > 0) ::kill(-pgid, SIGKILL);
    for (const auto& m : look(pgid)) ::kill(m.pid, SIGKILL);
  }

  // The group was killed with its leader; what is left are members that left it (setsid) and were
  // seen at some look: killed by (pid, start time) until none is alive.
  void release() override {
    const auto give_up = Clock::now() + std::chrono::seconds(2);
    while (!m_known.empty() && Clock::now() < give_up) {
      auto members = look(0);
      if (members.empty()) break;
      for (const auto& m : members) ::kill(m.pid, SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    m_known.clear();
  }

  int64_t peak_tasks() const override { return m_peak; }
  const char* mechanism() const override { return "watchdog"; }

 private:
  std::vector<ProcEntry> look(pid_t pgid) { return remember(sandbox_members(read_process_table(), pgid, m_known), pgid); }

  std::vector<ProcEntry> remember(std::vector<ProcEntry> members, pid_t pgid) {
    m_peak = std::max(m_peak, task_count(members));
    m_known.clear();
    for (const auto& m : members) {
      if (m.pgrp != pgid) m_known.insert({m.pid, m.start_time});
    }
    return members;
  }

  int64_t machine_tasks() const {
    if (m_loadavg_fd < 0) return -1;
    char buf[128];
    ssize_t n = ::pread(m_loadavg_fd, buf, sizeof buf, 0);
    return n > 0 ? loadavg_total_tasks(std::string_view(buf, static_cast<size_t>(n))) : -1;
  }

  std::pair<uint64_t, uint64_t> m_nproc;
  int m_loadavg_fd = -1;
  int64_t m_peak = 0;
  int64_t m_last_count = 0;
  int64_t m_machine_at_look = -1;
  Clock::time_point m_next_full_look{};
  std::set<ProcessId> m_known;  // members outside the process group at the last look
};

// Tasks of the real uid `uid` on the machine, from every /proc/<pid>/status.
int64_t user_tasks(uint32_t uid) {
  int64_t total = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] < '1' || name[0] > '9') continue;
    auto text = read_file(entry.path() / "status");
    if (!text) continue;
    if (auto found = status_uid_threads(*text); found && found->first == uid) total += std::max<int64_t>(1, found->second);
  }
  return total;
}

std::string read_text(const std::filesystem::path& path) {
  auto text = read_file(path);
  return text ? *text : std::string();
}

bool write_text(const std::filesystem::path& path, std::string_view text) {
  FILE* f = std::fopen(path.c_str(), "we");
  if (!f) return false;
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = std::fclose(f) == 0 && ok;
  return ok;
}

// Directories lambda-cd-<pid>-<n> of endpoints that are gone (killed without their cleanup).
void remove_stale(const std::filesystem::path& parent) {
  std::error_code ec;
  std::vector<std::filesystem::path> stale;
  for (const auto& entry : std::filesystem::directory_iterator(parent, ec)) {
    std::string name = entry.path().filename().string();
    if (!starts_with(name, k_dir_prefix)) continue;
    char* end = nullptr;
    long pid = std::strtol(name.c_str() + std::char_traits<char>::length(k_dir_prefix), &end, 10);
    if (pid <= 0 || (*end != '\0' && *end != '-') || pid == ::getpid()) continue;
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    stale.push_back(entry.path());
  }
  for (const auto& dir : stale) remove_cgroup_tree(dir);
}

// Makes <dir>/lambda-cd-<pid>-<n> ready for sandbox cgroups below it; false if it cannot.
bool prepare_root(const std::filesystem::path& parent, const std::filesystem::path& root, bool v2) {
  remove_stale(parent);
  if (::mkdir(root.c_str(), 0755) != 0 && errno != EEXIST) return false;
  // v2: children get pids.max only when their parent enables the controller for them.
  if (v2 && !write_text(root / "cgroup.subtree_control", "+pids")) {
    ::rmdir(root.c_str());
    return false;
  }
  return true;
}

}  // namespace

bool over_process_limit(int64_t tasks, int64_t max_tasks) { return max_tasks > 0 && tasks > max_tasks; }

bool watchdog_should_look(int64_t machine_now, int64_t machine_at_look, int64_t sandbox_at_look, int64_t max_tasks) {
  if (machine_now < 0 || machine_at_look < 0) return true;
  return machine_now - machine_at_look >= std::max<int64_t>(1, (max_tasks - sandbox_at_look) / 2);
}

std::optional<std::pair<uint32_t, int64_t>> status_uid_threads(std::string_view status) {
  std::optional<uint32_t> uid;
  std::optional<int64_t> threads;
  for (auto line : split(std::string(status), '\n')) {
    if (starts_with(line, "Uid:")) uid = static_cast<uint32_t>(std::strtoul(line.c_str() + 4, nullptr, 10));
    if (starts_with(line, "Threads:")) threads = std::strtoll(line.c_str() + 8, nullptr, 10);
  }
  if (!uid || !threads) return std::nullopt;
  return std::make_pair(*uid, *threads);
}

std::pair<uint64_t, uint64_t> nproc_backstop(int64_t user_tasks, int64_t max_tasks, uint64_t current_soft,
                                             uint64_t current_hard) {
  const uint64_t wanted = static_cast<uint64_t>(std::max<int64_t>(0, user_tasks) + 2 * std::max<int64_t>(0, max_tasks));
  return {std::min(wanted, current_soft), std::min(wanted, current_hard)};
}

int64_t loadavg_total_tasks(std::string_view loadavg) {
  size_t slash = loadavg.find('/');
  if (slash == std::string_view::npos) return -1;
  int64_t total = 0;
  size_t i = slash + 1;
  if (i >= loadavg.size() || loadavg[i] < '0' || loadavg[i] > '9') return -1;
  for (; i < loadavg.size() && loadavg[i] >= '0' && loadavg[i] <= '9'; ++i) total = total * 10 + (loadavg[i] - '0');
  return total;
}

std::string process_limit_reason(int64_t max_tasks) {
  return "the function's sandbox reached its limit of " + std::to_string(max_tasks) +
         " processes and threads (lambda-cd local --process-limit)";
}

ProcessLimiter::ProcessLimiter(ProcessLimitOptions options) : m_options(options) {
  if (m_options.max_tasks <= 0) return;
  if (!m_options.allow_cgroup) {
    m_why_watchdog = "cgroups not used (--process-limit-by watchdog)";
    return;
  }
  const std::string self = read_text("/proc/self/cgroup");
  const std::string mounts = read_text("/proc/self/mountinfo");
  // Two engines in one process (tests) get a directory each.
  static std::atomic<uint64_t> engines{0};
  const std::string name = k_dir_prefix + std::to_string(::getpid()) + "-" + std::to_string(++engines);
  // v2 first: the endpoint's own cgroup must already enable pids for its children (a delegated
  // subtree); it cannot be enabled from here while the endpoint's own process sits in it.
  if (auto path = own_cgroup_path(self, ""); path) {
    if (auto mount = find_cgroup_mount(mounts, "")) {
      if (auto dir = cgroup_directory(*mount, *path)) {
        std::string enabled = read_text(*dir / "cgroup.subtree_control");
        bool has_pids = false;
        for (const auto& c : split(std::string(trim(enabled)), ' ')) has_pids = has_pids || c == "pids";
        if (has_pids && prepare_root(*dir, *dir / name, true)) {
          m_cgroup_root = *dir / name;
          m_cgroup_kind = "v2";
          return;
        }
      }
    }
  }
  if (auto path = own_cgroup_path(self, "pids"); path) {
    if (auto mount = find_cgroup_mount(mounts, "pids")) {
      if (auto dir = cgroup_directory(*mount, *path); dir && prepare_root(*dir, *dir / name, false)) {
        m_cgroup_root = *dir / name;
        m_cgroup_kind = "v1";
        return;
      }
    }
  }
  m_why_watchdog = "no pids cgroup this endpoint may create";
}

ProcessLimiter::~ProcessLimiter() {
  if (m_cgroup_root) remove_cgroup_tree(*m_cgroup_root);
}

std::string ProcessLimiter::describe() const {
  if (m_options.max_tasks <= 0) return "off";
  std::string limit = std::to_string(m_options.max_tasks) + " processes and threads per environment, ";
  if (m_cgroup_root) return limit + "cgroup " + m_cgroup_kind + " pids under " + m_cgroup_root->string();
  return limit + "watchdog over /proc (" + m_why_watchdog + ")";
}

std::unique_ptr<SandboxLimit> ProcessLimiter::make_sandbox(std::string& problem) {
  if (m_options.max_tasks <= 0) return nullptr;
  if (m_cgroup_root) {
    uint64_t n;
    {
      std::lock_guard lock(m_mutex);
      n = ++m_next_sandbox;
    }
    auto group = PidsCgroup::create(*m_cgroup_root / ("sandbox-" + std::to_string(n)), m_options.max_tasks);
    if (group) return std::make_unique<CgroupSandbox>(std::move(*group), m_options.max_tasks);
    problem = group.error().message + "; this environment is watched instead";
  }
  std::pair<uint64_t, uint64_t> nproc{0, 0};
  if (::getuid() != 0) {
    rlimit current{};
    if (::getrlimit(RLIMIT_NPROC, &current) == 0) {
      nproc = nproc_backstop(user_tasks(::getuid()), m_options.max_tasks, current.rlim_cur, current.rlim_max);
    }
  }
  return std::make_unique<WatchdogSandbox>(m_options.max_tasks, nproc);
}

}  // namespace lcd::local::runtime
