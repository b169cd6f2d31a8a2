#include "local/protocol/error_response.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lcd::local {
namespace {

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

TEST(ErrorResponse, RestJsonUsesTheModeledMessageMemberAndReason) {
  // aws-api-notes §1.1: ResourceNotFoundException models "Message", ResourceConflictException "message".
  auto missing = rest_json_error(make_api_error(404, "ResourceNotFoundException", "Function not found: x"), "R1");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(header(missing, "x-amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(header(missing, "x-amzn-RequestId"), "R1");
  auto body = nlohmann::json::parse(missing.body);
  EXPECT_EQ(body["Message"], "Function not found: x");
  EXPECT_EQ(body["Type"], "User");

  ApiError throttled = make_api_error(429, "TooManyRequestsException", "Rate exceeded");
  throttled.reason = "ReservedFunctionConcurrentInvocationLimitExceeded";
  throttled.retry_after_s = 2;
  auto t = rest_json_error(throttled, "R2");
  auto tb = nlohmann::json::parse(t.body);
  EXPECT_EQ(tb["message"], "Rate exceeded");
  EXPECT_EQ(tb["Reason"], "ReservedFunctionConcurrentInvocationLimitExceeded");
  EXPECT_EQ(header(t, "Retry-After"), "2");
  EXPECT_EQ(nlohmann::json::parse(rest_json_error(make_api_error(500, "ServiceException", "x"), "R").body)["Type"],
            "Service");
}

TEST(ErrorResponse, RestXmlCarriesExtrasAndHeadHasNoBody) {
  // aws-api-notes §9: <Error><Code/><Message/><BucketName/>…<RequestId/><HostId/></Error>.
  ApiError e = make_api_error(404, "NoSuchKey", "The specified key does not exist.");
  e.extra.emplace_back("Key", "a&b");
  auto r = rest_xml_error(e, "REQ1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/xml");
  EXPECT_EQ(r.body.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>", 0), 0u);
  EXPECT_NE(r.body.find("<Key>a&amp;b</Key>"), std::string::npos);
  EXPECT_NE(r.body.find("<RequestId>REQ1</RequestId>"), std::string::npos);
  auto head = rest_xml_error(e, "REQ1", true);
  EXPECT_EQ(head.status, 404);
  EXPECT_TRUE(head.body.empty());
}

TEST(ErrorResponse, QueryErrorHasSenderOrReceiverTypeAndTheServiceNamespace) {
  auto r = query_error(make_api_error(404, "NoSuchEntity", "The role with name r cannot be found."), "Q1",
                       "https://iam.amazonaws.com/doc/2010-05-08/");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "text/xml");
  EXPECT_EQ(r.body,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
            "<Code>NoSuchEntity</Code><Message>The role with name r cannot be found.</Message></Error>"
            "<RequestId>Q1</RequestId></ErrorResponse>");
  auto server = query_error(make_api_error(500, "InternalFailure", "boom"), "Q2", "ns");
  EXPECT_NE(server.body.find("<Type>Receiver</Type>"), std::string::npos);
}

TEST(ErrorResponse, JsonRpcHasTypeAndTheProtocolsContentType) {
  // aws-api-notes-2 §15.1: {"__type": "...", "message": "..."}.
  auto r = json_rpc_error(make_api_error(400, "ResourceNotFoundException", "The specified log group does not exist."),
                          "J1", WireProtocol::json_1_1);
  EXPECT_EQ(r.content_type, "application/x-amz-json-1.1");
  auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["__type"], "ResourceNotFoundException");
  EXPECT_EQ(body["message"], "The specified log group does not exist.");
  EXPECT_EQ(json_rpc_error(make_api_error(400, "X", "y"), "J", WireProtocol::json_1_0).content_type,
            "application/x-amz-json-1.0");
}

TEST(ErrorResponse, ErrorForProtocolPicksTheShape) {
  ApiError e = make_api_error(400, "InvalidAction", "nope");
  EXPECT_EQ(error_for_protocol(WireProtocol::query, e, "r").body.rfind("<ErrorResponse", 0), 0u);
  EXPECT_EQ(nlohmann::json::parse(error_for_protocol(WireProtocol::json_1_1, e, "r").body)["__type"], "InvalidAction");
  EXPECT_NE(error_for_protocol(WireProtocol::rest_xml, e, "r").body.find("<Error><Code>InvalidAction</Code>"),
            std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(error_for_protocol(WireProtocol::rest_json, e, "r").body)["message"], "nope");
}

TEST(ApiError, FromErrorKeepsAwsCodesAndMapsKinds) {
  Error coded{ErrorKind::invalid, "bad"};
  coded.code = "MalformedXML";
  coded.http_status = 400;
  coded.retry_after_ms = 1500;
  auto e = from_error(coded);
  EXPECT_EQ(e.code, "MalformedXML");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.retry_after_s, 2);
  EXPECT_EQ(from_error(Error{ErrorKind::not_found, "x"}).status, 404);
  EXPECT_EQ(from_error(Error{ErrorKind::throttled, ""}).code, "TooManyRequestsException");
  Error back = to_error(make_api_error(409, "ResourceConflictException", "busy"));
  EXPECT_EQ(back.kind, ErrorKind::conflict);
  EXPECT_EQ(back.code, "ResourceConflictException");
  EXPECT_EQ(back.http_status, 409);
}

}  // namespace
}  // namespace lcd::local
