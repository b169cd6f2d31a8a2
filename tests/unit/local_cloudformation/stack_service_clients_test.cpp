// CloudFormation + Lambda + S3 in-process on a real loopback HTTP server, driven by AWS CLI v2 and
// boto3 through tests/compat/cloudformation_cli_test.py. Requests are routed by the SigV4
// credential scope's service, as the endpoint's router does.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "local/blob_store.hpp"
#include "local/cloudformation/provisioners.hpp"
#include "local/cloudformation/stack_service.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_store.hpp"
#include "local/s3/s3_service.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/subprocess.hpp"

namespace lcd::local::cloudformation {
namespace {

class Router : public HttpHandler {
 public:
  Router(LambdaApi& lambda, s3::S3Service& s3, StackService& cfn) : m_lambda(lambda), m_s3(s3), m_cfn(cfn) {}
  HttpResponse handle(const HttpRequest& request) override {
    std::string auth = request.header("authorization");
    if (auth.find("/cloudformation/") != std::string::npos) return m_cfn.handle(request);
    bool unsigned_lambda = auth.empty() && LambdaApi::owns_path(request.raw_path);
    if (auth.find("/lambda/") != std::string::npos || unsigned_lambda) {
      RequestContext context;
      context.request_id = random_uuid();
      context.host = request.header("host");
      return m_lambda.handle(request, context);
    }
    return m_s3.handle(request);
  }

 private:
  LambdaApi& m_lambda;
  s3::S3Service& m_s3;
  StackService& m_cfn;
};

class TestServer {
 public:
  explicit TestServer(HttpHandler& handler) : m_handler(handler) {
    auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
      const_cast<httplib::Request&>(req).ranges.clear();  // the services answer ranges themselves
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
      request.remote_addr = req.remote_addr;
      HttpResponse response = m_handler.handle(request);
      res.status = response.status;
      for (auto& [k, v] : response.headers) res.set_header(k, v);
      if (!response.body.empty() || response.status != 204) res.set_content(response.body, response.content_type);
    };
    m_server.Get(".*", dispatch);
    m_server.Put(".*", dispatch);
    m_server.Post(".*", dispatch);
    m_server.Delete(".*", dispatch);
  }
  int bind() { return m_server.bind_to_any_port("127.0.0.1"); }
  void serve() { m_server.listen_after_bind(); }
  void stop() { m_server.stop(); }

 private:
  HttpHandler& m_handler;
  httplib::Server m_server;
};

TEST(StackServiceClients, AwsCliAndBoto3) {
  if (!find_executable("/usr/bin/aws") || !find_executable("/usr/bin/python3")) GTEST_SKIP() << "no AWS CLI / python3";
  TempDir state("lcd-cfn-clients");
  auto store = LambdaStore::open(state.path());
  ASSERT_TRUE(store) << store.error().message;
  BlobStore blobs(state.path() / "blobs");
  LambdaApiOptions lambda_options;
  lambda_options.state_dir = state.path();
  LambdaApi lambda(lambda_options, **store, blobs, system_clock(), nullptr, nullptr);
  auto s3 = s3::S3Service::open({state.path(), "us-east-1", "000000000000", &blobs});
  ASSERT_TRUE(s3) << s3.error().message;
  LambdaApiProvisioner provisioner(lambda, "us-east-1");
  auto cfn = StackService::open({state.path(), "us-east-1", "000000000000"}, &provisioner, s3->get());
  ASSERT_TRUE(cfn) << cfn.error().message;
  Router router(lambda, **s3, **cfn);
  TestServer server(router);
  int port = server.bind();
  ASSERT_GT(port, 0);
  std::thread serving([&] { server.serve(); });
  ProcessSpec spec;
  spec.argv = {"/usr/bin/python3", std::string(LCD_SOURCE_DIR) + "/tests/compat/cloudformation_cli_test.py"};
  spec.env_set = {{"LCD_CFN_ENDPOINT", "http://127.0.0.1:" + std::to_string(port)},
                  {"PATH", "/usr/bin:/bin"},
                  {"PYTHONDONTWRITEBYTECODE", "1"}};
  spec.timeout = std::chrono::minutes(8);
  auto result = run_process(spec);
  server.stop();
  serving.join();
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_TRUE(result->ok()) << result->output;
  EXPECT_NE(result->output.find(" 0 failed"), std::string::npos) << result->output;
}

}  // namespace
}  // namespace lcd::local::cloudformation
