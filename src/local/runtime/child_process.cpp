#include "local/runtime/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "local/runtime/process_group_guard.hpp"
#include "local/runtime/process_table.hpp"

namespace lcd::local::runtime {
namespace {

// Runs in the child between fork and exec: only async-signal-safe calls (write, _exit), so the
// errno is written as a number (strerror may allocate or take locks held at the fork).
[[noreturn]] void child_fail(const char* what) {
  const int err = errno;
  char digits[16];
  size_t n = 0;
  unsigned value = err < 0 ? 0u : static_cast<unsigned>(err);
  do {
    digits[sizeof digits - 1 - n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0 && n < sizeof digits);
  (void)!::write(2, "lambda-cd: cannot start the runtime: ", 37);
  (void)!::write(2, what, strlen(what));
  (void)!::write(2, ": errno ", 8);
  (void)!::write(2, digits + sizeof digits - n, n);
  (void)!::write(2, "\n", 1);
  _exit(127);
}

std::string pread_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::pread(fd, buf, sizeof buf, static_cast<off_t>(out.size()))) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

std::string status_path(pid_t pid) { return "/proc/" + std::to_string(pid) + "/status"; }
std::string children_path(pid_t pid) {
  return "/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children";
}

uint64_t vm_hwm_kib(const std::string& status) {
  auto at = status.find("VmHWM:");
  if (at == std::string::npos) return 0;
  return std::strtoull(status.c_str() + at + 6, nullptr, 10);
}

uint64_t read_vm_hwm_kib(pid_t pid) { return vm_hwm_kib(read_kernel_file(status_path(pid))); }

void collect_children(const std::string& children, std::vector<pid_t>& out, int depth);

void collect_descendants(pid_t pid, std::vector<pid_t>& out, int depth) {
  if (depth > 16) return;
  collect_children(read_kernel_file(children_path(pid)), out, depth);
}

void collect_children(const std::string& children, std::vector<pid_t>& out, int depth) {
  const char* p = children.c_str();
  char* end = nullptr;
  for (;;) {
    long child = std::strtol(p, &end, 10);
    if (end == p) break;
    p = end;
    out.push_back(static_cast<pid_t>(child));
    collect_descendants(static_cast<pid_t>(child), out, depth + 1);
  }
}

uint64_t tree_peak_rss_kib(pid_t pid) {
  std::vector<pid_t> pids{pid};
  collect_descendants(pid, pids, 0);
  uint64_t total = 0;
  for (pid_t p : pids) total += read_vm_hwm_kib(p);
  return total;
}

}  // namespace

Result<ChildHandles> spawn_child(const ChildSpec& spec) {
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : spec.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = spec.argv;
  std::vector<char*> argv;
  for (auto& s : argv_copy) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::string exe = spec.executable.string();
  std::string cwd = spec.cwd.string();
  const int cgroup_fd = spec.cgroup_procs_fd;
  const rlimit nproc{static_cast<rlim_t>(spec.nproc_soft), static_cast<rlim_t>(spec.nproc_hard)};

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return fail(ErrorKind::io, std::string("pipe: ") + std::strerror(errno));
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(out[0]);
    ::close(out[1]);
    return fail(ErrorKind::io, std::string("fork: ") + std::strerror(err));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) _exit(127);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) ::sigaction(sig, &dfl, nullptr);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull < 0 || ::dup2(devnull, 0) < 0) child_fail("stdin");
    if (::dup2(out[1], 1) < 0 || ::dup2(out[1], 2) < 0) child_fail("stdout");
    if (cgroup_fd >= 0 && ::write(cgroup_fd, "0", 1) != 1) child_fail("joining its cgroup");
    if (nproc.rlim_max > 0 && ::setrlimit(RLIMIT_NPROC, &nproc) != 0) child_fail("RLIMIT_NPROC");
    ::syscall(SYS_close_range, 3u, ~0u, 0u);
    if (::chdir(cwd.c_str()) != 0) child_fail("chdir");
    ::execve(exe.c_str(), argv.data(), envp.data());
    child_fail(exe.c_str());
  }
  ::close(out[1]);
  // Also set from the parent so kill_group cannot race the child's own setpgid.
  ::setpgid(pid, pid);
  int flags = ::fcntl(out[0], F_GETFL);
  ::fcntl(out[0], F_SETFL, flags | O_NONBLOCK);
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    int err = errno;
    kill_group(pid);
    ::waitpid(pid, nullptr, 0);
    ::close(out[0]);
    return fail(ErrorKind::io, std::string("pidfd_open: ") + std::strerror(err));
  }
  guard_process_group(pid);  // what the function starts dies with the endpoint too
  return ChildHandles{pid, out[0], pidfd};
}

void kill_group(pid_t pgid) {
  if (pgid > 0) {
    ::kill(-pgid, SIGKILL);
    unguard_process_group(pgid);
  }
}


PeakRssProbe::PeakRssProbe(pid_t pid) : m_pid(pid) {
  m_status_fd = ::open(status_path(pid).c_str(), O_RDONLY | O_CLOEXEC);
  m_children_fd = ::open(children_path(pid).c_str(), O_RDONLY | O_CLOEXEC);
}

PeakRssProbe::~PeakRssProbe() {
  if (m_status_fd >= 0) ::close(m_status_fd);
  if (m_children_fd >= 0) ::close(m_children_fd);
}

uint64_t PeakRssProbe::peak_rss_kib() const {
  if (m_status_fd < 0 || m_children_fd < 0) return tree_peak_rss_kib(m_pid);
  std::vector<pid_t> descendants;
  collect_children(pread_all(m_children_fd), descendants, 0);
  uint64_t total = vm_hwm_kib(pread_all(m_status_fd));
  for (pid_t p : descendants) total += read_vm_hwm_kib(p);
  return total;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* name = sig == SIGKILL ? "killed" : sig == SIGSEGV ? "segmentation fault" : sig == SIGABRT ? "aborted" : nullptr;
    return name ? std::string("signal: ") + name : "signal: " + std::to_string(sig);
  }
  return "unknown status";
}

}  // namespace lcd::local::runtime
