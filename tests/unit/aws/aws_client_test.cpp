#include <gtest/gtest.h>

#include "aws/aws_client.hpp"
#include "aws/body_source.hpp"
#include "aws/redaction.hpp"
#include "fake_transport.hpp"
#include "sigv4/authorization_parser.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::aws {
namespace {

using std::chrono::milliseconds;

const char* k_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY";
const char* k_token = "FwoGZXIvYXdzEBAaDSESSIONTOKENVALUE//////////wEaDLongTokenText+/=";

AwsConfig test_config(const std::string& endpoint = "http://127.0.0.1:4566") {
  AwsConfig config;
  config.credentials = {"AKIDTEST", k_secret, k_token};
  config.region = "us-east-1";
  config.endpoint_url = endpoint;
  return config;
}

struct Harness {
  std::shared_ptr<test::FakeTransport> transport = std::make_shared<test::FakeTransport>();
  test::FakeClock clock;
  std::vector<CallEvent> events;
  std::unique_ptr<AwsClient> client;

  explicit Harness(int max_attempts = 3, double random = 0.5, AwsConfig config = test_config()) {
    AwsClientOptions options;
    options.retry.max_attempts = max_attempts;
    options.random = [random] { return random; };
    options.clock = &clock;
    options.observer = [this](const CallEvent& e) { events.push_back(e); };
    client = std::make_unique<AwsClient>(std::move(config), transport, options);
  }
  // The same client with a retry budget instead of 3 attempts (max_attempts 3 still bounds an
  // unreachable endpoint).
  Harness(milliseconds budget, double random) : Harness(3, random) {
    AwsClientOptions options;
    options.retry.budget = budget;
    options.random = [random] { return random; };
    options.clock = &clock;
    options.observer = [this](const CallEvent& e) { events.push_back(e); };
    client = std::make_unique<AwsClient>(test_config(), transport, options);
  }
};

ServiceRequest get_function() {
  ServiceRequest r;
  r.service = "lambda";
  r.method = "GET";
  r.path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn";
  r.query = {{"Qualifier", "$LATEST"}};
  r.operation = "GetFunction";
  return r;
}

std::string header(const HttpRequest& request, std::string_view name) {
  for (const auto& [k, v] : request.headers)
    if (iequals(k, name)) return v;
  return "";
}

TEST(AwsClient, SignsWithHostPortAndSendsToEndpoint) {
  Harness h;
  h.transport->reply(200, R"({"Configuration":{}})");
  auto response = h.client->call(get_function());
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_EQ(response->status, 200);
  ASSERT_EQ(h.transport->requests.size(), 1u);
  const HttpRequest& sent = h.transport->requests[0];
  EXPECT_EQ(sent.url,
            "http://127.0.0.1:4566/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-fn"
            "?Qualifier=%24LATEST");
  EXPECT_EQ(header(sent, "Host"), "127.0.0.1:4566");
  EXPECT_EQ(header(sent, "X-Amz-Date"), "20261126T120000Z");
  EXPECT_EQ(header(sent, "X-Amz-Security-Token"), k_token);

  // The request verifies with the server-side half of sigv4, as the local endpoint will check it.
  sigv4::SigningRequest incoming{sent.method, get_function().path, get_function().query, sent.headers,
                                 sigv4::k_empty_payload_hash};
  auto parsed = sigv4::parse_request_authorization(incoming);
  ASSERT_TRUE(parsed && *parsed);
  EXPECT_EQ((*parsed)->service, "lambda");
  EXPECT_EQ((*parsed)->region, "us-east-1");
  auto expected = sigv4::expected_signature(incoming, **parsed, k_secret, sigv4::canonical_options_for_service("lambda"));
  EXPECT_EQ(expected.signature, (*parsed)->signature);
  EXPECT_NE(expected.canonical_request.find("arn%253Aaws%253Alambda"), std::string::npos);
}

TEST(AwsClient, S3SignsContentSha256) {
  Harness h;
  h.transport->reply(200);
  ServiceRequest put;
  put.service = "s3";
  put.protocol = Protocol::rest_xml;
  put.method = "PUT";
  put.path = "/bkt/builds/a%20b.zip";
  put.body = "hello";
  ASSERT_TRUE(h.client->call(put));
  const HttpRequest& sent = h.transport->requests[0];
  EXPECT_EQ(header(sent, "X-Amz-Content-Sha256"), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_NE(header(sent, "Authorization").find("x-amz-content-sha256"), std::string::npos);
  EXPECT_EQ(sent.body, "hello");
}

TEST(AwsClient, StreamedBodyIsHashedAndPassedThrough) {
  Harness h;
  h.transport->reply(200);
  std::string data(100000, 'z');
  ServiceRequest put;
  put.service = "s3";
  put.protocol = Protocol::rest_xml;
  put.method = "PUT";
  put.path = "/bkt/big";
  put.body_source = std::make_shared<BufferBodySource>(data);
  ASSERT_TRUE(h.client->call(put));
  const HttpRequest& sent = h.transport->requests[0];
  EXPECT_EQ(sent.body_source, put.body_source);
  EXPECT_TRUE(sent.body.empty());
  EXPECT_EQ(header(sent, "X-Amz-Content-Sha256").size(), 64u);
}

TEST(AwsClient, RetriesThrottlingWithBackoffThenSucceeds) {
  Harness h(3, 0.5);
  h.transport->reply(429, R"({"message":"Rate exceeded"})", {{"x-amzn-ErrorType", "TooManyRequestsException"}});
  h.transport->reply(503, "", {});
  h.transport->reply(200, "{}");
  auto response = h.client->call(get_function());
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_EQ(h.transport->requests.size(), 3u);
  EXPECT_EQ(h.clock.sleeps, (std::vector<milliseconds>{milliseconds(500), milliseconds(1000)}));
  // Each attempt is signed afresh at the clock's time.
  EXPECT_EQ(header(h.transport->requests[0], "X-Amz-Date"), "20261126T120000Z");
  EXPECT_EQ(header(h.transport->requests[2], "X-Amz-Date"), "20261126T120001Z");
}

TEST(AwsClient, HonoursRetryAfter) {
  Harness h(2, 0.0);
  h.transport->reply(429, "{}", {{"x-amzn-ErrorType", "TooManyRequestsException"}, {"Retry-After", "2"}});
  h.transport->reply(200, "{}");
  ASSERT_TRUE(h.client->call(get_function()));
  EXPECT_EQ(h.clock.sleeps, (std::vector<milliseconds>{milliseconds(2000)}));
}

TEST(AwsClient, GivesUpAfterMaxAttempts) {
  Harness h(3, 0.5);
  for (int i = 0; i < 3; ++i) h.transport->reply(500, R"({"message":"boom"})", {{"x-amzn-ErrorType", "ServiceException"}});
  auto response = h.client->call(get_function());
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::server);
  EXPECT_EQ(response.error().code, "ServiceException");
  EXPECT_EQ(h.transport->requests.size(), 3u);
  EXPECT_EQ(h.clock.sleeps.size(), 2u);
  EXPECT_NE(response.error().message.find("after 3 attempts"), std::string::npos);
}

TEST(AwsClient, NeverRetriesClientErrors) {
  Harness h(5);
  h.transport->reply(409, R"({"message":"update in progress"})", {{"x-amzn-ErrorType", "ResourceConflictException"}});
  auto response = h.client->call(get_function());
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::conflict);
  EXPECT_EQ(h.transport->requests.size(), 1u);
  EXPECT_TRUE(h.clock.sleeps.empty());
}

