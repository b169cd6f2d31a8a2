#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "clients/lambda_client.hpp"
#include "fakes.hpp"
#include "util/encoding.hpp"

using namespace lcd;
using namespace lcd::clients;
using lcd::test::ok;
using lcd::test::ScriptedCaller;
using nlohmann::json;

namespace {

std::string query_value(const aws::ServiceRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.query) {
    if (k == name) return v;
  }
  return "<absent>";
}

std::string header_value(const aws::ServiceRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

json version_json(int n) {
  return json{{"FunctionName", "fn"}, {"Version", std::to_string(n)}, {"Description", "build " + std::to_string(n)},
              {"CodeSha256", "sha" + std::to_string(n)}};
}

}  // namespace

TEST(LambdaClient, ListVersionsFollowsNextMarkerOverManyPages) {
  // 123 versions served 50 per page with opaque markers.
  const int total = 123;
  ScriptedCaller caller([&](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    int start = 0;
    std::string marker = query_value(r, "Marker");
    if (marker != "<absent>") start = std::stoi(marker.substr(2));
    json versions = json::array();
    for (int i = start; i < std::min(start + 50, total); ++i) versions.push_back(version_json(i + 1));
    json body{{"Versions", versions}};
    if (start + 50 < total) body["NextMarker"] = "m-" + std::to_string(start + 50);
    return ok(body.dump());
  });
  LambdaClient lambda(caller);
  auto all = lambda.list_versions_by_function("fn");
  ASSERT_TRUE(all) << all.error().describe();
  ASSERT_EQ(all->size(), 123u);
  EXPECT_EQ((*all)[0].version, "1");
  EXPECT_EQ((*all)[122].version, "123");
  EXPECT_EQ((*all)[60].description, "build 61");
  ASSERT_EQ(caller.requests.size(), 3u);
  EXPECT_EQ(query_value(caller.requests[0], "Marker"), "<absent>");
  EXPECT_EQ(query_value(caller.requests[1], "Marker"), "m-50");
  EXPECT_EQ(query_value(caller.requests[2], "Marker"), "m-100");
  EXPECT_EQ(caller.requests[0].method, "GET");
  EXPECT_EQ(caller.requests[0].path, "/2015-03-31/functions/fn/versions");
}

TEST(LambdaClient, ListAliasesFollowsNextMarkerAndStopsOnRepeatedMarker) {
  int calls = 0;
  ScriptedCaller caller([&](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    ++calls;
    json body{{"Aliases", json::array({json{{"Name", "A" + std::to_string(calls)}, {"FunctionVersion", "1"}}})},
              {"NextMarker", calls < 2 ? "x" : "x"}};
    return ok(body.dump());
  });
  LambdaClient lambda(caller);
  auto all = lambda.list_aliases("fn");
  ASSERT_FALSE(all);
  EXPECT_NE(all.error().message.find("same NextMarker"), std::string::npos);
  EXPECT_EQ(calls, 2);
}

TEST(LambdaClient, ListAliasesCollectsAllPages) {
  ScriptedCaller caller([&](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    if (query_value(r, "Marker") == "<absent>") {
      return ok(json{{"Aliases", json::array({json{{"Name", "STAGE"}, {"FunctionVersion", "3"}}})},
                     {"NextMarker", "p2"}}
                    .dump());
    }
    return ok(json{{"Aliases", json::array({json{{"Name", "PROD"}, {"FunctionVersion", "2"}, {"RevisionId", "r"}}})}}
                  .dump());
  });
  LambdaClient lambda(caller);
  auto all = lambda.list_aliases("fn");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].name, "PROD");
  EXPECT_EQ((*all)[1].revision_id, "r");
}

TEST(LambdaClient, ArnPathSegmentIsPercentEncodedOnce) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    return ok(R"({"FunctionName":"fn","Version":"$LATEST"})");
  });
  LambdaClient lambda(caller);
  ASSERT_TRUE(lambda.get_function_configuration("arn:aws:lambda:eu-west-1:123456789012:function:fn", "$LATEST"));
  const auto& r = caller.requests.at(0);
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.path, "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Afn/configuration");
  EXPECT_EQ(query_value(r, "Qualifier"), "$LATEST");  // decoded: the caller encodes the query once
  EXPECT_EQ(r.service, "lambda");
  EXPECT_EQ(r.operation, "GetFunctionConfiguration");
}

