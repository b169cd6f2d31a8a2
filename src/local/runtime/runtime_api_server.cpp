#include "local/runtime/runtime_api_server.hpp"

#include <httplib.h>

#include <chrono>
#include <thread>

namespace lcd::local::runtime {
namespace {

constexpr const char* k_base = "/2018-06-01/runtime";
// Far above the 6 MB response limit so the environment, not the HTTP layer, judges size and the
// invoke gets Function.ResponseSizeTooLarge.
constexpr size_t k_read_limit = 32u * 1024 * 1024;
// A runtime keeps one connection while its handler runs (up to 900 s): never close it under it.
constexpr time_t k_keep_alive_s = 3600;
constexpr size_t k_worker_threads = 3;

void reply(httplib::Response& res, const ApiReply& r) {
  res.status = r.status;
  res.set_content(r.body, "application/json");
}

}  // namespace

class RuntimeApiServer::Impl {
 public:
  explicit Impl(RuntimeApiHandler& handler) : m_handler(handler) {}

  Result<void> start() {
    m_server.new_task_queue = [] { return new httplib::ThreadPool(k_worker_threads); };
    m_server.set_keep_alive_max_count(static_cast<size_t>(1) << 30);
    m_server.set_keep_alive_timeout(k_keep_alive_s);
    m_server.set_payload_max_length(k_read_limit);
    m_server.set_tcp_nodelay(true);

    m_server.Get(std::string(k_base) + "/invocation/next", [this](const httplib::Request&, httplib::Response& res) {
      auto event = m_handler.next_event();
      if (!event) {
        reply(res, {500, R"({"errorMessage":"execution environment is stopping","errorType":"Runtime.ContainerError"})"});
        return;
      }
      res.status = 200;
      res.set_header("Lambda-Runtime-Aws-Request-Id", event->request_id);
      res.set_header("Lambda-Runtime-Deadline-Ms", std::to_string(event->deadline_ms));
      res.set_header("Lambda-Runtime-Invoked-Function-Arn", event->invoked_arn);
      res.set_header("Lambda-Runtime-Trace-Id", event->trace_id);
      if (!event->client_context.empty()) res.set_header("Lambda-Runtime-Client-Context", event->client_context);
      res.set_content(std::move(event->payload), "application/json");
    });
    m_server.Post(std::string(k_base) + R"(/invocation/([^/]+)/response)",
                  [this](const httplib::Request& req, httplib::Response& res) {
                    reply(res, m_handler.post_response(req.matches[1], req.body));
                  });
    m_server.Post(std::string(k_base) + R"(/invocation/([^/]+)/error)",
                  [this](const httplib::Request& req, httplib::Response& res) {
                    reply(res, m_handler.post_error(req.matches[1],
                                                    req.get_header_value("Lambda-Runtime-Function-Error-Type"), req.body));
                  });
    m_server.Post(std::string(k_base) + "/init/error", [this](const httplib::Request& req, httplib::Response& res) {
      reply(res, m_handler.post_init_error(req.get_header_value("Lambda-Runtime-Function-Error-Type"), req.body));
    });

    m_port = m_server.bind_to_any_port("127.0.0.1");
    if (m_port <= 0) return fail(ErrorKind::io, "cannot bind a loopback port for the Runtime API");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    return {};
  }

  ~Impl() {
    // stop() is a no-op until the accept loop runs; wait for it so the join below cannot hang.
    for (int i = 0; i < 2000 && !m_server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    m_server.stop();
    if (m_thread.joinable()) m_thread.join();
  }

  int port() const { return m_port; }

 private:
  RuntimeApiHandler& m_handler;
  httplib::Server m_server;
  std::thread m_thread;
  int m_port = -1;
};

RuntimeApiServer::RuntimeApiServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RuntimeApiServer::~RuntimeApiServer() = default;

Result<std::unique_ptr<RuntimeApiServer>> RuntimeApiServer::start(RuntimeApiHandler& handler) {
  auto impl = std::make_unique<Impl>(handler);
  if (auto started = impl->start(); !started) return fail(started.error());
  return std::unique_ptr<RuntimeApiServer>(new RuntimeApiServer(std::move(impl)));
}

int RuntimeApiServer::port() const { return m_impl->port(); }

}  // namespace lcd::local::runtime
