#include "local/http_server.hpp"

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <exception>
#include <filesystem>

#include "util/encoding.hpp"

namespace lcd::local {
namespace {

// The socket of the connection a request came in on, found by its address pair. httplib does not
// expose it; only fault injection (connection resets) needs it.
int find_connection_socket(const HttpRequest& request) {
  for (int fd = 3; fd < 65536; ++fd) {
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    sockaddr_storage local{};
    socklen_t local_len = sizeof(local);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
    int peer_port = -1;
    int local_port = -1;
    char addr[INET6_ADDRSTRLEN] = {0};
    if (peer.ss_family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(&peer);
      peer_port = ntohs(in->sin_port);
      inet_ntop(AF_INET, &in->sin_addr, addr, sizeof(addr));
      local_port = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    } else if (peer.ss_family == AF_INET6) {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(&peer);
      peer_port = ntohs(in6->sin6_port);
      inet_ntop(AF_INET6, &in6->sin6_addr, addr, sizeof(addr));
      local_port = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
    } else {
      continue;
    }
    if (peer_port == request.remote_port && local_port == request.local_port && request.remote_addr == addr) {
      return fd;
    }
  }
  return -1;
}

int local_port_of(int fd) {
  sockaddr_storage local{};
  socklen_t len = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) return -1;
  if (local.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
  if (local.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
  return -1;
}

// Wakes every worker blocked on an idle keep-alive connection of ours, so shutdown does not wait
// for clients to hang up: shuts down each connected socket whose local port is the server's.
void shutdown_connections(int port) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    try {
      fd = std::stoi(entry.path().filename().string());
    } catch (const std::exception&) {
      continue;
    }
    if (fd < 3 || local_port_of(fd) != port) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    shutdown(fd, SHUT_RDWR);
  }
}

void reset_connection(const HttpRequest& request) {
  int fd = find_connection_socket(request);
  if (fd < 0) return;
  linger lin{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
  // Stop reading so the library's close() discards everything and sends RST.
  shutdown(fd, SHUT_RD);
}

// httplib's per-connection request loop is protected; serve_connection_bytes() reaches it.
class ConnectionServer : public httplib::Server {
 public:
  using httplib::Server::process_request;
};

// One connection's bytes in memory: reads consume `input`, writes append to `output`.
class MemoryStream : public httplib::Stream {
 public:
  explicit MemoryStream(std::string_view input) : m_input(input) {}
  bool is_readable() const override { return !m_input.empty(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size_t n = std::min(size, m_input.size());
    std::copy_n(m_input.data(), n, ptr);
    m_input.remove_prefix(n);
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    m_output.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 4566;
  }
  socket_t socket() const override { return INVALID_SOCKET; }
  bool exhausted() const { return m_input.empty(); }
  std::string take_output() { return std::move(m_output); }

 private:
  std::string_view m_input;
  std::string m_output;
};

HttpRequest to_request(const httplib::Request& req) {
  HttpRequest out;
  out.method = req.method;
  const std::string& target = req.target;
  auto q = target.find('?');
  out.raw_path = q == std::string::npos ? target : target.substr(0, q);
  out.raw_query = q == std::string::npos ? std::string() : target.substr(q + 1);
  auto decoded = uri_decode(out.raw_path);
  out.path = decoded ? *decoded : out.raw_path;
  out.query = parse_query_string(out.raw_query);
  for (const auto& [key, value] : req.headers) {
    // httplib adds these pseudo headers itself; they were not sent.
    if (key == "REMOTE_ADDR" || key == "REMOTE_PORT" || key == "LOCAL_ADDR" || key == "LOCAL_PORT") continue;
    out.headers.emplace_back(key, value);
  }
  out.body = req.body;
  out.remote_addr = req.remote_addr;
  out.remote_port = req.remote_port;
  out.local_port = req.local_port;
  return out;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpHandler& handler) : m_options(std::move(options)), m_handler(handler) {
    size_t threads = m_options.worker_threads;
    m_server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    m_server.set_tcp_nodelay(true);
    m_server.set_keep_alive_max_count(100000);
    m_server.set_keep_alive_timeout(m_options.keep_alive_timeout_s);
    m_server.set_payload_max_length(m_options.max_body_bytes);
    m_server.set_read_timeout(60, 0);
    m_server.set_write_timeout(60, 0);
    auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
      // cpp-httplib would re-apply the request's Range to the handler's body; services that honour
      // Range (S3 GetObject) already sliced it, so the server must not slice again.
      const_cast<httplib::Request&>(req).ranges.clear();
      serve_one(req, res);
    };
    for (const char* pattern : {".*"}) {
      m_server.Get(pattern, dispatch);
      m_server.Post(pattern, dispatch);
      m_server.Put(pattern, dispatch);
      m_server.Delete(pattern, dispatch);
      m_server.Patch(pattern, dispatch);
      m_server.Options(pattern, dispatch);
    }
    m_server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      res.status = 500;
      res.set_header("x-amzn-ErrorType", "ServiceException");
      res.set_content(R"({"Type":"Service","Message":"internal error"})", "application/json");
    });
  }

  void serve_one(const httplib::Request& req, httplib::Response& res) {
    HttpRequest request = to_request(req);
    HttpResponse response;
    try {
      response = m_handler.handle(request);
    } catch (const std::exception&) {
      response.status = 500;
      response.set_header("x-amzn-ErrorType", "ServiceException");
      response.body = R"({"Type":"Service","Message":"internal error"})";
    }
    if (response.reset_connection) {
      reset_connection(request);
      res.status = 500;
      // A provider that fails makes the library abandon the response and close the socket.
      res.set_content_provider(
          1, "application/octet-stream", [](size_t, size_t, httplib::DataSink&) { return false; });
      return;
    }
    res.status = response.status;
    for (auto& [key, value] : response.headers) res.set_header(key, value);
    if (!response.body.empty() || response.status != 204) {
      res.set_content(std::move(response.body), response.content_type);
    }
  }

  HttpServerOptions m_options;
  int m_bound_port = -1;
  HttpHandler& m_handler;
  ConnectionServer m_server;
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler& handler)
    : m_impl(std::make_unique<Impl>(std::move(options), handler)) {}

HttpServer::~HttpServer() = default;

Result<uint16_t> HttpServer::bind() {
  int port = 0;
  if (m_impl->m_options.port == 0) {
    port = m_impl->m_server.bind_to_any_port(m_impl->m_options.host);
  } else if (m_impl->m_server.bind_to_port(m_impl->m_options.host, m_impl->m_options.port)) {
    port = m_impl->m_options.port;
  }
  if (port <= 0) {
    return fail(ErrorKind::io, "cannot listen on " + m_impl->m_options.host + ":" +
                                   std::to_string(m_impl->m_options.port));
  }
  m_impl->m_bound_port = port;
  return static_cast<uint16_t>(port);
}

void HttpServer::serve() { m_impl->m_server.listen_after_bind(); }

std::string HttpServer::serve_connection_bytes(std::string_view bytes) {
  MemoryStream stream(bytes);
  bool closed = false;
  while (!closed && !stream.exhausted()) {
    if (!m_impl->m_server.process_request(stream, false, closed, nullptr)) break;
  }
  return stream.take_output();
}

void HttpServer::stop() {
  m_impl->m_server.stop();
  if (m_impl->m_bound_port > 0) shutdown_connections(m_impl->m_bound_port);
}

}  // namespace lcd::local
