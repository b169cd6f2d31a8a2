#include "local/protocol/cbor_rpc.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "local/protocol/error_response.hpp"
#include "local/protocol/rpc_document.hpp"
#include "local/protocol/rpc_input.hpp"

namespace lcd::local {
namespace {

using nlohmann::json;

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

std::string text(const std::string& s) {
  // CBOR text string head for short strings (< 24 bytes) or one-byte lengths.
  std::string out;
  if (s.size() < 24) out += static_cast<char>(0x60 + s.size());
  else out += bytes({0x78, static_cast<int>(s.size())});
  return out + s;
}

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

TEST(CborRpc, PathNamesServiceAndOperation) {
  auto t = parse_cbor_rpc_path("/service/GraniteServiceVersion20100801/operation/GetMetricData");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->service, "GraniteServiceVersion20100801");
  EXPECT_EQ(t->operation, "GetMetricData");
  EXPECT_FALSE(parse_cbor_rpc_path("/service//operation/X"));
  EXPECT_FALSE(parse_cbor_rpc_path("/service/S/operation/"));
  EXPECT_FALSE(parse_cbor_rpc_path("/service/S/operation/A/B"));
  EXPECT_FALSE(parse_cbor_rpc_path("/2015-03-31/functions"));
}

TEST(CborRpc, DecodesTheCapturedGetMetricDataRequest) {
  // aws-api-notes-2 §14.8: botocore's RpcV2CBORSerializer, 139 bytes, timestamps as tag 1.
  std::string body = bytes({0xa3}) + text("MetricDataQueries") + bytes({0x81, 0xa2}) + text("Id") + text("m1") +
                     text("MetricStat") + bytes({0xa3}) + text("Metric") + bytes({0xa2}) + text("Namespace") +
                     text("AWS/Lambda") + text("MetricName") + text("Invocations") + text("Period") +
                     bytes({0x18, 0x3c}) + text("Stat") + text("Sum") + text("StartTime") +
                     bytes({0xc1, 0x1a, 0x6b, 0x08, 0x1f, 0x40}) + text("EndTime") +
                     bytes({0xc1, 0x1a, 0x6b, 0x08, 0x2d, 0x50});
  EXPECT_EQ(body.size(), 139u);
  auto doc = decode_cbor_request(body);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)["StartTime"], 1795694400);
  EXPECT_EQ((*doc)["EndTime"], 1795698000);
  EXPECT_EQ((*doc)["MetricDataQueries"][0]["MetricStat"]["Period"], 60);
  EXPECT_EQ((*doc)["MetricDataQueries"][0]["MetricStat"]["Metric"]["MetricName"], "Invocations");
}

TEST(CborRpc, AcceptsIndefiniteLengthsHalfFloatsAndDropsNullMembers) {
  // {_ "A": [_ 1.5 (half), 2], "B": null}
  std::string body = bytes({0xbf}) + text("A") + bytes({0x9f, 0xf9, 0x3e, 0x00, 0x02, 0xff}) + text("B") +
                     bytes({0xf6, 0xff});
  auto doc = decode_cbor_request(body);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)["A"][0], 1.5);
  EXPECT_EQ((*doc)["A"][1], 2);
  EXPECT_FALSE(doc->contains("B"));
  auto empty = decode_cbor_request("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->is_object() && empty->empty());
}

TEST(CborRpc, TagsInsideStringsAreData) {
  // A 0xc1 byte inside a text string is not a tag; a tag on a nested value is dropped.
  std::string body = bytes({0xa2}) + text("S") + bytes({0x62, 0xc3, 0xa9}) + text("T") + bytes({0xc1, 0x05});
  auto doc = decode_cbor_request(body);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ((*doc)["S"], "\xc3\xa9");
  EXPECT_EQ((*doc)["T"], 5);
  EXPECT_FALSE(decode_cbor_request(body + bytes({0x00})));  // trailing bytes
}

TEST(CborRpc, RejectsTruncatedBodiesAndNonMaps) {
  auto truncated = decode_cbor_request(bytes({0xa1, 0x61}));
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().status, 400);
  EXPECT_EQ(truncated.error().code, "SerializationException");
  auto array = decode_cbor_request(bytes({0x81, 0x01}));
  ASSERT_FALSE(array);
  EXPECT_EQ(array.error().code, "SerializationException");
}

