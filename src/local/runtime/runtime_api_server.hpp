#pragma once
// The Lambda Runtime API (2018-06-01) served over loopback HTTP to ONE execution environment.
//
// Why one listener per environment rather than one per engine: the Runtime API carries no
// environment identity. GET /runtime/invocation/next has no id, and a `provided` bootstrap
// (curl in a shell loop) sends nothing we could key on. The only distinguishing fact is the
// client's TCP source port, and mapping it to a process means scanning /proc/net/tcp and every
// process's fd table per connection (curl opens one per request), racing short-lived clients.
// A path-prefixed AWS_LAMBDA_RUNTIME_API breaks clients that keep only host:port of it (the Rust
// lambda_runtime, aws-lambda-cpp). So each environment gets its own 127.0.0.1:<port>: faithful
// host:port for every client, identity by construction, at the cost of one port.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lcd::local::runtime {

// What GET /next hands out.
struct NextEvent {
  std::string request_id;
  int64_t deadline_ms = 0;  // Unix epoch milliseconds
  std::string invoked_arn;
  std::string trace_id;
  std::string client_context;  // JSON text, empty if none
  std::string payload;
};

struct ApiReply {
  int status = 202;
  std::string body = R"({"status":"OK"})";
};

// Implemented by the environment; called only from inside RuntimeApiServer::serve(), on its thread.
class RuntimeApiHandler {
 public:
  virtual ~RuntimeApiHandler() = default;
  // GET /next: the event to hand out now, or nullopt to hold the request until a later serve().
  virtual std::optional<NextEvent> next_event() = 0;
  virtual ApiReply post_response(const std::string& request_id, std::string body) = 0;
  virtual ApiReply post_error(const std::string& request_id, const std::string& error_type, std::string body) = 0;
  virtual ApiReply post_init_error(const std::string& error_type, std::string body) = 0;
  // serve() returns as soon as this is true, checked after every request it answers.
  virtual bool settled() = 0;
  // serve() returns by this time at the latest; asked again after every request it answers.
  virtual std::chrono::steady_clock::time_point deadline() = 0;
};

// No threads of its own: the thread running an invocation serves the runtime's requests itself,
// so an event reaches the runtime and its answer comes back with one wake-up each way (a server
// with worker threads adds a thread hand-off in both directions). Between invocations nobody
// reads the sockets; a runtime's next GET /next waits in the kernel until the next serve().
class RuntimeApiServer {
 public:
  // Binds 127.0.0.1 on a free port.
  static Result<std::unique_ptr<RuntimeApiServer>> bind();
  ~RuntimeApiServer();  // closes the listener and every connection
  RuntimeApiServer(const RuntimeApiServer&) = delete;
  RuntimeApiServer& operator=(const RuntimeApiServer&) = delete;

  int port() const { return m_port; }

  enum class Stop { settled, woken, deadline };
  // Accepts connections and answers requests until handler.settled(), `wake_fd` (an eventfd, read
  // to reset it) becomes readable, or handler.deadline() passes. One caller at a time.
  Stop serve(RuntimeApiHandler& handler, int wake_fd);

  struct Connection;

 private:
  RuntimeApiServer() = default;
  void accept_all();
  void read_available(Connection& c);
  void dispatch(Connection& c, RuntimeApiHandler& handler);

  int m_listen_fd = -1;
  int m_port = -1;
  std::vector<std::unique_ptr<Connection>> m_connections;
};

}  // namespace lcd::local::runtime