TEST(AwsClient, RetriesConnectionErrorsAndReportsNetworkKind) {
  Harness h(2, 0.25);
  h.transport->reply_error(ErrorKind::network, "GET http://127.0.0.1:4566/x: Connection refused");
  h.transport->reply_error(ErrorKind::network, "GET http://127.0.0.1:4566/x: Connection refused");
  auto response = h.client->call(get_function());
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::network);
  EXPECT_EQ(h.transport->requests.size(), 2u);
  EXPECT_EQ(h.clock.sleeps, (std::vector<milliseconds>{milliseconds(250)}));
  EXPECT_NE(response.error().message.find("GetFunction"), std::string::npos);
}


TEST(AwsClient, RetryBudgetOutlastsThreeAttempts) {
  Harness h(milliseconds(120000), 0.5);
  for (int i = 0; i < 7; ++i)
    h.transport->reply(429, R"({"message":"Rate exceeded"})", {{"x-amzn-ErrorType", "TooManyRequestsException"}});
  h.transport->reply(200, "{}");
  auto response = h.client->call(get_function());
  ASSERT_TRUE(response) << response.error().describe();
  EXPECT_EQ(h.transport->requests.size(), 8u);
  // Jitter 0.5 of 1, 2, 4 ... s, capped at 20 s as standard mode caps it.
  EXPECT_EQ(h.clock.sleeps, (std::vector<milliseconds>{milliseconds(500), milliseconds(1000), milliseconds(2000),
                                                       milliseconds(4000), milliseconds(8000), milliseconds(16000),
                                                       milliseconds(20000)}));
  ASSERT_EQ(h.events.size(), 8u + 8u + 7u);  // request + response per attempt, a retry event per wait
  const CallEvent* last_retry = nullptr;
  for (const auto& e : h.events)
    if (e.type == CallEvent::Type::retry) last_retry = &e;
  ASSERT_NE(last_retry, nullptr);
  EXPECT_EQ(last_retry->elapsed, milliseconds(31500));
}