TEST(LambdaClient, CreateFunctionSendsBase64ZipAndParsesConfiguration) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    return ok(R"({"FunctionName":"fn","FunctionArn":"arn:aws:lambda:us-east-1:000000000000:function:fn",
      "CodeSha256":"abc=","State":"Pending","RevisionId":"rev-1","MemorySize":256,"Timeout":10,
      "Environment":{"Variables":{"A":"1"}}})",
              201);
  });
  LambdaClient lambda(caller);
  CreateFunctionRequest req;
  req.function_name = "fn";
  req.role = "arn:aws:iam::000000000000:role/r";
  req.runtime = "nodejs20.x";
  req.handler = "index.handler";
  req.code.zip_file = std::string("PK\x03\x04", 4);
  req.memory_size = 256;
  req.environment = EnvironmentVariables{{"A", "1"}};
  auto created = lambda.create_function(req);
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->state, "Pending");
  EXPECT_EQ(created->memory_size, 256);
  EXPECT_EQ(created->environment.at("A"), "1");
  const auto& r = caller.requests.at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/2015-03-31/functions");
  EXPECT_EQ(header_value(r, "Content-Type"), "application/json");
  json body = json::parse(r.body);
  EXPECT_EQ(body["Code"]["ZipFile"], "UEsDBA==");
  EXPECT_EQ(body["FunctionName"], "fn");
  EXPECT_EQ(body["MemorySize"], 256);
  EXPECT_FALSE(body.contains("Timeout"));
  EXPECT_EQ(body["Environment"]["Variables"]["A"], "1");
}

TEST(LambdaClient, UpdateCodeWithS3LocationAndRevision) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> { return ok("{}"); });
  LambdaClient lambda(caller);
  UpdateFunctionCodeRequest req;
  req.function_name = "fn";
  req.code.s3_bucket = "b";
  req.code.s3_key = "k.zip";
  req.revision_id = "rev";
  ASSERT_TRUE(lambda.update_function_code(req));
  const auto& r = caller.requests.at(0);
  EXPECT_EQ(r.method, "PUT");
  EXPECT_EQ(r.path, "/2015-03-31/functions/fn/code");
  json body = json::parse(r.body);
  EXPECT_EQ(body["S3Bucket"], "b");
  EXPECT_EQ(body["S3Key"], "k.zip");
  EXPECT_FALSE(body.contains("ZipFile"));
  EXPECT_EQ(body["RevisionId"], "rev");
}

TEST(LambdaClient, PublishVersionSendsGuards) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    return ok(R"({"Version":"7","Description":"build 7"})", 201);
  });
  LambdaClient lambda(caller);
  auto v = lambda.publish_version({"fn", "sha=", "rev-9", "build 7"});
  ASSERT_TRUE(v);
  EXPECT_EQ(v->version, "7");
  const auto& r = caller.requests.at(0);
  EXPECT_EQ(r.path, "/2015-03-31/functions/fn/versions");
  json body = json::parse(r.body);
  EXPECT_EQ(body, (json{{"CodeSha256", "sha="}, {"RevisionId", "rev-9"}, {"Description", "build 7"}}));
}

