#include "local/runtime/runtime_api_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>

#include <nlohmann/json.hpp>

#include "local/runtime/runtime_api_request.hpp"
#include "util/strings.hpp"

namespace lcd::local::runtime {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view k_base = "/2018-06-01/runtime";
// Far above the 6 MB response limit so the environment, not the HTTP layer, judges size and the
// invoke gets Function.ResponseSizeTooLarge.
constexpr size_t k_read_limit = 32u * 1024 * 1024;
constexpr std::chrono::microseconds k_spin_before_sleep{250};

const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 202: return "Accepted";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    default: return status >= 500 ? "Internal Server Error" : "Error";
  }
}

// A header value must not end the header block early.
std::string header_safe(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

std::string error_body(std::string_view type, std::string_view message) {
  return nlohmann::json{{"errorMessage", message}, {"errorType", type}}.dump(-1, ' ', false,
                                                                            nlohmann::json::error_handler_t::replace);
}

}  // namespace

struct RuntimeApiServer::Connection {
  explicit Connection(int socket) : fd(socket), parser(k_read_limit) {}
  ~Connection() { ::close(fd); }

  int fd;
  RuntimeApiRequestParser parser;
  std::deque<RuntimeApiRequest> queued;  // answered in order; the front may be a held GET /next
  std::string out;
  size_t out_sent = 0;
  bool read_closed = false;         // end of stream, a read error or an unparsable request
  bool close_when_flushed = false;  // Connection: close, or after an error reply
  bool broken = false;              // a write failed: the peer is gone
  std::optional<Error> parse_error;  // what made the stream unreadable, answered once `queued` is done

  bool flushed() const { return out_sent >= out.size(); }

  void reply(int status, std::string_view body, const std::vector<std::pair<std::string, std::string>>& headers,
             bool close) {
    std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) +
                       "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    for (const auto& [name, value] : headers) head += name + ": " + header_safe(value) + "\r\n";
    if (close) head += "Connection: close\r\n";
    head += "\r\n";
    if (flushed()) {
      out.clear();
      out_sent = 0;
    }
    out += head;
    out.append(body);
    if (close) close_when_flushed = true;
  }

  void flush() {
    while (!broken && !flushed()) {
      ssize_t n = ::send(fd, out.data() + out_sent, out.size() - out_sent, MSG_NOSIGNAL);
      if (n > 0) {
        out_sent += static_cast<size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
      } else {
        broken = true;
      }
    }
    if (flushed()) {
      out.clear();
      out_sent = 0;
    }
  }

  bool finished() const {
    return broken || (flushed() && (close_when_flushed || (read_closed && !parse_error)));
  }
};

Result<std::unique_ptr<RuntimeApiServer>> RuntimeApiServer::bind() {
  std::unique_ptr<RuntimeApiServer> server(new RuntimeApiServer());
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(ErrorKind::io, "cannot create the Runtime API socket");
  server->m_listen_fd = fd;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return fail(ErrorKind::io, "cannot bind a loopback port for the Runtime API");
  }
  server->m_port = ntohs(addr.sin_port);
  return server;
}

RuntimeApiServer::~RuntimeApiServer() {
  m_connections.clear();
  if (m_listen_fd >= 0) ::close(m_listen_fd);
}

void RuntimeApiServer::accept_all() {
  for (;;) {
    int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR) continue;
      return;  // EAGAIN, or a connection that vanished before we took it
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_connections.push_back(std::make_unique<Connection>(fd));
  }
}

void RuntimeApiServer::read_available(Connection& c) {
  char buf[65536];
  while (!c.read_closed) {
    ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {
      c.read_closed = true;
      return;
    }
    std::vector<RuntimeApiRequest> complete;
    auto fed = c.parser.feed(std::string_view(buf, static_cast<size_t>(n)), complete);
    for (auto& request : complete) c.queued.push_back(std::move(request));
    if (!fed) {
      c.parse_error = fed.error();  // answered after the requests before it, then the connection closes
      c.read_closed = true;
      return;
    }
    if (c.queued.empty() && c.parser.take_continue_request()) {
      c.out += "HTTP/1.1 100 Continue\r\n\r\n";
      c.flush();
    }
  }
}