TEST(AwsClient, RetryBudgetSpentSaysSo) {
  Harness h(milliseconds(5000), 0.5);
  for (int i = 0; i < 10; ++i) h.transport->reply(503, R"({"message":"down"})", {{"x-amzn-ErrorType", "ServiceUnavailableException"}});
  auto response = h.client->call(get_function());
  ASSERT_FALSE(response);
  // 0.5 + 1 + 2 s, then the 4 s wait is cut to the 1.5 s left, then the budget is spent.
  EXPECT_EQ(h.clock.sleeps, (std::vector<milliseconds>{milliseconds(500), milliseconds(1000), milliseconds(2000),
                                                       milliseconds(1500)}));
  EXPECT_EQ(h.transport->requests.size(), 5u);
  EXPECT_EQ(response.error().code, "ServiceUnavailableException");
  EXPECT_NE(response.error().message.find("(after 5 attempts in 5s, the retry budget of 5s spent)"), std::string::npos)
      << response.error().message;
}

TEST(AwsClient, RetryBudgetDoesNotWaitOnAnUnreachableEndpoint) {
  Harness h(milliseconds(600000), 0.5);
  for (int i = 0; i < 5; ++i) {
    Error refused{ErrorKind::network, "GET http://127.0.0.1:1/x: Connection refused"};
    refused.unreachable = true;
    h.transport->replies.push_back(fail(refused));
  }
  auto response = h.client->call(get_function());
  ASSERT_FALSE(response);
  EXPECT_EQ(h.transport->requests.size(), 3u);
  EXPECT_TRUE(response.error().unreachable);
  EXPECT_EQ(response.error().message.find("retry budget"), std::string::npos) << response.error().message;
}

