#include "local/protocol/rpc_document.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "local/protocol/rpc_input.hpp"

namespace lcd::local {
namespace {

using nlohmann::json;

TEST(RpcDocument, JsonWritesTimestampsAsEpochSecondsAndMapsAsObjects) {
  json doc = {{"Whole", rpc_timestamp(1795694400000LL)},
              {"Fraction", rpc_timestamp(1795694590512LL)},
              {"Stats", rpc_map({{"p99", 2.5}})},
              {"Absent", nullptr}};
  json out = json::parse(rpc_document_json(doc));
  EXPECT_EQ(out["Whole"], 1795694400);
  EXPECT_TRUE(out["Whole"].is_number_integer());
  EXPECT_DOUBLE_EQ(out["Fraction"].get<double>(), 1795694590.512);
  EXPECT_EQ(out["Stats"]["p99"], 2.5);
  EXPECT_FALSE(out.contains("Absent"));
}

TEST(RpcDocument, QueryXmlUsesMembersEntriesAndIso8601) {
  json doc = {{"Label", "Invocations"},
              {"Datapoints", json::array({{{"Timestamp", rpc_timestamp(1795694460000LL)},
                                           {"Sum", 3.0},
                                           {"ExtendedStatistics", rpc_map({{"p50", 1.5}})}}})},
              {"Flag", true},
              {"Empty", json::array()},
              {"Text", "a<b"}};
  std::string xml = rpc_document_query_xml(doc);
  EXPECT_NE(xml.find("<Label>Invocations</Label>"), std::string::npos);
  EXPECT_NE(xml.find("<Datapoints><member>"), std::string::npos);
  EXPECT_NE(xml.find("<Timestamp>2026-11-26T12:01:00Z</Timestamp>"), std::string::npos);
  EXPECT_NE(xml.find("<Sum>3.0</Sum>"), std::string::npos);
  EXPECT_NE(xml.find("<ExtendedStatistics><entry><key>p50</key><value>1.5</value></entry></ExtendedStatistics>"),
            std::string::npos);
  EXPECT_NE(xml.find("<Flag>true</Flag>"), std::string::npos);
  EXPECT_NE(xml.find("<Empty></Empty>"), std::string::npos);
  EXPECT_NE(xml.find("<Text>a&lt;b</Text>"), std::string::npos);
}

TEST(RpcDocument, Iso8601KeepsMillisecondsOnlyWhenPresent) {
  EXPECT_EQ(iso8601_timestamp(1795694400000LL), "2026-11-26T12:00:00Z");
  EXPECT_EQ(iso8601_timestamp(1795694400512LL), "2026-11-26T12:00:00.512Z");
  EXPECT_EQ(parse_iso8601_ms("2026-11-26T12:00:00Z"), 1795694400000LL);
  EXPECT_EQ(parse_iso8601_ms("2026-11-26T12:00:00.512Z"), 1795694400512LL);
  EXPECT_EQ(parse_iso8601_ms("2026-11-26T13:00:00+01:00"), 1795694400000LL);
  EXPECT_FALSE(parse_iso8601_ms("2026-11-26 nonsense"));
  EXPECT_FALSE(parse_iso8601_ms("2026-13-26T12:00:00Z"));
}

TEST(RpcDocument, ResponsesFollowTheRequestProtocol) {
  json doc = {{"NextToken", "t"}};
  auto q = rpc_response(WireProtocol::query, "ListMetrics", doc, "RID", "http://monitoring.amazonaws.com/doc/2010-08-01/");
  EXPECT_EQ(q.content_type, "text/xml");
  EXPECT_EQ(q.body,
            "<ListMetricsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><ListMetricsResult>"
            "<NextToken>t</NextToken></ListMetricsResult><ResponseMetadata><RequestId>RID</RequestId>"
            "</ResponseMetadata></ListMetricsResponse>");
  auto j = rpc_response(WireProtocol::json_1_0, "ListMetrics", doc, "RID", "");
  EXPECT_EQ(j.content_type, "application/x-amz-json-1.0");
  EXPECT_EQ(j.body, R"({"NextToken":"t"})");
  auto c = rpc_response(WireProtocol::rpc_v2_cbor, "ListMetrics", doc, "RID", "");
  EXPECT_EQ(c.content_type, "application/cbor");
  EXPECT_EQ(json::from_cbor(c.body), doc);
}

TEST(RpcInput, QueryFormsBecomeTheSameDocumentAsJson) {
  HttpRequest request;
  request.method = "POST";
  request.body =
      "Action=GetMetricData&Version=2010-08-01&MetricDataQueries.member.1.Id=m1"
      "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.2.Value=f%3Alive"
      "&MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=FunctionName"
      "&MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.ReturnData=true"
      "&StartTime=2026-11-26T12%3A00%3A00Z&AlarmNames=";
  RpcInput input = RpcInput::from_query(QueryRequest(request));
  auto queries = input.list("MetricDataQueries");
  ASSERT_EQ(queries.size(), 1u);
  EXPECT_EQ(queries[0].string("Id"), "m1");
  EXPECT_EQ(queries[0].boolean("ReturnData"), true);
  auto stat = queries[0].child("MetricStat");
  EXPECT_EQ(stat.integer("Period"), 60);
  auto dims = stat.child("Metric").list("Dimensions");
  ASSERT_EQ(dims.size(), 2u);
  EXPECT_EQ(dims[0].string("Name"), "FunctionName");
  EXPECT_EQ(dims[1].string("Value"), "f:live");
  EXPECT_EQ(input.timestamp_ms("StartTime"), 1795694400000LL);
  EXPECT_TRUE(input.strings("AlarmNames").empty());
  EXPECT_FALSE(input.has("Action"));
  EXPECT_EQ(input.problem(), "");
}

TEST(RpcInput, MalformedMembersAreRecordedWithTheirQueryPath) {
  RpcInput input(json{{"Threshold", "abc"}, {"List", json::array({{{"N", "x"}}})}, {"StartTime", 1795694400.5}});
  EXPECT_EQ(input.timestamp_ms("StartTime"), 1795694400500LL);
  EXPECT_FALSE(input.number("Threshold"));
  EXPECT_NE(input.problem().find("Threshold"), std::string::npos);
  auto items = input.list("List");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_FALSE(items[0].integer("N"));
  // The first problem wins.
  EXPECT_NE(input.problem().find("Threshold"), std::string::npos);
  RpcInput other(json{{"List", json::array({{{"N", "x"}}})}});
  EXPECT_FALSE(other.list("List")[0].integer("N"));
  EXPECT_NE(other.problem().find("List.member.1.N"), std::string::npos);
}

}  // namespace
}  // namespace lcd::local