void RuntimeApiServer::dispatch(Connection& c, RuntimeApiHandler& handler) {
  while (!c.queued.empty() && !c.close_when_flushed && !c.broken) {
    RuntimeApiRequest& req = c.queued.front();
    const bool close = !req.keep_alive;
    std::string_view path = req.target;
    path = path.substr(0, path.find('?'));
    std::string_view rest = starts_with(path, k_base) ? path.substr(k_base.size()) : std::string_view();
    auto answer = [&](const ApiReply& r) { c.reply(r.status, r.body, {}, close); };

    if (rest == "/invocation/next") {
      if (req.method != "GET") {
        c.reply(405, error_body("InvalidRequest", "GET only"), {}, close);
      } else {
        auto event = handler.next_event();
        if (!event) return;  // held until an event is ready
        std::vector<std::pair<std::string, std::string>> headers = {
            {"Lambda-Runtime-Aws-Request-Id", event->request_id},
            {"Lambda-Runtime-Deadline-Ms", std::to_string(event->deadline_ms)},
            {"Lambda-Runtime-Invoked-Function-Arn", event->invoked_arn},
            {"Lambda-Runtime-Trace-Id", event->trace_id}};
        if (!event->client_context.empty()) headers.emplace_back("Lambda-Runtime-Client-Context", event->client_context);
        c.reply(200, event->payload, headers, close);
      }
    } else if (rest == "/init/error") {
      if (req.method != "POST") c.reply(405, error_body("InvalidRequest", "POST only"), {}, close);
      else answer(handler.post_init_error(req.header("lambda-runtime-function-error-type"), std::move(req.body)));
    } else if (starts_with(rest, "/invocation/") &&
               (ends_with(rest, "/response") || ends_with(rest, "/error"))) {
      std::string_view tail = rest.substr(std::string_view("/invocation/").size());
      const bool is_response = ends_with(tail, "/response");
      std::string id(tail.substr(0, tail.rfind('/')));
      if (req.method != "POST") {
        c.reply(405, error_body("InvalidRequest", "POST only"), {}, close);
      } else if (id.empty() || id.find('/') != std::string::npos) {
        c.reply(404, error_body("InvalidRequest", "no such resource"), {}, close);
      } else if (is_response) {
        answer(handler.post_response(id, std::move(req.body)));
      } else {
        answer(handler.post_error(id, req.header("lambda-runtime-function-error-type"), std::move(req.body)));
      }
    } else {
      c.reply(404, error_body("InvalidRequest", "no such resource"), {}, close);
    }
    c.queued.pop_front();
  }
  if (c.queued.empty() && c.parse_error && !c.close_when_flushed) {
    const int status = c.parse_error->http_status ? c.parse_error->http_status : 400;
    c.reply(status, error_body("InvalidRequest", c.parse_error->message), {}, true);
  }
}

RuntimeApiServer::Stop RuntimeApiServer::serve(RuntimeApiHandler& handler, int wake_fd) {
  std::vector<pollfd> fds;
  for (;;) {
    for (auto& c : m_connections) {
      dispatch(*c, handler);
      c->flush();
    }
    std::erase_if(m_connections, [](const auto& c) { return c->finished(); });
    if (handler.settled()) return Stop::settled;
    const auto now = SteadyClock::now();
    const auto deadline = handler.deadline();
    if (now >= deadline) return Stop::deadline;
    // Rounded up: waking before the deadline would only loop back into poll.
    auto wait_ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();

    fds.clear();
    fds.push_back({wake_fd, POLLIN, 0});
    fds.push_back({m_listen_fd, POLLIN, 0});
    for (auto& c : m_connections) {
      short events = c->read_closed ? 0 : POLLIN;
      if (!c->flushed()) events |= POLLOUT;
      fds.push_back({c->fd, events, 0});
    }
    // Briefly check without sleeping first: a warm handler usually answers within this window, and a
    // vCPU that never idles answers sooner than one woken from halt (p50 ~190 vs ~390 us on an idle
    // 2-core VM; docs/performance/local-invoke.md). sched_yield() hands the core to any runnable
    // thread, so under load the spin costs other work little.
    int n = 0;
    const auto spin_until = std::min(deadline, now + k_spin_before_sleep);
    while ((n = ::poll(fds.data(), fds.size(), 0)) == 0 && SteadyClock::now() < spin_until) sched_yield();
    if (n == 0) n = ::poll(fds.data(), fds.size(), static_cast<int>(std::min<int64_t>(wait_ms, INT_MAX)));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Stop::woken;  // poll itself failed: let the caller re-check its state
    }
    if (fds[0].revents) {
      uint64_t value = 0;
      (void)!::read(wake_fd, &value, sizeof value);
      return Stop::woken;
    }
    // Connections accepted now are polled from the next round; their fds are not in `fds` yet.
    const size_t polled = m_connections.size();
    for (size_t i = 0; i < polled; ++i) {
      const short revents = fds[i + 2].revents;
      Connection& c = *m_connections[i];
      if (revents & (POLLIN | POLLHUP | POLLERR)) read_available(c);
      if (revents & POLLOUT) c.flush();
      // Gone both ways with nothing left to read: what it still waits for can never be delivered, and
      // polling it again would return at once.
      if ((revents & (POLLHUP | POLLERR)) && c.read_closed) c.broken = true;
    }
    if (fds[1].revents) accept_all();
  }
}

}  // namespace lcd::local::runtime
