#pragma once
// Running a child process to completion: argv (no shell unless asked), environment, working
// directory, captured or passed-through output, and a timeout that kills the whole process group.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lcd {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH
  std::filesystem::path cwd;      // empty: inherit
  // Environment: the parent's, with `env_set` overriding and `env_unset` removed.
  std::map<std::string, std::string> env_set;
  std::vector<std::string> env_unset;
  bool inherit_env = true;
  bool capture_output = true;  // false: child writes to our stdout/stderr
  bool capture_stderr = true;  // with capture_output: false leaves stderr on ours (prompts stay visible)
  std::optional<std::string> stdin_data;  // nullopt: /dev/null
  std::optional<std::chrono::milliseconds> timeout;
  // Called with each chunk of captured output as it arrives (stdout and stderr interleaved).
  std::function<void(std::string_view)> on_output;
};

struct ProcessResult {
  int exit_code = -1;   // -1 when killed by a signal
  int signal = 0;       // the terminating signal, 0 if it exited
  bool timed_out = false;
  std::string output;   // stdout and stderr interleaved, when captured
  std::chrono::milliseconds duration{0};
  bool ok() const { return exit_code == 0 && !timed_out; }
};

// Fails only when the process cannot be started; a non-zero exit is a successful Result.
Result<ProcessResult> run_process(const ProcessSpec& spec);

// `sh -c command`, for user-configured commands such as "npm test".
ProcessSpec shell_command(const std::string& command);

// The running program's own path (/proc/self/exe); nullopt when it cannot be read.
std::optional<std::filesystem::path> current_executable();

// Searches PATH for an executable; nullopt if absent.
std::optional<std::filesystem::path> find_executable(const std::string& name);

}  // namespace lcd
