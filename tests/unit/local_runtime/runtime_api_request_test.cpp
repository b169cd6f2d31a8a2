#include "local/runtime/runtime_api_request.hpp"

#include <gtest/gtest.h>

namespace lcd::local::runtime {
namespace {

std::vector<RuntimeApiRequest> parse_all(RuntimeApiRequestParser& parser, std::string_view bytes) {
  std::vector<RuntimeApiRequest> out;
  auto fed = parser.feed(bytes, out);
  EXPECT_TRUE(fed) << (fed ? "" : fed.error().message);
  return out;
}

TEST(RuntimeApiRequestParser, GetWithoutBody) {
  RuntimeApiRequestParser parser(1024);
  auto out = parse_all(parser, "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].method, "GET");
  EXPECT_EQ(out[0].target, "/2018-06-01/runtime/invocation/next");
  EXPECT_EQ(out[0].header("host"), "x");
  EXPECT_TRUE(out[0].keep_alive);
  EXPECT_TRUE(out[0].body.empty());
}

TEST(RuntimeApiRequestParser, ContentLengthBodySplitAcrossFeedsAtEveryByte) {
  const std::string request =
      "POST /2018-06-01/runtime/invocation/abc/response HTTP/1.1\r\nContent-Length: 11\r\n"
      "Lambda-Runtime-Function-Error-Type: Some.Type\r\n\r\nhello world";
  RuntimeApiRequestParser parser(1024);
  std::vector<RuntimeApiRequest> out;
  for (char c : request) ASSERT_TRUE(parser.feed(std::string_view(&c, 1), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body, "hello world");
  EXPECT_EQ(out[0].header("lambda-runtime-function-error-type"), "Some.Type");
}

TEST(RuntimeApiRequestParser, ChunkedBodyIsReassembled) {
  RuntimeApiRequestParser parser(1024);
  auto out = parse_all(parser,
                       "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body, "hello world");
}

TEST(RuntimeApiRequestParser, PipelinedRequestsComeOutInOrder) {
  RuntimeApiRequestParser parser(1024);
  auto out = parse_all(parser,
                       "POST /a HTTP/1.1\r\nContent-Length: 1\r\n\r\nAGET /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].target, "/a");
  EXPECT_EQ(out[0].body, "A");
  EXPECT_EQ(out[1].target, "/b");
  EXPECT_EQ(out[2].target, "/c");
}

TEST(RuntimeApiRequestParser, ConnectionCloseAndHttp10AreNotKeptAlive) {
  RuntimeApiRequestParser a(1024), b(1024);
  auto closing = parse_all(a, "GET /x HTTP/1.1\r\nConnection: close\r\n\r\n");
  auto old = parse_all(b, "GET /x HTTP/1.0\r\n\r\n");
  ASSERT_EQ(closing.size(), 1u);
  ASSERT_EQ(old.size(), 1u);
  EXPECT_FALSE(closing[0].keep_alive);
  EXPECT_FALSE(old[0].keep_alive);
}

TEST(RuntimeApiRequestParser, ExpectContinueIsReportedOnceBeforeTheBody) {
  RuntimeApiRequestParser parser(1024);
  std::vector<RuntimeApiRequest> out;
  ASSERT_TRUE(parser.feed("POST /x HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n", out));
  EXPECT_TRUE(parser.take_continue_request());
  EXPECT_FALSE(parser.take_continue_request());
  ASSERT_TRUE(parser.feed("abc", out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body, "abc");
}

TEST(RuntimeApiRequestParser, ExpectContinueWithBodyAlreadySentNeedsNoInterimReply) {
  RuntimeApiRequestParser parser(1024);
  std::vector<RuntimeApiRequest> out;
  ASSERT_TRUE(parser.feed("POST /x HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\nabc", out));
  EXPECT_FALSE(parser.take_continue_request());
  EXPECT_EQ(out.size(), 1u);
}

TEST(RuntimeApiRequestParser, BodyOverTheLimitIs413ByLengthOrByChunks) {
  RuntimeApiRequestParser by_length(10), by_chunks(10);
  std::vector<RuntimeApiRequest> out;
  auto declared = by_length.feed("POST /x HTTP/1.1\r\nContent-Length: 11\r\n\r\n", out);
  ASSERT_FALSE(declared);
  EXPECT_EQ(declared.error().http_status, 413);
  auto chunked = by_chunks.feed("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n", out);
  ASSERT_FALSE(chunked);
  EXPECT_EQ(chunked.error().http_status, 413);
  EXPECT_TRUE(out.empty());
}

TEST(RuntimeApiRequestParser, GarbageIs400AndTheParserStaysFailed) {
  RuntimeApiRequestParser parser(1024);
  std::vector<RuntimeApiRequest> out;
  auto bad = parser.feed("HELLO THERE\r\n\r\n", out);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().http_status, 400);
  EXPECT_NE(bad.error().message.find("malformed HTTP request"), std::string::npos);
  EXPECT_FALSE(parser.feed("GET / HTTP/1.1\r\n\r\n", out));
  EXPECT_TRUE(out.empty());
}

TEST(RuntimeApiRequestParser, RepeatedHeadersAreJoined) {
  RuntimeApiRequestParser parser(1024);
  auto out = parse_all(parser, "GET /x HTTP/1.1\r\nX-A: 1\r\nx-a: 2\r\n\r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].header("x-a"), "1, 2");
}

}  // namespace
}  // namespace lcd::local::runtime
