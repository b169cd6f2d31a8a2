#include "local/protocol/query_request.hpp"

#include <gtest/gtest.h>

#include "local/protocol/json_rpc.hpp"
#include "local/protocol/wire_protocol.hpp"

namespace lcd::local {
namespace {

HttpRequest form_post(std::string body) {
  HttpRequest r;
  r.method = "POST";
  r.raw_path = "/";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.body = std::move(body);
  return r;
}

TEST(QueryRequest, ReadsActionListsStructsAndMaps) {
  auto r = form_post(
      "Action=PutMetricAlarm&Version=2010-08-01&AlarmActions.member.1=a1&AlarmActions.member.2=a%202"
      "&Dimensions.member.1.Name=FunctionName&Dimensions.member.1.Value=fn"
      "&Dimensions.member.2.Name=Resource&Dimensions.member.2.Value=fn%3APROD"
      "&Tags.member.10.Key=gap&Attributes.entry.1.key=k1&Attributes.entry.1.value=v1");
  QueryRequest q(r);
  EXPECT_EQ(q.action(), "PutMetricAlarm");
  EXPECT_EQ(q.get("Version"), "2010-08-01");
  EXPECT_TRUE(q.has("Version"));
  EXPECT_FALSE(q.has("Missing"));
  EXPECT_EQ(q.list("AlarmActions"), (std::vector<std::string>{"a1", "a 2"}));
  auto dims = q.structs("Dimensions");
  ASSERT_EQ(dims.size(), 2u);
  EXPECT_EQ(dims[1].at("Value"), "fn:PROD");
  EXPECT_TRUE(q.structs("Tags").empty());  // starts at 10: a gap at 1 ends the list, as AWS reads it
  EXPECT_EQ(q.map("Attributes").at("k1"), "v1");
}

TEST(QueryRequest, ActionMayComeFromTheQueryString) {
  HttpRequest r;
  r.method = "GET";
  r.raw_path = "/";
  r.query = parse_query_string("Action=GetCallerIdentity&Version=2011-06-15");
  EXPECT_EQ(QueryRequest(r).action(), "GetCallerIdentity");
  EXPECT_EQ(detect_wire_protocol(r), WireProtocol::query);
}

TEST(WireProtocol, DetectsEachProtocolFromHeaders) {
  EXPECT_EQ(detect_wire_protocol(form_post("Action=X")), WireProtocol::query);
  HttpRequest json;
  json.method = "POST";
  json.headers = {{"X-Amz-Target", "Logs_20140328.PutLogEvents"}, {"Content-Type", "application/x-amz-json-1.1"}};
  EXPECT_EQ(detect_wire_protocol(json), WireProtocol::json_1_1);
  json.headers = {{"x-amz-target", "GraniteServiceVersion20100801.GetMetricData"},
                  {"content-type", "application/x-amz-json-1.0"}};
  EXPECT_EQ(detect_wire_protocol(json), WireProtocol::json_1_0);
  HttpRequest cbor;
  cbor.method = "POST";
  cbor.headers = {{"Smithy-Protocol", "rpc-v2-cbor"}, {"Content-Type", "application/cbor"}};
  EXPECT_EQ(detect_wire_protocol(cbor), WireProtocol::rpc_v2_cbor);
  HttpRequest rest;
  rest.method = "GET";
  rest.raw_path = "/2015-03-31/functions/";
  EXPECT_EQ(detect_wire_protocol(rest), WireProtocol::rest_json);
}

TEST(JsonRpc, SplitsTheTargetAtTheLastDot) {
  auto t = parse_json_rpc_target("Logs_20140328.FilterLogEvents");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->prefix, "Logs_20140328");
  EXPECT_EQ(t->operation, "FilterLogEvents");
  EXPECT_FALSE(parse_json_rpc_target(""));
  EXPECT_FALSE(parse_json_rpc_target("NoDot"));
  EXPECT_FALSE(parse_json_rpc_target("Trailing."));
  auto r = json_rpc_response("{}", "id", WireProtocol::json_1_0);
  EXPECT_EQ(r.content_type, "application/x-amz-json-1.0");
  EXPECT_EQ(r.body, "{}");
}

}  // namespace
}  // namespace lcd::local
