// The whole client stack (LambdaClient over AwsClient over libcurl) against a server on loopback that
// misbehaves: truncated bodies, a Content-Length that lies, garbage where HTTP should be, a stall in
// the middle of a body, a proxy's HTML error page. Each ends in an error that names the operation and
// what went wrong, within the configured timeout, and the next call on a good answer still works.

#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "aws/aws_client.hpp"
#include "aws/loopback_server.hpp"
#include "clients/lambda_client.hpp"

namespace lcd::clients {
namespace {

using aws::test::LoopbackServer;
using aws::test::ReceivedRequest;
using aws::test::Reply;

const std::string k_good = R"({"FunctionName":"f","FunctionArn":"arn:aws:lambda:eu-west-1:123456789012:function:f",)"
                           R"("CodeSha256":"abc","State":"Active","LastUpdateStatus":"Successful"})";

std::string http_200(const std::string& body, size_t claimed_length) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(claimed_length) +
         "\r\n\r\n" + body;
}

// Answers the first request with `bad`, every later one with a good GetFunctionConfiguration.
struct BadThenGood {
  explicit BadThenGood(Reply bad)
      : server([this, bad](const ReceivedRequest&) { return calls++ == 0 ? bad : Reply{200, {}, k_good}; }) {}
  std::atomic<int> calls{0};
  LoopbackServer server;
};

std::unique_ptr<aws::AwsClient> client_for(const std::string& url, std::chrono::milliseconds total_timeout) {
  aws::AwsConfig config;
  config.credentials = {"AKIDTEST", "secret", ""};
  config.region = "eu-west-1";
  config.endpoint_url = url;
  aws::AwsClientOptions options;
  options.retry.max_attempts = 1;  // each bad answer is seen as it is, not retried away
  aws::TransportOptions transport;
  transport.total_timeout = total_timeout;
  return std::make_unique<aws::AwsClient>(std::move(config), aws::make_curl_transport(transport), options);
}

struct Outcome {
  Error error;
  bool next_call_ok = false;
};

Outcome first_call_fails(Reply bad, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
  BadThenGood server(std::move(bad));
  auto caller = client_for(server.server.url(), timeout);
  LambdaClient lambda(*caller);
  auto first = lambda.get_function_configuration("f");
  EXPECT_FALSE(first) << "a bad answer was taken for a good one";
  Outcome out;
  if (!first) out.error = first.error();
  auto second = lambda.get_function_configuration("f");
  out.next_call_ok = second && second->function_name == "f";
  return out;
}

TEST(BadServer, TruncatedBodyIsANetworkErrorNamingTheShortfall) {
  auto o = first_call_fails(Reply{.raw = http_200(k_good.substr(0, 20), k_good.size())});
  EXPECT_EQ(o.error.kind, ErrorKind::network) << o.error.describe();
  EXPECT_NE(o.error.message.find("GetFunctionConfiguration"), std::string::npos) << o.error.message;
  EXPECT_NE(o.error.message.find("bytes remaining"), std::string::npos) << o.error.message;
  EXPECT_TRUE(o.next_call_ok);
}

TEST(BadServer, ContentLengthShorterThanTheBodyGivesAMalformedResponse) {
  auto o = first_call_fails(Reply{.raw = http_200(k_good, 12)});
  EXPECT_EQ(o.error.kind, ErrorKind::server) << o.error.describe();
  EXPECT_NE(o.error.message.find("malformed FunctionConfiguration response"), std::string::npos) << o.error.message;
  EXPECT_TRUE(o.next_call_ok);
}

TEST(BadServer, GarbageInsteadOfHttpIsANetworkError) {
  auto o = first_call_fails(Reply{.raw = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n\x01\x02\x03 garbage \xff\xfe\r\n\r\n"});
  EXPECT_EQ(o.error.kind, ErrorKind::network) << o.error.describe();
  EXPECT_NE(o.error.message.find("GetFunctionConfiguration"), std::string::npos) << o.error.message;
  EXPECT_TRUE(o.next_call_ok);
}

TEST(BadServer, A200WithAGarbageBodyIsAMalformedResponse) {
  auto o = first_call_fails(Reply{200, {}, "\x89PNG\r\n\x1a\n not json at all"});
  EXPECT_EQ(o.error.kind, ErrorKind::server);
  EXPECT_EQ(o.error.message, "malformed FunctionConfiguration response: not a JSON object");
  EXPECT_TRUE(o.next_call_ok);
}

TEST(BadServer, AProxysHtmlErrorPageIsAServerErrorWithItsStatus) {
  auto o = first_call_fails(Reply{502, {{"Content-Type", "text/html"}}, "<html><body><h1>502 Bad Gateway</h1></body></html>"});
  EXPECT_EQ(o.error.kind, ErrorKind::server) << o.error.describe();
  EXPECT_EQ(o.error.http_status, 502);
  EXPECT_TRUE(aws::is_retryable(o.error));
  EXPECT_TRUE(o.next_call_ok);
}

TEST(BadServer, AStallMidBodyEndsAtTheTimeout) {
  auto o = first_call_fails(Reply{.hang = true, .raw = http_200(k_good.substr(0, 30), k_good.size())},
                            std::chrono::milliseconds(400));
  EXPECT_EQ(o.error.kind, ErrorKind::timeout) << o.error.describe();
  EXPECT_NE(o.error.message.find("GetFunctionConfiguration"), std::string::npos) << o.error.message;
  EXPECT_TRUE(o.next_call_ok);
}

TEST(BadServer, HeadersThatNeverEndEndAtTheTimeout) {
  auto o = first_call_fails(Reply{.hang = true, .raw = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"},
                            std::chrono::milliseconds(400));
  EXPECT_EQ(o.error.kind, ErrorKind::timeout) << o.error.describe();
  EXPECT_TRUE(o.next_call_ok);
}

}  // namespace
}  // namespace lcd::clients
