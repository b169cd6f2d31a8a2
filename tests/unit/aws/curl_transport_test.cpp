// The libcurl transport against a real HTTP server on loopback.

#include <gtest/gtest.h>

#include <fstream>

#include "aws/aws_client.hpp"
#include "aws/body_source.hpp"
#include "aws/transport.hpp"
#include "loopback_server.hpp"
#include "sigv4/authorization_parser.hpp"
#include "sigv4/canonical_request.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::aws {
namespace {

using test::LoopbackServer;
using test::ReceivedRequest;
using test::Reply;

TEST(CurlTransport, RoundTripWithHeadersAndBody) {
  LoopbackServer server([](const ReceivedRequest& r) {
    return Reply{201, {{"X-Reply", "yes"}, {"x-amzn-RequestId", "rid"}}, "echo:" + r.body};
  });
  auto transport = make_curl_transport();
  HttpRequest request{"POST", server.url() + "/a%20b?x=1", {{"Host", "127.0.0.1:" + std::to_string(server.port())},
                                                            {"Content-Type", "application/json"},
                                                            {"X-Custom", "v"}},
                      R"({"k":1})", nullptr};
  auto response = transport->send(request);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, R"(echo:{"k":1})");
  bool saw_reply_header = false;
  for (const auto& [k, v] : response->headers) saw_reply_header |= (k == "X-Reply" && v == "yes");
  EXPECT_TRUE(saw_reply_header);
  ASSERT_EQ(server.requests().size(), 1u);
  const ReceivedRequest received = server.requests()[0];
  EXPECT_EQ(received.method, "POST");
  EXPECT_EQ(received.target, "/a%20b?x=1");
  EXPECT_EQ(received.header("X-Custom"), "v");
  EXPECT_EQ(received.header("Content-Type"), "application/json");
  EXPECT_EQ(received.header("Expect"), "");
  EXPECT_EQ(received.header("Accept"), "");
}

TEST(CurlTransport, ReusesTheConnection) {
  LoopbackServer server([](const ReceivedRequest&) { return Reply{200, {}, "ok"}; });
  auto transport = make_curl_transport();
  for (const char* method : {"GET", "PUT", "DELETE", "GET", "HEAD"}) {
    auto response = transport->send(HttpRequest{method, server.url() + "/x", {}, "", nullptr});
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
  }
  EXPECT_EQ(server.requests().size(), 5u);
  EXPECT_EQ(server.connections(), 1);
}

TEST(CurlTransport, ConcurrentSendsShareThePool) {
  LoopbackServer server([](const ReceivedRequest& r) { return Reply{200, {}, r.target}; });
  auto transport = make_curl_transport();
  std::atomic<int> good{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        std::string path = "/t" + std::to_string(t) + "/" + std::to_string(i);
        auto response = transport->send(HttpRequest{"GET", server.url() + path, {}, "", nullptr});
        if (response && response->status == 200 && response->body == path) ++good;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(good, 40);
  EXPECT_LE(server.connections(), 4);  // pooled handles keep their connections
}

TEST(CurlTransport, StreamsALargeFileBody) {
  LoopbackServer server([](const ReceivedRequest& r) { return Reply{200, {}, hex_encode(sha256(r.body))}; });
  TempDir dir;
  const std::filesystem::path path = dir.path() / "big.zip";
  std::string data;
  data.reserve(8 << 20);
  for (int i = 0; data.size() < (8u << 20); ++i) data += std::to_string(i * 2654435761u);
  {
    std::ofstream out(path, std::ios::binary);
    out << data;
  }
  auto source = FileBodySource::open(path);
  ASSERT_TRUE(source) << source.error().message;
  auto transport = make_curl_transport();
  auto response = transport->send(HttpRequest{"PUT", server.url() + "/bkt/big.zip", {}, "", *source});
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->body, hex_encode(sha256(data)));
  EXPECT_EQ(server.requests()[0].header("Content-Length"), std::to_string(data.size()));
  auto hash = hash_body_source(**source);
  ASSERT_TRUE(hash);
  EXPECT_EQ(*hash, hex_encode(sha256(data)));
}

TEST(CurlTransport, ConnectionRefusedIsNetworkError) {
  int port;
  { LoopbackServer closed([](const ReceivedRequest&) { return Reply{}; }); port = closed.port(); }
  auto transport = make_curl_transport();
  auto response = transport->send(HttpRequest{"GET", "http://127.0.0.1:" + std::to_string(port) + "/x?X-Amz-Signature=abc",
                                              {}, "", nullptr});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::network);
  EXPECT_EQ(response.error().message.find("abc"), std::string::npos);
}

TEST(CurlTransport, TotalTimeout) {
  LoopbackServer server([](const ReceivedRequest&) { return Reply{200, {}, "", true}; });
  TransportOptions options;
  options.total_timeout = std::chrono::milliseconds(300);
  auto transport = make_curl_transport(options);
  auto response = transport->send(HttpRequest{"GET", server.url() + "/slow", {}, "", nullptr});
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::timeout);
}

TEST(CurlTransport, SignedRequestVerifiesOnTheServer) {
  const std::string secret = "server-side-secret";
  LoopbackServer server([&](const ReceivedRequest& r) {
    sigv4::SigningRequest incoming;
    incoming.method = r.method;
    size_t q = r.target.find('?');
    incoming.path = r.target.substr(0, q);
    if (q != std::string::npos) {
      for (const std::string& pair : split(r.target.substr(q + 1), '&')) {
        size_t eq = pair.find('=');
        incoming.query.emplace_back(*uri_decode(pair.substr(0, eq)), *uri_decode(pair.substr(eq + 1)));
      }
    }
    incoming.headers = r.headers;
    incoming.payload_hash = hex_encode(sha256(r.body));
    auto parsed = sigv4::parse_request_authorization(incoming);
    if (!parsed || !*parsed) return Reply{403, {{"x-amzn-ErrorType", "MissingAuthenticationTokenException"}}, "{}"};
    auto expected = sigv4::expected_signature(incoming, **parsed, secret,
                                              sigv4::canonical_options_for_service((*parsed)->service));
    if (!sigv4::signatures_equal(expected.signature, (*parsed)->signature))
      return Reply{403, {{"x-amzn-ErrorType", "InvalidSignatureException"}}, R"({"message":"signature mismatch"})"};
    return Reply{200, {}, "verified " + (*parsed)->service};
  });
  AwsConfig config;
  config.credentials = {"AKID", secret, ""};
  config.region = "eu-west-1";
  config.endpoint_url = server.url();
  AwsClient client(config, std::shared_ptr<Transport>(make_curl_transport()));
  ServiceRequest request;
  request.service = "lambda";
  request.method = "POST";
  request.path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A1%3Afunction%3Af/invocations";
  request.query = {{"Qualifier", "live alias"}};
  request.body = R"({"hello":"world"})";
  auto response = client.call(request);
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_EQ(response->body, "verified lambda");

  config.credentials.secret_access_key = "wrong";
  AwsClient wrong(config, std::shared_ptr<Transport>(make_curl_transport()));
  auto rejected = wrong.call(request);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().kind, ErrorKind::auth);
  EXPECT_EQ(rejected.error().code, "InvalidSignatureException");
}

}  // namespace
}  // namespace lcd::aws
