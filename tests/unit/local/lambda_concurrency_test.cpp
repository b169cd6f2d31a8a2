// Reserved concurrency, account settings, code storage and unimplemented operations (issue 10,
// aws-api-notes-2 §18.1, §18.2, §18.4; issue 14). Texts recorded from AWS Lambda on 2025-11-25
// (LocalStack's AWS-validated parity snapshots, test_lambda_api.snapshot.json:
// TestLambdaReservedConcurrency, TestLambdaAccountSettings; test_lambda.snapshot.json:
// TestLambdaConcurrency::test_lambda_concurrency_block). The 501 answer is our own choice (§18.4).
#include "lambda_api_fixture.hpp"

using namespace lcd;
using namespace lcd::local;
using namespace lcd::local::testing;
using nlohmann::json;

namespace {

const std::string k_arn = "arn:aws:lambda:us-east-1:123456789012:function:";

json reserve(int n) { return json{{"ReservedConcurrentExecutions", n}}; }

}  // namespace

TEST_F(LambdaApiTest, ReservedConcurrencyLifecycle) {
  LambdaApiOptions options;
  options.concurrency_limit = 1000;
  start(options);
  create("fn");
  auto put = call("PUT", "/2017-10-31/functions/fn/concurrency", reserve(1));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(body_of(put), reserve(1));
  EXPECT_EQ(body_of(call("GET", "/2019-09-30/functions/fn/concurrency")), reserve(1));
  json settings = body_of(call("GET", "/2016-08-19/account-settings"));
  EXPECT_EQ(settings["AccountLimit"]["ConcurrentExecutions"], 1000);
  EXPECT_EQ(settings["AccountLimit"]["UnreservedConcurrentExecutions"], 999);
  auto deleted = call("DELETE", "/2017-10-31/functions/fn/concurrency");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  EXPECT_EQ(body_of(call("GET", "/2019-09-30/functions/fn/concurrency")), json::object());
  EXPECT_EQ(body_of(call("GET", "/2016-08-19/account-settings"))["AccountLimit"]["UnreservedConcurrentExecutions"], 1000);
  // At most ConcurrentExecutions - 100 in reservations; the rest of the texts as recorded.
  EXPECT_EQ(call("PUT", "/2017-10-31/functions/fn/concurrency", reserve(900)).status, 200);
  auto too_much = call("PUT", "/2017-10-31/functions/fn/concurrency", reserve(901));
  EXPECT_EQ(error_type(too_much), "InvalidParameterValueException");
  EXPECT_EQ(message_of(too_much),
            "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
            "below its minimum value of [100].");
  create("other");
  EXPECT_EQ(call("PUT", "/2017-10-31/functions/other/concurrency", reserve(1)).status, 400);
  EXPECT_EQ(message_of(call("PUT", "/2017-10-31/functions/doesnotexist/concurrency", reserve(1))),
            "Function not found: " + k_arn + "doesnotexist:$LATEST");
  EXPECT_EQ(message_of(call("GET", "/2019-09-30/functions/doesnotexist/concurrency")),
            "Function not found: " + k_arn + "doesnotexist");
  EXPECT_EQ(message_of(call("PUT", "/2017-10-31/functions/" + uri_encode(k_arn + "fn:$LATEST") + "/concurrency",
                            reserve(0))),
            "This operation is permitted on Lambda functions only. Aliases and versions do not support this "
            "operation. Please specify either a function name or an unqualified function ARN.");
  EXPECT_EQ(message_of(call("PUT", "/2017-10-31/functions/fn/concurrency", reserve(-1))),
            "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to satisfy constraint: "
            "Member must have value greater than or equal to 0");
}

TEST_F(LambdaApiTest, SmallAccountsCannotReserveButZero) {
  // The default limit (10) leaves nothing to reserve: AWS reports [10] on such accounts.
  create("fn");
  EXPECT_EQ(call("PUT", "/2017-10-31/functions/fn/concurrency", reserve(0)).status, 200);
  EXPECT_EQ(message_of(call("PUT", "/2017-10-31/functions/fn/concurrency", reserve(1))),
            "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
            "below its minimum value of [10].");
}

TEST_F(LambdaApiTest, InvokeCarriesReservationsAndThrottlesAsAws) {
  LambdaApiOptions options;
  options.concurrency_limit = 200;
  start(options);
  create("fn");
  create("other");
  settle();
  call("PUT", "/2017-10-31/functions/fn/concurrency", reserve(3));
  call("PUT", "/2017-10-31/functions/other/concurrency", reserve(5));
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/invocations", json::object()).status, 200);
  EXPECT_EQ(m_invoker.last.function.reserved_concurrency, 3);
  EXPECT_EQ(m_invoker.last.function.account_reserved_concurrency, 8);
  EXPECT_EQ(m_invoker.last.function.account_id, k_account);
  // The engine's refusal reaches the caller as AWS words it.
  Error throttled{ErrorKind::throttled, runtime::k_reserved_limit_reason};
  throttled.code = "TooManyRequestsException";
  throttled.http_status = 429;
  m_invoker.fail_with = throttled;
  auto r = call("POST", "/2015-03-31/functions/fn/invocations", json::object());
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(error_type(r), "TooManyRequestsException");
  EXPECT_EQ(body_of(r), (json{{"Reason", "ReservedFunctionConcurrentInvocationLimitExceeded"},
                              {"Type", "User"},
                              {"message", "Rate Exceeded."}}));
  // Events are queued, never refused.
  EXPECT_EQ(call("POST", "/2015-03-31/functions/fn/invocations", json::object(), {{"X-Amz-Invocation-Type", "Event"}})
                .status,
            202);
}

