#include "local/runtime/runtime_api_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <mutex>

namespace lcd::local::runtime {
namespace {

using SteadyClock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Hands out one event and settles when it is answered, recording what the runtime sent.
class OneEventHandler : public RuntimeApiHandler {
 public:
  std::optional<NextEvent> event;
  SteadyClock::time_point until = SteadyClock::now() + 5s;
  std::mutex mutex;
  std::string answered_id, answered_body, error_type;
  int next_calls = 0;
  bool init_error = false;

  std::optional<NextEvent> next_event() override {
    ++next_calls;
    auto e = std::move(event);
    event.reset();
    return e;
  }
  ApiReply post_response(const std::string& id, std::string body) override {
    if (id != "req-1") return {400, R"({"errorType":"InvalidRequestID"})"};
    answered_id = id;
    answered_body = std::move(body);
    return {};
  }
  ApiReply post_error(const std::string& id, const std::string& type, std::string body) override {
    answered_id = id;
    error_type = type;
    answered_body = std::move(body);
    return {};
  }
  ApiReply post_init_error(const std::string& type, std::string body) override {
    init_error = true;
    error_type = type;
    answered_body = std::move(body);
    return {};
  }
  bool settled() override { return !answered_id.empty() || init_error; }
  SteadyClock::time_point deadline() override { return until; }
};

NextEvent sample_event() {
  NextEvent e;
  e.request_id = "req-1";
  e.deadline_ms = 1234;
  e.invoked_arn = "arn:aws:lambda:us-east-1:123456789012:function:f:STAGE";
  e.trace_id = "Root=1-abc";
  e.payload = R"({"n":1})";
  return e;
}

// A blocking HTTP client on one connection, enough to play a runtime.
class Client {
 public:
  explicit Client(int port) {
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    m_connected = ::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() {
    if (m_fd >= 0) ::close(m_fd);
  }
  bool connected() const { return m_connected; }
  void send(std::string_view bytes) { ASSERT_EQ(::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size())); }
  // Reads one response (head and Content-Length body); empty when the server closed first.
  std::string read_response() {
    for (;;) {
      auto end = m_buffer.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length = 0;
        auto cl = m_buffer.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) length = std::stoul(m_buffer.substr(cl + 16));
        if (m_buffer.size() >= end + 4 + length) {
          std::string response = m_buffer.substr(0, end + 4 + length);
          m_buffer.erase(0, end + 4 + length);
          return response;
        }
      }
      char buf[4096];
      ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
      if (n <= 0) return {};
      m_buffer.append(buf, static_cast<size_t>(n));
    }
  }
  // Closes with a reset instead of a FIN, as a crashed or killed peer's kernel may.
  void reset() {
    linger abort{1, 0};
    ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    ::close(m_fd);
    m_fd = -1;
  }
  bool closed_by_server() {
    char c;
    return m_buffer.empty() && ::recv(m_fd, &c, 1, 0) == 0;
  }

 private:
  int m_fd = -1;
  bool m_connected = false;
  std::string m_buffer;
};

std::string post(const std::string& path, const std::string& body, const std::string& extra = "") {
  return "POST /2018-06-01/runtime" + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra + "\r\n" + body;
}
const std::string k_next = "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n";

struct Served {
  std::unique_ptr<RuntimeApiServer> server;
  int wake = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  Served() {
    auto bound = RuntimeApiServer::bind();
    EXPECT_TRUE(bound);
    server = std::move(*bound);
  }
  ~Served() { ::close(wake); }
};

TEST(RuntimeApiServer, DeliversTheEventAndSettlesOnTheResponseOverOneConnection) {
  Served s;
  OneEventHandler handler;
  handler.event = sample_event();
  auto runtime = std::async(std::launch::async, [port = s.server->port()] {
    Client c(port);
    c.send(k_next);
    std::string event = c.read_response();
    c.send(post("/invocation/req-1/response", R"({"ok":true})"));
    std::string ack = c.read_response();
    return event + "\n----\n" + ack;
  });
  EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::settled);
  EXPECT_EQ(handler.answered_body, R"({"ok":true})");
  std::string seen = runtime.get();
  EXPECT_NE(seen.find("HTTP/1.1 200 OK\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("Lambda-Runtime-Aws-Request-Id: req-1\r\n"), std::string::npos);
  EXPECT_NE(seen.find("Lambda-Runtime-Deadline-Ms: 1234\r\n"), std::string::npos);
  EXPECT_NE(seen.find("Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:f:STAGE\r\n"),
            std::string::npos);
  EXPECT_NE(seen.find("\r\n\r\n{\"n\":1}\n----\nHTTP/1.1 202 Accepted\r\n"), std::string::npos) << seen;
}

TEST(RuntimeApiServer, ANextSentBetweenServesIsHeldUntilAnEventExists) {
  Served s;
  Client c(s.server->port());
  ASSERT_TRUE(c.connected());
  c.send(k_next);  // nobody serves yet: it waits in the kernel
  OneEventHandler handler;
  handler.until = SteadyClock::now() + 50ms;
  EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::deadline);  // no event: held, not answered
  EXPECT_GE(handler.next_calls, 1);
  handler.event = sample_event();
  handler.until = SteadyClock::now() + 5s;
  auto runtime = std::async(std::launch::async, [&c] {
    std::string event = c.read_response();
    c.send(post("/invocation/req-1/error", R"({"errorType":"E"})", "Lambda-Runtime-Function-Error-Type: Handled.E\r\n"));
    return event + c.read_response();
  });
  EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::settled);
  EXPECT_EQ(handler.error_type, "Handled.E");
  EXPECT_NE(runtime.get().find("Lambda-Runtime-Aws-Request-Id: req-1"), std::string::npos);
}