TEST(AwsClient, InvokeIsRepeatedOnlyWhenItWasNotRun) {
  Harness h(milliseconds(600000), 0.5);
  ServiceRequest invoke = get_function();
  invoke.method = "POST";
  invoke.operation = "Invoke";
  invoke.idempotent = false;
  h.transport->reply(429, "{}", {{"x-amzn-ErrorType", "TooManyRequestsException"}});
  h.transport->reply(500, R"({"message":"boom"})", {{"x-amzn-ErrorType", "ServiceException"}});
  auto response = h.client->call(invoke);
  ASSERT_FALSE(response);
  EXPECT_EQ(h.transport->requests.size(), 2u);  // the throttle was retried, the 500 was not
  EXPECT_EQ(response.error().code, "ServiceException");
  EXPECT_NE(response.error().message.find("not retried: repeating Invoke could run it twice"), std::string::npos)
      << response.error().message;
  // A reset connection: the function may have run; not repeated either.
  Harness h2(milliseconds(600000), 0.5);
  h2.transport->reply_error(ErrorKind::network, "POST x: Connection reset by peer");
  h2.transport->reply(200, "{}");
  EXPECT_FALSE(h2.client->call(invoke));
  EXPECT_EQ(h2.transport->requests.size(), 1u);
}

TEST(AwsClient, RetryAfterPastTheBudgetGivesUp) {
  Harness h(milliseconds(3000), 0.0);
  h.transport->reply(429, "{}", {{"x-amzn-ErrorType", "TooManyRequestsException"}, {"Retry-After", "2"}});
  h.transport->reply(429, "{}", {{"x-amzn-ErrorType", "TooManyRequestsException"}, {"Retry-After", "2"}});
  h.transport->reply(200, "{}");
  auto response = h.client->call(get_function());
  ASSERT_FALSE(response);
  EXPECT_EQ(h.clock.sleeps, (std::vector<milliseconds>{milliseconds(2000)}));  // then 2 s more would pass 3 s
  EXPECT_EQ(response.error().code, "TooManyRequestsException");
}

TEST(AwsClient, BadEndpointIsAnError) {
  Harness h(3, 0.5, test_config("not a url"));
  auto response = h.client->call(get_function());
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().kind, ErrorKind::invalid);
  EXPECT_TRUE(h.transport->requests.empty());
}

TEST(Redaction, VerboseLogOfSignedRequestShowsNoSecrets) {
  Harness h(2, 0.0);
  h.transport->reply(503, "", {{"Set-Cookie", "session=abc"}});
  h.transport->reply(200, "{}");
  ASSERT_TRUE(h.client->call(get_function()));
  const HttpRequest& sent = h.transport->requests[0];
  const std::string signature = sent.headers.empty() ? "" : [&] {
    std::string auth = header(sent, "Authorization");
    return auth.substr(auth.find("Signature=") + 10);
  }();
  ASSERT_EQ(signature.size(), 64u);

  std::string log;
  for (const CallEvent& e : h.events) log += e.text + "\n";
  ASSERT_NE(log.find("GET http://127.0.0.1:4566/2015-03-31/functions/"), std::string::npos) << log;
  EXPECT_NE(log.find("Authorization: AWS4-HMAC-SHA256 Credential=AKIDTEST/20261126/us-east-1/lambda/aws4_request, "
                     "SignedHeaders="), std::string::npos) << log;
  EXPECT_NE(log.find("Signature=<redacted>"), std::string::npos) << log;
  EXPECT_EQ(redact_header_value("Authorization", "Bearer abc"), "<redacted>");
  EXPECT_EQ(redact_header_value("authorization", "AWS4-HMAC-SHA256 Credential=A/x"), "<redacted>");
  EXPECT_NE(log.find("X-Amz-Security-Token: <redacted>"), std::string::npos) << log;
  EXPECT_EQ(log.find(k_secret), std::string::npos) << log;
  EXPECT_EQ(log.find(k_token), std::string::npos) << log;
  EXPECT_EQ(log.find(signature), std::string::npos) << log;
  EXPECT_EQ(log.find("session=abc"), std::string::npos) << log;
  // The direct formatter is equally safe.
  std::string direct = format_request_log(sent);
  EXPECT_EQ(direct.find(signature), std::string::npos);
  EXPECT_EQ(direct.find(k_token), std::string::npos);
}