TEST_F(LambdaApiTest, AccountSettingsReportRealCodeStorageAndItsLimitIsEnforced) {
  LambdaApiOptions options;
  options.code_storage_limit = 3000;
  start(options);
  const std::string zip = make_zip({{"index.js", std::string(600, 'x')}});
  const int64_t size = static_cast<int64_t>(zip.size());
  auto body = create_body("fn");
  body["Code"]["ZipFile"] = base64_encode(zip);
  ASSERT_EQ(call("POST", "/2015-03-31/functions", body).status, 201);
  settle();
  json settings = body_of(call("GET", "/2016-08-19/account-settings"));
  EXPECT_EQ(settings["AccountLimit"]["TotalCodeSize"], 3000);
  EXPECT_EQ(settings["AccountLimit"]["CodeSizeZipped"], 52428800);
  EXPECT_EQ(settings["AccountLimit"]["CodeSizeUnzipped"], 262144000);
  EXPECT_EQ(settings["AccountUsage"]["TotalCodeSize"], size);
  EXPECT_EQ(settings["AccountUsage"]["FunctionCount"], 1);
  // Every published version counts, even with the same code.
  int published = 0;
  HttpResponse last;
  for (int i = 0; i < 10; ++i) {
    call("PUT", "/2015-03-31/functions/fn/configuration", json{{"Description", "d" + std::to_string(i)}});
    settle();
    last = call("POST", "/2015-03-31/functions/fn/versions", json::object());
    if (last.status != 201) break;
    ++published;
  }
  EXPECT_EQ(published, static_cast<int>(3000 / size) - 1);
  EXPECT_EQ(last.status, 400);
  EXPECT_EQ(error_type(last), "CodeStorageExceededException");
  EXPECT_EQ(message_of(last), "Code storage limit exceeded.");
  EXPECT_EQ(body_of(call("GET", "/2016-08-19/account-settings"))["AccountUsage"]["TotalCodeSize"], size * (1 + published));
  // A new function too; another region has its own storage.
  body["FunctionName"] = "second";
  auto refused = call("POST", "/2015-03-31/functions", body);
  EXPECT_EQ(error_type(refused), "CodeStorageExceededException");
  EXPECT_EQ(call("POST", "/2015-03-31/functions", body, {}, "eu-west-1").status, 201);
  // Deleting versions frees it.
  for (int v = 1; v <= published; ++v) call("DELETE", "/2015-03-31/functions/fn?Qualifier=" + std::to_string(v));
  EXPECT_EQ(call("POST", "/2015-03-31/functions", body).status, 201);
}

TEST_F(LambdaApiTest, OperationsNotServedAnswer501NamingThem) {
  for (auto [method, path, op] :
       {std::tuple{"GET", "/2018-10-31/layers", "ListLayers"},
        std::tuple{"GET", "/2018-10-31/layers?find=LayerVersion&Arn=x", "GetLayerVersionByArn"},
        std::tuple{"POST", "/2015-03-31/event-source-mappings", "CreateEventSourceMapping"},
        std::tuple{"PUT", "/2019-09-25/functions/fn/event-invoke-config", "PutFunctionEventInvokeConfig"},
        std::tuple{"GET", "/2021-10-31/functions/fn/url", "GetFunctionUrlConfig"},
        std::tuple{"GET", "/2019-09-30/functions/fn/provisioned-concurrency?List=ALL", "ListProvisionedConcurrencyConfigs"}}) {
    auto r = call(method, path, json::object());
    EXPECT_EQ(r.status, 501) << path;
    EXPECT_EQ(error_type(r), "NotImplementedException") << path;
    EXPECT_EQ(body_of(r), (json{{"Type", "Service"}, {"message", std::string(op) + " is not implemented by the local endpoint"}}))
        << path;
  }
  // A route no operation has is not an unimplemented operation.
  auto unknown = call("GET", "/2015-03-31/nothing-here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_type(unknown), "UnknownOperationException");
}

TEST_F(LambdaApiTest, RegionsAndAccountsKeepTheirOwnFunctions) {
  create("fn");
  EXPECT_EQ(call("GET", "/2015-03-31/functions/fn", nullptr, {}, "eu-west-1").status, 404);
  EXPECT_EQ(call("POST", "/2015-03-31/functions", create_body("fn"), {}, "eu-west-1").status, 201);
  json eu = body_of(call("GET", "/2015-03-31/functions/fn/configuration", nullptr, {}, "eu-west-1"));
  EXPECT_EQ(eu["FunctionArn"], "arn:aws:lambda:eu-west-1:123456789012:function:fn");
  EXPECT_EQ(body_of(call("GET", "/2015-03-31/functions"))["Functions"].size(), 1u);
}
