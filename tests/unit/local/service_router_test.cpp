#include "local/service_router.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lcd::local {
namespace {

// Records what the router decided; answers 200.
class RecordingService final : public Service {
 public:
  HttpResponse handle(const HttpRequest&, const RequestContext& context) override {
    last = context;
    ++calls;
    return HttpResponse{};
  }
  RequestContext last;
  int calls = 0;
};

HttpRequest signed_request(const std::string& access_key, const std::string& region, const std::string& service) {
  HttpRequest r;
  r.method = "GET";
  r.raw_path = "/";
  r.headers = {{"Authorization", "AWS4-HMAC-SHA256 Credential=" + access_key + "/20261127/" + region + "/" + service +
                                     "/aws4_request, SignedHeaders=host, Signature=00"}};
  return r;
}

HttpRequest form_post(const std::string& body) {
  HttpRequest r;
  r.method = "POST";
  r.raw_path = "/";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  r.body = body;
  return r;
}

TEST(ServiceRouter, AccountComesFromATwelveDigitAccessKeyElseTheDefault) {
  RouterOptions options;
  options.default_account = "111111111111";
  options.account_for_access_key = [](const std::string& key) -> std::optional<std::string> {
    if (key == "ASIASESSION") return std::string("222222222222");
    return std::nullopt;
  };
  ServiceRouter router(options, nullptr, system_clock());
  RecordingService s3;
  router.add_service("s3", s3, ServiceInfo{WireProtocol::rest_xml, {}, {}, {}});

  router.handle(signed_request("123456789012", "eu-west-1", "s3"));
  EXPECT_EQ(s3.last.account_id, "123456789012");
  EXPECT_EQ(s3.last.region, "eu-west-1");
  EXPECT_EQ(s3.last.access_key, "123456789012");
  EXPECT_EQ(s3.last.protocol, WireProtocol::rest_xml);
  EXPECT_FALSE(s3.last.request_id.empty());

  router.handle(signed_request("test", "ap-southeast-2", "s3"));
  EXPECT_EQ(s3.last.account_id, "111111111111");
  EXPECT_EQ(s3.last.region, "ap-southeast-2");

  router.handle(signed_request("ASIASESSION", "us-west-2", "s3"));
  EXPECT_EQ(s3.last.account_id, "222222222222");

  router.handle(signed_request("12345678901x", "us-west-2", "s3"));  // not all digits
  EXPECT_EQ(s3.last.account_id, "111111111111");
  EXPECT_EQ(s3.calls, 4);
}

// Found following up a CBOR fuzz finding: CreateStack with a parameter of %AD answered 500 yet kept
// the stack. A form value that is not UTF-8 is refused before any query service sees it.
TEST(ServiceRouter, QueryValuesThatAreNotUtf8AreRefusedBeforeTheService) {
  ServiceRouter router(RouterOptions{}, nullptr, system_clock());
  RecordingService cfn;
  router.add_service("cloudformation", cfn, ServiceInfo{WireProtocol::query, "ns", {}, {}});
  HttpResponse bad = router.handle(
      form_post("Action=CreateStack&StackName=s&Parameters.member.1.ParameterValue=%AD&Version=2010-05-15"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("<Code>InvalidParameterValue</Code>"), std::string::npos) << bad.body;
  EXPECT_NE(bad.body.find("Parameters.member.1.ParameterValue is not valid UTF-8"), std::string::npos) << bad.body;
  HttpResponse bad_name = router.handle(form_post("Action=CreateStack&%FF%FE=x&Version=2010-05-15"));
  EXPECT_EQ(bad_name.status, 400);
  EXPECT_NE(bad_name.body.find("A parameter name is not valid UTF-8"), std::string::npos) << bad_name.body;
  EXPECT_EQ(cfn.calls, 0);
  router.handle(form_post("Action=CreateStack&StackName=s&Parameters.member.1.ParameterValue=%C3%A9t%C3%A9"));
  EXPECT_EQ(cfn.calls, 1);
}

TEST(ServiceRouter, UnsignedQueryRequestsGoToTheServiceOwningTheAction) {
  ServiceRouter router(RouterOptions{}, nullptr, system_clock());
  RecordingService sts;
  RecordingService cfn;
  router.add_service("sts", sts, ServiceInfo{WireProtocol::query, "https://sts.amazonaws.com/doc/2011-06-15/",
                                             {"GetCallerIdentity", "AssumeRole"}, {}});
  router.add_service("cloudformation", cfn, ServiceInfo{WireProtocol::query, "ns", {}, {}});
  router.handle(form_post("Action=GetCallerIdentity&Version=2011-06-15"));
  EXPECT_EQ(sts.calls, 1);
  EXPECT_EQ(sts.last.protocol, WireProtocol::query);
  router.handle(form_post("Action=DescribeStacks&Version=2010-05-15"));
  EXPECT_EQ(cfn.calls, 1);
  EXPECT_EQ(sts.calls, 1);
}

TEST(ServiceRouter, UnsignedJsonRequestsGoToTheServiceOwningTheTargetPrefix) {
  ServiceRouter router(RouterOptions{}, nullptr, system_clock());
  RecordingService logs;
  router.add_service("logs", logs, ServiceInfo{WireProtocol::json_1_1, {}, {}, {"Logs_20140328"}});
  HttpRequest r;
  r.method = "POST";
  r.raw_path = "/";
  r.headers = {{"X-Amz-Target", "Logs_20140328.DescribeLogGroups"}, {"Content-Type", "application/x-amz-json-1.1"}};
  router.handle(r);
  EXPECT_EQ(logs.calls, 1);
  EXPECT_EQ(logs.last.protocol, WireProtocol::json_1_1);
  r.headers[0].second = "Unknown_1.Op";
  auto unknown = router.handle(r);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(nlohmann::json::parse(unknown.body)["__type"], "UnknownOperationException");
}

TEST(ServiceRouter, AServiceNotServedIsAnsweredInTheRequestsProtocol) {
  ServiceRouter router(RouterOptions{}, nullptr, system_clock());
  auto query = signed_request("test", "eu-west-1", "sqs");
  query.method = "POST";
  query.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  query.body = "Action=ListQueues";
  auto r = router.handle(query);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("<Code>UnknownServiceException</Code>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Service &apos;sqs&apos; is not served by lambda-cd local"), std::string::npos) << r.body;
}

TEST(ServiceRouter, InjectedFaultsSpeakTheTargetServicesLanguage) {
  FaultRates rates;
  rates.throttle = 1.0;
  FaultInjector faults(rates);
  ServiceRouter router(RouterOptions{}, &faults, system_clock());
  RecordingService lambda;
  RecordingService s3;
  RecordingService iam;
  router.add_service("lambda", lambda, ServiceInfo{WireProtocol::rest_json, {}, {}, {}});
  router.add_service("s3", s3, ServiceInfo{WireProtocol::rest_xml, {}, {}, {}});
  router.add_service("iam", iam, ServiceInfo{WireProtocol::query, "https://iam.amazonaws.com/doc/2010-05-08/", {}, {}});

  auto l = router.handle(signed_request("test", "us-east-1", "lambda"));
  EXPECT_EQ(l.status, 429);
  EXPECT_EQ(nlohmann::json::parse(l.body)["Reason"], "CallerRateLimitExceeded");
  auto s = router.handle(signed_request("test", "us-east-1", "s3"));
  EXPECT_EQ(s.status, 503);
  EXPECT_NE(s.body.find("<Code>SlowDown</Code>"), std::string::npos);
  auto i_req = signed_request("test", "us-east-1", "iam");
  i_req.method = "POST";
  i_req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  i_req.body = "Action=GetRole&RoleName=r";
  auto i = router.handle(i_req);
  EXPECT_EQ(i.status, 400);
  EXPECT_NE(i.body.find("xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\""), std::string::npos);
  EXPECT_NE(i.body.find("<Code>Throttling</Code>"), std::string::npos);
  EXPECT_EQ(lambda.calls + s3.calls + iam.calls, 0);
}

TEST(ServiceRouter, ALostResponseIsServedThenReset) {
  auto rates = parse_fault_rates("lost=1.0,seed=3");
  ASSERT_TRUE(rates) << rates.error().message;
  FaultInjector faults(*rates);
  ServiceRouter router(RouterOptions{}, &faults, system_clock());
  RecordingService lambda;
  router.add_service("lambda", lambda, ServiceInfo{WireProtocol::rest_json, {}, {}, {}});
  auto r = router.handle(signed_request("test", "us-east-1", "lambda"));
  EXPECT_TRUE(r.reset_connection);
  EXPECT_EQ(lambda.calls, 1);  // acted on, answer lost
  EXPECT_FALSE(parse_fault_rates("lost=0.6,reset=0.6"));
}

TEST(ServiceRouter, SignatureRefusalsComeInTheAnsweringServicesShape) {
  RouterOptions options;
  options.verify_signatures = true;
  options.credentials = {{"AKIDGOOD", "goodsecret"}};
  ServiceRouter router(options, nullptr, system_clock());
  RecordingService s3;
  RecordingService cfn;
  RecordingService lambda;
  router.add_service("s3", s3, ServiceInfo{WireProtocol::rest_xml, {}, {}, {}});
  router.add_service("cloudformation", cfn,
                     ServiceInfo{WireProtocol::query, "http://cloudformation.amazonaws.com/doc/2010-05-15/", {}, {}});
  router.add_service("lambda", lambda, ServiceInfo{WireProtocol::rest_json, {}, {}, {}});

  auto s = router.handle(signed_request("AKIDNOPE", "eu-west-1", "s3"));
  EXPECT_EQ(s.status, 403);
  EXPECT_NE(s.body.find("<Error><Code>InvalidAccessKeyId</Code>"), std::string::npos) << s.body;
  EXPECT_NE(s.body.find("<AWSAccessKeyId>AKIDNOPE</AWSAccessKeyId>"), std::string::npos) << s.body;
  bool has_request_id = false;
  for (const auto& [k, v] : s.headers) has_request_id |= k == "x-amz-request-id";
  EXPECT_TRUE(has_request_id);
  auto head = signed_request("AKIDNOPE", "eu-west-1", "s3");
  head.method = "HEAD";
  auto h = router.handle(head);
  EXPECT_EQ(h.status, 403);
  EXPECT_TRUE(h.body.empty());

  auto c_req = signed_request("AKIDNOPE", "eu-west-1", "cloudformation");
  c_req.method = "POST";
  c_req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  c_req.body = "Action=DescribeStacks&Version=2010-05-15";
  auto c = router.handle(c_req);
  EXPECT_EQ(c.status, 403);
  EXPECT_NE(c.body.find("<ErrorResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><Error><Type>"
                        "Sender</Type><Code>InvalidClientTokenId</Code>"),
            std::string::npos)
      << c.body;

  auto l = router.handle(signed_request("AKIDNOPE", "eu-west-1", "lambda"));
  EXPECT_EQ(l.status, 403);
  EXPECT_EQ(nlohmann::json::parse(l.body)["Type"], "User");
  bool lambda_code = false;
  for (const auto& [k, v] : l.headers) lambda_code |= k == "x-amzn-ErrorType" && v == "UnrecognizedClientException";
  EXPECT_TRUE(lambda_code);
  EXPECT_EQ(s3.calls + cfn.calls + lambda.calls, 0);
}

}  // namespace
}  // namespace lcd::local