TEST(LambdaClient, AliasOperationsShapes) {
  ScriptedCaller caller([](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    if (r.method == "DELETE") return ok("", 204);
    return ok(R"({"Name":"STAGE","FunctionVersion":"2","RevisionId":"ar"})");
  });
  LambdaClient lambda(caller);
  ASSERT_TRUE(lambda.get_alias("fn", "STAGE"));
  ASSERT_TRUE(lambda.create_alias({"fn", "STAGE", "2", std::string("d")}));
  UpdateAliasRequest up;
  up.function_name = "fn";
  up.name = "STAGE";
  up.function_version = "3";
  up.revision_id = "ar";
  up.additional_version_weights = std::map<std::string, double>{};
  ASSERT_TRUE(lambda.update_alias(up));
  ASSERT_TRUE(lambda.delete_alias("fn", "STAGE"));
  ASSERT_EQ(caller.requests.size(), 4u);
  EXPECT_EQ(caller.requests[0].method, "GET");
  EXPECT_EQ(caller.requests[0].path, "/2015-03-31/functions/fn/aliases/STAGE");
  EXPECT_EQ(caller.requests[1].method, "POST");
  EXPECT_EQ(caller.requests[1].path, "/2015-03-31/functions/fn/aliases");
  EXPECT_EQ(json::parse(caller.requests[1].body),
            (json{{"Name", "STAGE"}, {"FunctionVersion", "2"}, {"Description", "d"}}));
  EXPECT_EQ(caller.requests[2].method, "PUT");
  json upbody = json::parse(caller.requests[2].body);
  EXPECT_EQ(upbody["RevisionId"], "ar");
  EXPECT_EQ(upbody["FunctionVersion"], "3");
  EXPECT_TRUE(upbody["RoutingConfig"]["AdditionalVersionWeights"].empty());
  EXPECT_EQ(caller.requests[3].method, "DELETE");
}

TEST(LambdaClient, InvokeDecodesLogTailAndReadsHeaders) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    return ok(R"({"errorMessage":"boom"})", 200,
              {{"x-amz-executed-version", "3"},
               {"X-Amz-Function-Error", "Unhandled"},
               {"X-Amz-Log-Result", base64_encode("START RequestId: 1\nEND RequestId: 1\n")}});
  });
  LambdaClient lambda(caller);
  InvokeRequest req;
  req.function_name = "fn";
  req.qualifier = "STAGE";
  req.payload = R"({"name":"x"})";
  req.tail_log = true;
  auto res = lambda.invoke(req);
  ASSERT_TRUE(res) << res.error().describe();
  EXPECT_EQ(res->executed_version, "3");
  EXPECT_EQ(res->function_error, "Unhandled");
  EXPECT_EQ(res->log_tail, "START RequestId: 1\nEND RequestId: 1\n");
  const auto& r = caller.requests.at(0);
  EXPECT_EQ(r.path, "/2015-03-31/functions/fn/invocations");
  EXPECT_EQ(query_value(r, "Qualifier"), "STAGE");
  EXPECT_EQ(header_value(r, "X-Amz-Log-Type"), "Tail");
  EXPECT_EQ(header_value(r, "Content-Type"), "<absent>");
  EXPECT_EQ(r.body, R"({"name":"x"})");
}

TEST(LambdaClient, TagsUseEncodedArnPath) {
  ScriptedCaller caller([](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    if (r.method == "GET") return ok(R"({"Tags":{"lambda-cd:build:4":"2"}})");
    return ok("", 204);
  });
  LambdaClient lambda(caller);
  const std::string arn = "arn:aws:lambda:us-east-1:000000000000:function:fn";
  ASSERT_TRUE(lambda.tag_resource(arn, {{"lambda-cd:build:4", "2"}}));
  auto tags = lambda.list_tags(arn);
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->at("lambda-cd:build:4"), "2");
  ASSERT_TRUE(lambda.untag_resource(arn, {"a", "b"}));
  EXPECT_EQ(caller.requests[0].path, "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Afn");
  EXPECT_EQ(json::parse(caller.requests[0].body)["Tags"]["lambda-cd:build:4"], "2");
  EXPECT_EQ(caller.requests[2].query.size(), 2u);
}

TEST(LambdaClient, MalformedBodyIsAnError) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> { return ok("<html>"); });
  LambdaClient lambda(caller);
  auto r = lambda.get_function("fn");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::server);
}

TEST(LambdaClient, ErrorsPassThrough) {
  ScriptedCaller caller([](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    return lcd::test::aws_error(ErrorKind::not_found, 404, "ResourceNotFoundException", "Function not found: fn");
  });
  LambdaClient lambda(caller);
  auto r = lambda.get_function("fn");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::not_found);
  EXPECT_EQ(r.error().code, "ResourceNotFoundException");
}
