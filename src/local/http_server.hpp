#pragma once
// HTTP/1.1 server over cpp-httplib: keep-alive, a worker pool sized for concurrent long polls,
// every request handed to one HttpHandler. Malformed requests are answered by the library or the
// handler; nothing a client sends can throw out of the server.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "local/protocol/http_types.hpp"
#include "util/result.hpp"

namespace lcd::local {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                          // 0: the kernel picks a free port
  size_t worker_threads = 128;                // each open keep-alive connection holds one while active
  size_t max_body_bytes = 128u * 1024 * 1024; // beyond this the library answers 413 itself
  int keep_alive_timeout_s = 60;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler& handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the socket; returns the bound port.
  Result<uint16_t> bind();
  // Serves until stop(); call after bind(). Blocks.
  void serve();
  // Thread-safe; makes serve() return.
  void stop();

  // Runs the bytes one connection sent (requests, pipelined, with Content-Length or chunked bodies)
  // through the same request parsing and handler as serve(), without a socket; returns what the
  // server wrote back. For fuzzing and tests: no bind() needed.
  std::string serve_connection_bytes(std::string_view bytes);

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace lcd::local
