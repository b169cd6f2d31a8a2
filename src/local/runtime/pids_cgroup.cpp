#include "local/runtime/pids_cgroup.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "local/runtime/process_table.hpp"
#include "util/strings.hpp"

namespace lcd::local::runtime {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string_view> fields_of(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t at = line.find(sep);
    out.push_back(line.substr(0, at));
    if (at == std::string_view::npos) break;
    line.remove_prefix(at + 1);
  }
  return out;
}

bool list_has(std::string_view comma_list, std::string_view item) {
  for (auto f : fields_of(comma_list, ',')) {
    if (f == item) return true;
  }
  return false;
}

std::string pread_small(int fd) {
  char buf[256];
  ssize_t n = ::pread(fd, buf, sizeof buf, 0);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

bool write_small(const std::filesystem::path& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

// SIGKILL to every pid listed in cgroup.procs; the number listed.
size_t kill_listed(const std::filesystem::path& dir) {
  size_t listed = 0;
  const std::string procs = read_kernel_file(dir / "cgroup.procs");  // the views below point into it
  for (auto line : fields_of(procs, '\n')) {
    if (line.empty()) continue;
    pid_t pid = static_cast<pid_t>(std::strtol(std::string(line).c_str(), nullptr, 10));
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ++listed;
    }
  }
  return listed;
}

bool kill_until_empty(const std::filesystem::path& dir, std::chrono::milliseconds patience) {
  const auto give_up = Clock::now() + patience;
  std::error_code ec;
  // v2's cgroup.kill kills the whole group atomically, forks in flight included.
  if (std::filesystem::exists(dir / "cgroup.kill", ec)) write_small(dir / "cgroup.kill", "1");
  // v1: a fork racing the kill adds a process after the read; repeat until none is listed.
  while (kill_listed(dir) > 0) {
    if (Clock::now() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

bool rmdir_patiently(const std::filesystem::path& dir, std::chrono::milliseconds patience) {
  const auto give_up = Clock::now() + patience;
  for (;;) {
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return true;
    if (errno != EBUSY || Clock::now() >= give_up) return false;
    kill_listed(dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace

std::optional<std::string> own_cgroup_path(std::string_view proc_self_cgroup, std::string_view controller) {
  for (auto line : fields_of(proc_self_cgroup, '\n')) {
    // "hierarchy-id:controller-list:path"; the path may itself contain ':'.
    size_t first = line.find(':');
    if (first == std::string_view::npos) continue;
    size_t second = line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view id = line.substr(0, first);
    std::string_view controllers = line.substr(first + 1, second - first - 1);
    std::string_view path = line.substr(second + 1);
    if (path.empty() || path.front() != '/') continue;
    if (controller.empty() ? (id == "0" && controllers.empty()) : list_has(controllers, controller)) {
      return std::string(path);
    }
  }
  return std::nullopt;
}

std::optional<CgroupMount> find_cgroup_mount(std::string_view mountinfo, std::string_view controller) {
  for (auto line : fields_of(mountinfo, '\n')) {
    // "id parent major:minor root mount-point options [optional...] - fstype source super-options"
    auto f = fields_of(line, ' ');
    size_t dash = 0;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (dash < 6 || dash + 1 >= f.size()) continue;
    std::string_view fstype = f[dash + 1];
    std::string_view super_options = dash + 3 < f.size() ? f[dash + 3] : std::string_view();
    bool match = controller.empty() ? fstype == "cgroup2"
                                    : fstype == "cgroup" && list_has(super_options, controller);
    if (match) return CgroupMount{std::string(f[3]), std::filesystem::path(std::string(f[4]))};
  }
  return std::nullopt;
}

std::optional<std::filesystem::path> cgroup_directory(const CgroupMount& mount, const std::string& cgroup_path) {
  std::string relative;
  if (mount.root == "/") {
    relative = cgroup_path;
  } else if (cgroup_path == mount.root) {
    relative = "/";
  } else if (starts_with(cgroup_path, mount.root + "/")) {
    relative = cgroup_path.substr(mount.root.size());
  } else {
    return std::nullopt;
  }
  std::filesystem::path dir = mount.mount_point;
  if (relative != "/") dir /= relative.substr(1);
  return dir;
}

uint64_t pids_events_max(std::string_view pids_events) {
  for (auto line : fields_of(pids_events, '\n')) {
    if (!starts_with(line, "max ")) continue;
    return std::strtoull(std::string(line.substr(4)).c_str(), nullptr, 10);
  }
  return 0;
}

Result<std::unique_ptr<PidsCgroup>> PidsCgroup::create(const std::filesystem::path& dir, int64_t max_tasks) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return fail(ErrorKind::io, "cannot create the cgroup " + dir.string() + ": " + std::strerror(errno));
  }
  std::unique_ptr<PidsCgroup> group(new PidsCgroup());
  group->m_dir = dir;
  if (!write_small(dir / "pids.max", std::to_string(max_tasks))) {
    int err = errno;
    group->remove(std::chrono::milliseconds(0));
    return fail(ErrorKind::io, "cannot set " + (dir / "pids.max").string() + ": " + std::strerror(err));
  }
  group->m_procs_fd = ::open((dir / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
  group->m_events_fd = ::open((dir / "pids.events").c_str(), O_RDONLY | O_CLOEXEC);
  if (group->m_procs_fd < 0 || group->m_events_fd < 0) {
    return fail(ErrorKind::io, "cannot open the cgroup files of " + dir.string() + ": " + std::strerror(errno));
  }
  return group;
}

PidsCgroup::~PidsCgroup() {
  if (m_procs_fd >= 0) ::close(m_procs_fd);
  if (m_events_fd >= 0) ::close(m_events_fd);
  if (!m_removed) {
    kill_all();
    remove();
  }
}

bool PidsCgroup::limit_reached() const { return m_events_fd >= 0 && pids_events_max(pread_small(m_events_fd)) > 0; }

int64_t PidsCgroup::peak() const {
  std::string text = read_kernel_file(m_dir / "pids.peak");
  if (text.empty()) return -1;
  return std::strtoll(text.c_str(), nullptr, 10);
}

bool PidsCgroup::kill_all(std::chrono::milliseconds patience) { return kill_until_empty(m_dir, patience); }

bool PidsCgroup::remove(std::chrono::milliseconds patience) {
  if (m_removed) return true;
  m_removed = rmdir_patiently(m_dir, patience);
  return m_removed;
}

bool remove_cgroup_tree(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::filesystem::path> children;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec)) children.push_back(entry.path());
  }
  for (const auto& child : children) {
    kill_until_empty(child, std::chrono::seconds(2));
    rmdir_patiently(child, std::chrono::seconds(2));
  }
  kill_until_empty(dir, std::chrono::seconds(2));
  return rmdir_patiently(dir, std::chrono::seconds(2));
}

}  // namespace lcd::local::runtime
