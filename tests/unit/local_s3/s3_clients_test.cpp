// The S3 service alone on a real loopback HTTP server, driven by real clients (boto3 and AWS CLI v2)
// through tests/compat/s3_clients_test.py. The same script runs against the full endpoint as a
// compatibility test.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "local/s3/s3_service.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/subprocess.hpp"

namespace lcd::local::s3 {
namespace {

// A bare loopback server for the S3 service alone. cpp-httplib re-applies a request's Range header
// to whatever body the handler returns; S3 answers ranges itself, so the parsed ranges are
// dropped before the response is written. (The endpoint's HttpServer needs the same; see the
// report to the lead.)
class S3TestServer {
 public:
  explicit S3TestServer(HttpHandler& handler) : m_handler(handler) {
    auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
      const_cast<httplib::Request&>(req).ranges.clear();
      HttpRequest request;
      request.method = req.method;
      auto q = req.target.find('?');
      request.raw_path = q == std::string::npos ? req.target : req.target.substr(0, q);
      request.raw_query = q == std::string::npos ? std::string() : req.target.substr(q + 1);
      auto decoded = uri_decode(request.raw_path);
      request.path = decoded ? *decoded : request.raw_path;
      request.query = parse_query_string(request.raw_query);
      for (const auto& [k, v] : req.headers) {
        if (k != "REMOTE_ADDR" && k != "REMOTE_PORT" && k != "LOCAL_ADDR" && k != "LOCAL_PORT") {
          request.headers.emplace_back(k, v);
        }
      }
      request.body = req.body;
      HttpResponse response = m_handler.handle(request);
      res.status = response.status;
      for (auto& [k, v] : response.headers) res.set_header(k, v);
      if (!response.body.empty() || response.status != 204) res.set_content(response.body, response.content_type);
    };
    m_server.Get(".*", dispatch);
    m_server.Put(".*", dispatch);
    m_server.Post(".*", dispatch);
    m_server.Delete(".*", dispatch);
    m_server.set_payload_max_length(256u * 1024 * 1024);
  }
  int bind() { return m_server.bind_to_any_port("127.0.0.1"); }
  void serve() { m_server.listen_after_bind(); }
  void stop() { m_server.stop(); }

 private:
  HttpHandler& m_handler;
  httplib::Server m_server;
};

TEST(S3Clients, Boto3AndAwsCliAgainstTheService) {
  if (!find_executable("/usr/bin/aws") || !find_executable("/usr/bin/python3")) GTEST_SKIP() << "no AWS CLI / python3";
  TempDir state("lcd-s3-clients");
  auto service = S3Service::open({state.path(), "us-east-1", "000000000000"});
  ASSERT_TRUE(service) << service.error().message;
  S3TestServer server(**service);
  int port = server.bind();
  ASSERT_GT(port, 0);
  std::thread serving([&] { server.serve(); });
  ProcessSpec spec;
  spec.argv = {"/usr/bin/python3", std::string(LCD_SOURCE_DIR) + "/tests/compat/s3_clients_test.py"};
  spec.env_set = {{"LCD_S3_ENDPOINT", "http://127.0.0.1:" + std::to_string(port)},
                  {"PATH", "/usr/bin:/bin"},
                  {"PYTHONDONTWRITEBYTECODE", "1"}};
  spec.timeout = std::chrono::minutes(5);
  auto result = run_process(spec);
  server.stop();
  serving.join();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(result->ok()) << result->output;
  EXPECT_NE(result->output.find(" 0 failed"), std::string::npos) << result->output;
  // Every part blob was released after the multipart uploads completed or aborted; only the
  // objects still stored remain.
  size_t blobs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(state.path() / "blobs")) {
    (void)entry;
    ++blobs;
  }
  EXPECT_LE(blobs, 12u);
}

}  // namespace
}  // namespace lcd::local::s3
