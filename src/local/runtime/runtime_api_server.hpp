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
// host:port for every client, identity by construction, at the cost of one port and a few threads.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

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

// Implemented by the environment. Called on the server's worker threads.
class RuntimeApiHandler {
 public:
  virtual ~RuntimeApiHandler() = default;
  // Blocks until an event is ready; nullopt when the environment is stopping (answered 500).
  virtual std::optional<NextEvent> next_event() = 0;
  virtual ApiReply post_response(const std::string& request_id, std::string body) = 0;
  virtual ApiReply post_error(const std::string& request_id, const std::string& error_type, std::string body) = 0;
  virtual ApiReply post_init_error(const std::string& error_type, std::string body) = 0;
};

class RuntimeApiServer {
 public:
  // Binds 127.0.0.1 on a free port and starts serving. `handler` must outlive the server.
  static Result<std::unique_ptr<RuntimeApiServer>> start(RuntimeApiHandler& handler);
  ~RuntimeApiServer();  // stops listening and joins every thread; next_event() must return by then
  RuntimeApiServer(const RuntimeApiServer&) = delete;
  RuntimeApiServer& operator=(const RuntimeApiServer&) = delete;

  int port() const;

  class Impl;

 private:
  explicit RuntimeApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace lcd::local::runtime
