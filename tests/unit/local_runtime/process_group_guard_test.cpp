// What a runtime starts dies with the endpoint even when the endpoint is SIGKILLed (no destructor,
// no engine shutdown): the guardian kills the runtimes' process groups when its pipe closes.
#include "local/runtime/process_group_guard.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "local/runtime/child_process.hpp"
#include "util/file_io.hpp"

namespace lcd::local::runtime {
namespace {

// Gone, or a zombie nobody has reaped yet.
bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto paren = text.rfind(')');
  return paren == std::string::npos || text.compare(paren + 1, 3, " Z ") == 0;
}

pid_t read_pid(const std::filesystem::path& file) {
  std::ifstream in(file);
  pid_t pid = 0;
  in >> pid;
  return pid;
}

// `endpoint_dies` ends the stand-in endpoint (a forked child that spawned the runtime); returns the
// pid of the process the runtime started in the background, and whether it died within 10 s.
std::pair<pid_t, bool> background_process_after(void (*endpoint_dies)(pid_t)) {
  TempDir dir("lcd-guard");
  auto pid_file = dir.path() / "background.pid";
  pid_t endpoint = ::fork();
  if (endpoint == 0) {
    ChildSpec spec;
    spec.executable = "/bin/sh";
    spec.argv = {"sh", "-c", "sleep 300 & echo $! > " + pid_file.string() + ".tmp && mv " + pid_file.string() +
                                 ".tmp " + pid_file.string() + "; wait"};
    spec.cwd = dir.path();
    spec.env = {{"PATH", "/usr/bin:/bin"}};
    auto child = spawn_child(spec);
    if (!child) _exit(1);
    for (;;) ::pause();
  }
  EXPECT_GT(endpoint, 0);
  if (endpoint <= 0) return {0, false};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!std::filesystem::exists(pid_file) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_t background = read_pid(pid_file);
  EXPECT_GT(background, 0) << "the runtime did not start its background process";
  if (background <= 0) {
    ::kill(endpoint, SIGKILL);
    ::waitpid(endpoint, nullptr, 0);
    return {0, false};
  }
  EXPECT_FALSE(process_gone(background));
  endpoint_dies(endpoint);
  ::waitpid(endpoint, nullptr, 0);
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!process_gone(background) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  bool gone = process_gone(background);
  if (!gone) ::kill(background, SIGKILL);
  return {background, gone};
}

TEST(ProcessGroupGuard, WhatARuntimeStartedDiesWhenTheEndpointIsKilled) {
  auto [pid, gone] = background_process_after([](pid_t endpoint) { ::kill(endpoint, SIGKILL); });
  EXPECT_TRUE(gone) << "process " << pid << " outlived the SIGKILLed endpoint";
}

}  // namespace
}  // namespace lcd::local::runtime
