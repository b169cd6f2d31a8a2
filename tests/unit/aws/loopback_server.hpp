#pragma once
// A minimal HTTP/1.1 server on 127.0.0.1 for transport tests: keep-alive, Content-Length bodies,
// one thread per connection, a handler per request. Counts accepted connections.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aws/service_caller.hpp"
#include "util/strings.hpp"

namespace lcd::aws::test {

struct ReceivedRequest {
  std::string method;
  std::string target;  // path?query as sent
  HeaderList headers;
  std::string body;
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (iequals(k, name)) return v;
    return "";
  }
};

struct Reply {
  int status = 200;
  HeaderList headers;
  std::string body;
  bool hang = false;  // never answer (timeout tests); with `raw`: stall after sending it
  // Sent as is instead of a formatted response (bad-server tests); the connection then closes.
  std::string raw;
};

class LoopbackServer {
 public:
  using Handler = std::function<Reply(const ReceivedRequest&)>;
  explicit LoopbackServer(Handler handler) : m_handler(std::move(handler)) {
    m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(m_listen, 16);
    socklen_t len = sizeof addr;
    ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_accept = std::thread([this] { accept_loop(); });
  }
  ~LoopbackServer() {
    m_stopping = true;
    ::shutdown(m_listen, SHUT_RDWR);
    ::close(m_listen);
    m_accept.join();
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      for (int fd : m_clients) ::shutdown(fd, SHUT_RDWR);
    }
    for (auto& t : m_workers) t.join();
  }
  int port() const { return m_port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  int connections() const { return m_connections; }
  std::vector<ReceivedRequest> requests() {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_requests;
  }

 private:
  void accept_loop() {
    while (!m_stopping) {
      int fd = ::accept(m_listen, nullptr, nullptr);
      if (fd < 0) return;
      ++m_connections;
      std::lock_guard<std::mutex> lock(m_mutex);
      m_clients.push_back(fd);
      m_workers.emplace_back([this, fd] { serve(fd); });
    }
  }

  void serve(int fd) {
    std::string buffer;
    char chunk[65536];
    for (;;) {
      size_t header_end;
      while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return finish(fd);
        buffer.append(chunk, static_cast<size_t>(n));
      }
      ReceivedRequest request;
      std::vector<std::string> lines = split(buffer.substr(0, header_end), '\n');
      std::vector<std::string> first = split(std::string(trim(lines[0])), ' ');
      request.method = first[0];
      request.target = first.size() > 1 ? first[1] : "";
      size_t length = 0;
      for (size_t i = 1; i < lines.size(); ++i) {
        std::string line(trim(lines[i]));
        size_t colon = line.find(':');
        if (colon == std::string::npos) continue;
        request.headers.emplace_back(line.substr(0, colon), std::string(trim(line.substr(colon + 1))));
        if (iequals(request.headers.back().first, "content-length")) length = std::stoul(request.headers.back().second);
      }
      buffer.erase(0, header_end + 4);
      while (buffer.size() < length) {
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return finish(fd);
        buffer.append(chunk, static_cast<size_t>(n));
      }
      request.body = buffer.substr(0, length);
      buffer.erase(0, length);
      Reply reply = m_handler(request);
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_requests.push_back(request);
      }
      if (!reply.raw.empty()) {
        (void)::send(fd, reply.raw.data(), reply.raw.size(), MSG_NOSIGNAL);
        if (reply.hang) {
          while (::recv(fd, chunk, sizeof chunk, 0) > 0) {
          }
        }
        return finish(fd);
      }
      if (reply.hang) {
        while (::recv(fd, chunk, sizeof chunk, 0) > 0) {
        }
        return finish(fd);
      }
      std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
      for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
      if (request.method != "HEAD") out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
      out += "\r\n";
      if (request.method != "HEAD") out += reply.body;
      size_t sent = 0;
      while (sent < out.size()) {
        ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return finish(fd);
        sent += static_cast<size_t>(n);
      }
    }
  }

  void finish(int fd) { ::close(fd); }

  Handler m_handler;
  int m_listen = -1;
  int m_port = 0;
  std::atomic<bool> m_stopping{false};
  std::atomic<int> m_connections{0};
  std::thread m_accept;
  std::mutex m_mutex;
  std::vector<int> m_clients;
  std::vector<std::thread> m_workers;
  std::vector<ReceivedRequest> m_requests;
};

}  // namespace lcd::aws::test
