#include "util/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/strings.hpp"

extern char** environ;

namespace lcd {
namespace {

std::vector<std::string> build_environment(const ProcessSpec& spec) {
  std::map<std::string, std::string> env;
  if (spec.inherit_env) {
    for (char** e = environ; *e; ++e) {
      std::string_view kv(*e);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
  }
  for (const auto& key : spec.env_unset) env.erase(key);
  for (const auto& [k, v] : spec.env_set) env[k] = v;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

std::optional<std::filesystem::path> find_executable(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return std::filesystem::path(name);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  for (const auto& dir : split(path ? path : "/usr/bin:/bin", ':')) {
    std::filesystem::path candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

std::optional<std::filesystem::path> current_executable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return path;
}

ProcessSpec shell_command(const std::string& command) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", command};
  return spec;
}

Result<ProcessResult> run_process(const ProcessSpec& spec) {
  if (spec.argv.empty()) return fail(ErrorKind::invalid, "no command to run");
  auto exe = find_executable(spec.argv[0]);
  if (!exe) return fail(ErrorKind::not_found, "command not found: " + spec.argv[0]);

  int out_pipe[2] = {-1, -1};
  int in_pipe[2] = {-1, -1};
  if (spec.capture_output && ::pipe2(out_pipe, O_CLOEXEC) != 0) {
    return fail(ErrorKind::io, std::string("pipe: ") + std::strerror(errno));
  }
  if (spec.stdin_data && ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    return fail(ErrorKind::io, std::string("pipe: ") + std::strerror(errno));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (spec.stdin_data) {
    posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  if (spec.capture_output) {
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    if (spec.capture_stderr) posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 2);
  }
  if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so a timeout can kill the command and everything it started.
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  posix_spawnattr_setsigmask(&attr, &empty_mask);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> env_strings = build_environment(spec);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = spec.argv;
  std::vector<char*> argv;
  for (auto& s : argv_copy) argv.push_back(s.data());
  argv.push_back(nullptr);

  auto started = std::chrono::steady_clock::now();
  pid_t pid = -1;
  int rc = posix_spawn(&pid, exe->c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (spec.capture_output) ::close(out_pipe[1]);
  if (spec.stdin_data) ::close(in_pipe[0]);
  if (rc != 0) {
    if (spec.capture_output) ::close(out_pipe[0]);
    if (spec.stdin_data) ::close(in_pipe[1]);
    return fail(ErrorKind::io, "cannot start " + spec.argv[0] + ": " + std::strerror(rc));
  }
  if (spec.stdin_data) {
    write_all(in_pipe[1], *spec.stdin_data);
    ::close(in_pipe[1]);
  }

  ProcessResult result;
  const bool has_deadline = spec.timeout.has_value();
  const auto deadline = has_deadline ? started + *spec.timeout : std::chrono::steady_clock::time_point::max();
  auto kill_group = [&] {
    ::kill(-pid, SIGKILL);
    result.timed_out = true;
  };

  if (spec.capture_output) {
    char buf[65536];
    while (true) {
      int wait_ms = -1;
      if (has_deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
      }
      pollfd pfd{out_pipe[0], POLLIN, 0};
      int pr = ::poll(&pfd, 1, wait_ms);
      if (pr < 0 && errno == EINTR) continue;
      if (pr == 0) {
        kill_group();
        break;
      }
      ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::string_view chunk(buf, static_cast<size_t>(n));
      result.output.append(chunk);
      if (spec.on_output) spec.on_output(chunk);
    }
    ::close(out_pipe[0]);
  }

  int status = 0;
  while (true) {
    pid_t w = ::waitpid(pid, &status, has_deadline && !result.timed_out ? WNOHANG : 0);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) break;
    if (w == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        kill_group();
      } else {
        ::usleep(2000);
      }
    }
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return result;
}

}  // namespace lcd