TEST(CborRpc, EncodesTimestampsWithTagOneAndNumbersAsFloat64) {
  json doc = {{"Timestamps", json::array({rpc_timestamp(1795694460000LL)})},
              {"Values", json::array({3.0})},
              {"Half", rpc_timestamp(1795694460500LL)}};
  std::string out = encode_cbor_document(doc);
  // Tag 1 + uint32 epoch seconds exactly as captured in §14.8.
  EXPECT_NE(out.find(bytes({0x81, 0xc1, 0x1a, 0x6b, 0x08, 0x1f, 0x7c})), std::string::npos);
  // 3.0 as float64.
  EXPECT_NE(out.find(bytes({0xfb, 0x40, 0x08, 0, 0, 0, 0, 0, 0})), std::string::npos);
  // A fractional timestamp: tag 1 + float64.
  EXPECT_NE(out.find(bytes({0xc1, 0xfb})), std::string::npos);
  // Round trip through the request decoder (tags dropped) gives the plain values back.
  auto decoded = decode_cbor_request(out);
  ASSERT_TRUE(decoded) << decoded.error().message;
  json back = *decoded;
  EXPECT_EQ(back["Timestamps"][0], 1795694460);
  EXPECT_DOUBLE_EQ(back["Half"].get<double>(), 1795694460.5);
  EXPECT_EQ(back["Values"][0], 3.0);
}

TEST(CborRpc, ErrorsAreCborMapsWithTheProtocolHeaders) {
  auto r = cbor_rpc_error(make_api_error(404, "ResourceNotFound", "no alarm"), "R1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/cbor");
  EXPECT_EQ(header(r, "Smithy-Protocol"), "rpc-v2-cbor");
  EXPECT_EQ(header(r, "x-amzn-RequestId"), "R1");
  json body = json::from_cbor(r.body);
  EXPECT_EQ(body["__type"], "ResourceNotFound");
  EXPECT_EQ(body["message"], "no alarm");
  auto via_protocol = error_for_protocol(WireProtocol::rpc_v2_cbor, make_api_error(400, "X", "y"), "R2");
  EXPECT_EQ(via_protocol.content_type, "application/cbor");
  EXPECT_EQ(json::from_cbor(via_protocol.body)["__type"], "X");
}

TEST(CborRpc, QueryCompatibleErrorHeaderNamesCodeAndFault) {
  auto r = json_rpc_error(make_api_error(400, "InvalidParameterValue", "bad"), "R", WireProtocol::json_1_0);
  add_query_error_header(r, make_api_error(400, "InvalidParameterValue", "bad"));
  EXPECT_EQ(header(r, "x-amzn-query-error"), "InvalidParameterValue;Sender");
  HttpResponse s;
  add_query_error_header(s, make_api_error(500, "InternalServiceError", "x"));
  EXPECT_EQ(header(s, "x-amzn-query-error"), "InternalServiceError;Receiver");
}

}  // namespace
}  // namespace lcd::local

namespace lcd::local {
namespace {

// Found by fuzz.cbor_rpc: a text string that is not UTF-8 was decoded as is, and the first message
// quoting it (RpcInput's "The value … is not a valid number") threw from nlohmann's dump: a 500
// instead of a 400.
TEST(CborRpc, RejectsTextStringsThatAreNotUtf8) {
  for (const std::string& bad : {bytes({0xad}), bytes({0xc0, 0x80}), bytes({0xed, 0xa0, 0x80}),
                                 bytes({0xf4, 0x90, 0x80, 0x80}), bytes({0xe2, 0x82}), bytes({0xff})}) {
    auto value = decode_cbor_request(bytes({0xa1}) + text("A") + bytes({0x81}) + text(bad));
    ASSERT_FALSE(value);
    EXPECT_EQ(value.error().status, 400);
    EXPECT_EQ(value.error().code, "SerializationException");
    auto key = decode_cbor_request(bytes({0xa1}) + text(bad) + bytes({0x01}));
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().code, "SerializationException");
  }
  const std::string good = "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";  // é € 😀
  auto decoded = decode_cbor_request(bytes({0xa1}) + text("A") + text(good));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_EQ((*decoded)["A"], good);
}

TEST(CborRpc, RejectsIndefiniteChunksInsideIndefiniteStrings) {
  auto nested = decode_cbor_request(bytes({0xa1}) + text("A") + bytes({0x7f, 0x7f, 0x61, 'a', 0xff, 0xff}));
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().code, "SerializationException");
  auto chunks = decode_cbor_request(bytes({0xa1}) + text("A") + bytes({0x7f, 0x61, 'a', 0x62, 0xc3, 0xa9, 0xff}));
  ASSERT_TRUE(chunks) << chunks.error().message;
  EXPECT_EQ((*chunks)["A"], "a\xc3\xa9");
}

// The same message for a query parameter, which may carry any byte (%AD).
TEST(RpcInputMessages, QuoteValuesThatAreNotUtf8WithoutThrowing) {
  RpcInput input(json{{"Period", json::array({"\xad"})}});
  EXPECT_FALSE(input.number("Period"));
  EXPECT_NE(input.problem().find("for parameter Period is not a valid number"), std::string::npos) << input.problem();
}

}  // namespace
}  // namespace lcd::local
