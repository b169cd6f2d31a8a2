#include "cli/embedded_endpoint.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::cli {
namespace {

namespace fs = std::filesystem;

struct HostPort {
  std::string host;
  std::string port;
};

HostPort host_port(const std::string& url) {
  std::string rest = url;
  std::string port = "80";
  if (starts_with(rest, "https://")) {
    rest = rest.substr(8);
    port = "443";
  } else if (starts_with(rest, "http://")) {
    rest = rest.substr(7);
  }
  rest = rest.substr(0, rest.find('/'));
  std::string host = rest;
  if (!rest.empty() && rest[0] == '[') {
    auto close = rest.find(']');
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  return {host, port};
}

}  // namespace

bool endpoint_listening(const std::string& url) {
  auto hp = host_port(url);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(hp.host.c_str(), hp.port.c_str(), &hints, &res) != 0) return false;
  bool ok = false;
  for (addrinfo* a = res; a && !ok; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int rc = connect(fd, a->ai_addr, a->ai_addrlen);
    if (rc == 0) {
      ok = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, 1000) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        ok = err == 0;
      }
    }
    close(fd);
  }
  freeaddrinfo(res);
  return ok;
}

Result<std::unique_ptr<EmbeddedEndpoint>> EmbeddedEndpoint::start(const fs::path& state_dir) {
  if (auto made = ensure_directory(state_dir); !made) return fail(made.error());
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return fail(ErrorKind::io, "cannot find the lambda-cd binary (/proc/self/exe): " + ec.message());
  const fs::path log = state_dir / "endpoint.log";
  const std::string self_str = self.string();
  const std::string state_str = state_dir.string();
  const std::string log_str = log.string();

  // A line left by an earlier run must never be mistaken for this child's.
  fs::remove(log, ec);
  if (ec) return fail(ErrorKind::io, "cannot remove " + log.string() + ": " + ec.message());
  pid_t pid = fork();
  if (pid < 0) return fail(ErrorKind::io, std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    int fd = open(log_str.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    setpgid(0, 0);
    execl(self_str.c_str(), self_str.c_str(), "local", "--port", "0", "--state", state_str.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }

  const std::string marker = "lambda-cd local listening on ";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(log);
    std::string line;
    while (std::getline(in, line)) {
      if (starts_with(line, marker)) {
        std::string url(trim(line.substr(marker.size())));
        return std::unique_ptr<EmbeddedEndpoint>(new EmbeddedEndpoint(pid, url, state_dir));
      }
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      auto text = read_file(log);
      return fail(ErrorKind::io, "the embedded local endpoint exited before listening:\n" + text.value_or(""));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return fail(ErrorKind::timeout, "the embedded local endpoint did not start within 30 s (log: " + log_str + ")");
}

EmbeddedEndpoint::~EmbeddedEndpoint() {
  if (m_pid <= 0) return;
  kill(m_pid, SIGTERM);
  for (int i = 0; i < 500; ++i) {
    if (waitpid(m_pid, nullptr, WNOHANG) == m_pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(m_pid, SIGKILL);
  waitpid(m_pid, nullptr, 0);
}

}  // namespace lcd::cli