TEST(RuntimeApiServer, ConnectionPerRequestLikeCurl) {
  Served s;
  OneEventHandler handler;
  handler.event = sample_event();
  auto runtime = std::async(std::launch::async, [port = s.server->port()] {
    std::string event;
    {
      Client c(port);
      c.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      event = c.read_response();
      if (!c.closed_by_server()) return std::string("server kept a Connection: close connection open");
    }
    Client c(port);
    c.send(post("/invocation/req-1/response", "42"));
    return event + c.read_response();
  });
  EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::settled);
  EXPECT_EQ(handler.answered_body, "42");
  std::string seen = runtime.get();
  EXPECT_NE(seen.find("Connection: close\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("HTTP/1.1 202"), std::string::npos) << seen;
}

TEST(RuntimeApiServer, ExpectContinueGetsAnInterimReplyBeforeTheBody) {
  Served s;
  OneEventHandler handler;
  handler.event = sample_event();
  auto runtime = std::async(std::launch::async, [port = s.server->port()] {
    Client c(port);
    c.send(k_next);
    (void)c.read_response();
    c.send("POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\nContent-Length: 4\r\n"
           "Expect: 100-continue\r\n\r\n");
    std::string interim = c.read_response();
    c.send("body");
    return interim + c.read_response();
  });
  EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::settled);
  EXPECT_EQ(handler.answered_body, "body");
  std::string seen = runtime.get();
  EXPECT_EQ(seen.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted", 0), 0u) << seen;
}

TEST(RuntimeApiServer, MalformedRequestGets400AndCloseWhileOthersAreStillServed) {
  Served s;
  OneEventHandler handler;
  handler.event = sample_event();
  auto runtime = std::async(std::launch::async, [port = s.server->port()] {
    std::string bad;
    {
      Client junk(port);
      junk.send("NOT HTTP AT ALL\r\n\r\n");
      bad = junk.read_response();
      if (!junk.closed_by_server()) return std::string("malformed connection left open");
    }
    Client c(port);
    c.send("GET /2018-06-01/runtime/nope HTTP/1.1\r\n\r\n");
    std::string missing = c.read_response();
    c.send("DELETE /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\n");
    std::string wrong_method = c.read_response();
    c.send(post("/invocation/other-id/response", "{}"));
    std::string wrong_id = c.read_response();
    c.send(k_next);
    (void)c.read_response();
    c.send(post("/invocation/req-1/response", "{}"));
    (void)c.read_response();
    return bad + "|" + missing + "|" + wrong_method + "|" + wrong_id;
  });
  EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::settled);
  std::string seen = runtime.get();
  EXPECT_EQ(seen.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << seen;
  EXPECT_NE(seen.find("malformed HTTP request"), std::string::npos);
  EXPECT_NE(seen.find("|HTTP/1.1 404 Not Found"), std::string::npos) << seen;
  EXPECT_NE(seen.find("|HTTP/1.1 405 Method Not Allowed"), std::string::npos) << seen;
  EXPECT_NE(seen.find("|HTTP/1.1 400 Bad Request\r\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("InvalidRequestID"), std::string::npos) << seen;
}

// A client that leaves a GET /next held, sends garbage and then resets the connection must not leave
// serve() spinning on the dead socket (poll reports it at once, forever) until the deadline: the
// waiting thread sleeps, so its CPU time stays far below the wall time.
TEST(RuntimeApiServer, AResetConnectionWithAHeldNextDoesNotKeepServeBusy) {
  Served s;
  OneEventHandler handler;
  {
    Client c(s.server->port());
    ASSERT_TRUE(c.connected());
    c.send(k_next);
    c.send("NOT HTTP\r\n\r\n");
    handler.until = SteadyClock::now() + 50ms;
    EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::deadline);  // reads both, holds the next
    c.reset();
  }
  handler.until = SteadyClock::now() + 300ms;
  rusage before{}, after{};
  ::getrusage(RUSAGE_THREAD, &before);
  EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::deadline);
  ::getrusage(RUSAGE_THREAD, &after);
  auto cpu_us = [](const rusage& u) {
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000L + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
  };
  EXPECT_LT(cpu_us(after) - cpu_us(before), 150000) << "serve() busy-looped on a closed connection";
}

TEST(RuntimeApiServer, InitErrorSettles) {
  Served s;
  OneEventHandler handler;
  auto runtime = std::async(std::launch::async, [port = s.server->port()] {
    Client c(port);
    c.send(post("/init/error", R"({"errorType":"Runtime.ImportModuleError"})",
                "Lambda-Runtime-Function-Error-Type: Runtime.ImportModuleError\r\n"));
    return c.read_response();
  });
  EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::settled);
  EXPECT_TRUE(handler.init_error);
  EXPECT_EQ(handler.error_type, "Runtime.ImportModuleError");
  EXPECT_EQ(runtime.get().rfind("HTTP/1.1 202", 0), 0u);
}

TEST(RuntimeApiServer, WakeFdAndDeadlineEndServe) {
  Served s;
  OneEventHandler handler;
  handler.until = SteadyClock::now() + 30ms;
  auto start = SteadyClock::now();
  EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::deadline);
  EXPECT_GE(SteadyClock::now(), start + 30ms);

  handler.until = SteadyClock::now() + 60s;
  uint64_t one = 1;
  ASSERT_EQ(::write(s.wake, &one, sizeof one), static_cast<ssize_t>(sizeof one));
  EXPECT_EQ(s.server->serve(handler, s.wake), RuntimeApiServer::Stop::woken);
  uint64_t left = 0;
  EXPECT_LT(::read(s.wake, &left, sizeof left), 0) << "serve() resets the eventfd it was woken by";
}

}  // namespace
}  // namespace lcd::local::runtime