TEST(Redaction, PresignedUrlQueryValues) {
  std::string url =
      "https://bkt.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20261126%2Fus-east-1"
      "%2Fs3%2Faws4_request&X-Amz-Date=20261126T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host"
      "&X-Amz-Security-Token=TOKEN123&X-Amz-Signature=abcdef0123";
  std::string redacted = redact_url(url);
  EXPECT_EQ(redacted.find("AKID"), std::string::npos);
  EXPECT_EQ(redacted.find("TOKEN123"), std::string::npos);
  EXPECT_EQ(redacted.find("abcdef0123"), std::string::npos);
  EXPECT_NE(redacted.find("X-Amz-Date=20261126T120000Z"), std::string::npos);
  EXPECT_NE(redacted.find("X-Amz-Signature=<redacted>"), std::string::npos);
}

TEST(Redaction, ShortDummySecretsDoNotGarbleMessages) {
  const std::string message = "The Revision Id provided does not match the latest Revision Id";
  EXPECT_EQ(redact_secrets(message, {"test"}), message);
  const std::string key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  EXPECT_EQ(redact_secrets("bad key " + key + "!", {"test", key}), "bad key <redacted>!");
}

TEST(Redaction, SecretsEchoedInErrorsAreRemoved) {
  Harness h(1);
  h.transport->reply(400, std::string(R"({"message":"bad key )") + k_secret + R"("})",
                     {{"x-amzn-ErrorType", "InvalidParameterValueException"}});
  auto response = h.client->call(get_function());
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().describe().find(k_secret), std::string::npos);
  for (const CallEvent& e : h.events) EXPECT_EQ(e.text.find(k_secret), std::string::npos);
}

}  // namespace
}  // namespace lcd::aws

namespace lcd::aws {
namespace {

TEST(PresignUrl, S3UrlVerifiesWithUnsignedPayload) {
  test::FakeClock clock;
  AwsClientOptions options;
  options.clock = &clock;
  AwsConfig config;
  config.credentials = {"AKIDTEST", "s3-secret", "tok"};
  config.region = "us-east-1";
  config.endpoint_url = "http://localhost:9000";
  AwsClient client(config, std::make_shared<test::FakeTransport>(), options);
  ServiceRequest get;
  get.service = "s3";
  get.method = "GET";
  get.path = "/bkt/builds/app%20v1.zip";
  auto url = client.presign_url(get, std::chrono::seconds(900));
  ASSERT_TRUE(url) << url.error().message;
  ASSERT_TRUE(starts_with(*url, "http://localhost:9000/bkt/builds/app%20v1.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
  EXPECT_NE(url->find("X-Amz-Expires=900"), std::string::npos);
  EXPECT_NE(url->find("X-Amz-Security-Token=tok"), std::string::npos);

  sigv4::SigningRequest incoming{"GET", get.path, {}, {{"Host", "localhost:9000"}}, sigv4::k_unsigned_payload};
  for (const std::string& pair : split(url->substr(url->find('?') + 1), '&')) {
    size_t eq = pair.find('=');
    incoming.query.emplace_back(*uri_decode(pair.substr(0, eq)), *uri_decode(pair.substr(eq + 1)));
  }
  auto parsed = sigv4::parse_request_authorization(incoming);
  ASSERT_TRUE(parsed && *parsed);
  EXPECT_TRUE((*parsed)->presigned);
  EXPECT_EQ((*parsed)->amz_date, "20261126T120000Z");
  EXPECT_EQ(sigv4::expected_signature(incoming, **parsed, "s3-secret", sigv4::canonical_options_for_service("s3")).signature,
            (*parsed)->signature);
  EXPECT_FALSE(client.presign_url(get, std::chrono::seconds(0)));
  EXPECT_FALSE(client.presign_url(get, std::chrono::seconds(604801)));
}

}  // namespace
}  // namespace lcd::aws
