// HttpServer::serve_connection_bytes: a connection's raw bytes through the server's own parsing,
// without a socket (what the fuzz target drives).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "local/http_server.hpp"

using namespace lcd::local;

namespace {

class Recorder : public HttpHandler {
 public:
  HttpResponse handle(const HttpRequest& request) override {
    seen.push_back(request);
    HttpResponse r;
    r.status = 200;
    r.body = "got " + request.body;
    return r;
  }
  std::vector<HttpRequest> seen;
};

TEST(HttpServerBytes, PipelinedRequestsWithChunkedAndLengthBodies) {
  Recorder handler;
  HttpServer server(HttpServerOptions{}, handler);
  std::string out = server.serve_connection_bytes(
      "POST /a?x=1&y=%2F HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
      "PUT /b HTTP/1.1\r\nHost: h\r\nX-Amz-Target: T.Op\r\nContent-Length: 2\r\n\r\nfg");
  ASSERT_EQ(handler.seen.size(), 2u) << out;
  EXPECT_EQ(handler.seen[0].method, "POST");
  EXPECT_EQ(handler.seen[0].body, "abcde");
  EXPECT_EQ(handler.seen[0].query_param("y"), "/");
  EXPECT_EQ(handler.seen[1].header("x-amz-target"), "T.Op");
  EXPECT_EQ(handler.seen[1].body, "fg");
  EXPECT_NE(out.find("got abcde"), std::string::npos) << out;
  EXPECT_NE(out.find("got fg"), std::string::npos) << out;
}

TEST(HttpServerBytes, GarbageIsAnsweredBadRequestWithoutReachingTheHandler) {
  Recorder handler;
  HttpServer server(HttpServerOptions{}, handler);
  std::string out = server.serve_connection_bytes("\x01\x02 not http\r\n\r\n");
  EXPECT_TRUE(handler.seen.empty());
  EXPECT_EQ(out.rfind("HTTP/1.1 400", 0), 0u) << out;
}

}  // namespace