namespace lcd::local {
namespace {

TEST(ServiceRouter, UnsignedCborRequestsGoToTheServiceOwningTheServicePath) {
  ServiceRouter router(RouterOptions{}, nullptr, system_clock());
  RecordingService monitoring;
  router.add_service("monitoring", monitoring,
                     ServiceInfo{WireProtocol::query, "x", {"GetMetricData"}, {"GraniteServiceVersion20100801"}, true});
  HttpRequest r;
  r.method = "POST";
  r.raw_path = "/service/GraniteServiceVersion20100801/operation/GetMetricData";
  r.headers = {{"Smithy-Protocol", "rpc-v2-cbor"}, {"Content-Type", "application/cbor"}};
  router.handle(r);
  EXPECT_EQ(monitoring.calls, 1);
  EXPECT_EQ(monitoring.last.protocol, WireProtocol::rpc_v2_cbor);
}

TEST(ServiceRouter, FaultsForQueryCompatibleServicesCarryTheQueryErrorHeader) {
  FaultRates rates;
  rates.throttle = 1.0;
  FaultInjector faults(rates);
  ServiceRouter router(RouterOptions{}, &faults, system_clock());
  RecordingService monitoring;
  router.add_service("monitoring", monitoring,
                     ServiceInfo{WireProtocol::query, "x", {}, {"GraniteServiceVersion20100801"}, true});
  auto request = signed_request("test", "eu-west-1", "monitoring");
  request.method = "POST";
  request.headers.emplace_back("X-Amz-Target", "GraniteServiceVersion20100801.GetMetricData");
  request.headers.emplace_back("Content-Type", "application/x-amz-json-1.0");
  auto r = router.handle(request);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(nlohmann::json::parse(r.body)["__type"], "Throttling");
  std::string query_error;
  for (const auto& [k, v] : r.headers) {
    if (k == "x-amzn-query-error") query_error = v;
  }
  EXPECT_EQ(query_error, "Throttling;Sender");
  EXPECT_EQ(monitoring.calls, 0);
}

}  // namespace
}  // namespace lcd::local
