// Issue 11 points 1-3: what a zip function's configuration contains, when RevisionId changes and
// which State a version published with an update has.
//
// Where the expectations come from: the output shapes of the service model (botocore
// data/lambda/2015-03-31/service-2.json, 1.43) for what may appear, and responses recorded from AWS
// Lambda on 2025-11-25 (LocalStack's AWS-validated parity snapshots, tests/aws/services/lambda_/
// test_lambda_api.snapshot.json: test_function_lifecycle, test_list_functions, test_redundant_updates,
// TestLambdaRevisions, test_publish_with_update, test_publish_version_on_create, TestLoggingConfig,
// test_alias_lifecycle, TestLambdaTags::test_tag_lifecycle) for what AWS returns and when.
#include <set>

#include "lambda_api_fixture.hpp"

using namespace lcd;
using namespace lcd::local;
using namespace lcd::local::testing;
using nlohmann::json;

namespace {

std::set<std::string> members(const json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.items()) {
    (void)value;
    out.insert(key);
  }
  return out;
}

// Every member AWS returns for a zip function without Environment, VPC, layers or KMS.
const std::set<std::string> k_config_members = {
    "Architectures", "CodeSha256", "CodeSize",  "Description", "EphemeralStorage", "FunctionArn",
    "FunctionName",  "Handler",    "LastModified", "LoggingConfig", "MemorySize", "PackageType",
    "RevisionId",    "Role",       "Runtime",   "RuntimeVersionConfig", "SnapStart", "Timeout",
    "TracingConfig", "Version"};

std::set<std::string> with(std::set<std::string> base, std::initializer_list<const char*> extra) {
  for (const char* m : extra) base.insert(m);
  return base;
}

}  // namespace

TEST_F(LambdaApiTest, ConfigurationHasEveryMemberAwsReturnsForAZipFunction) {
  json created = create("fn");
  EXPECT_EQ(members(created), with(k_config_members, {"State", "StateReason", "StateReasonCode"}));
  EXPECT_EQ(created["LoggingConfig"], (json{{"LogFormat", "Text"}, {"LogGroup", "/aws/lambda/fn"}}));
  EXPECT_EQ(created["EphemeralStorage"], (json{{"Size", 512}}));
  EXPECT_EQ(created["SnapStart"], (json{{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}}));
  EXPECT_EQ(created["TracingConfig"], (json{{"Mode", "PassThrough"}}));
  EXPECT_EQ(created["Architectures"], json::array({"x86_64"}));
  std::string runtime_arn = created["RuntimeVersionConfig"]["RuntimeVersionArn"];
  EXPECT_EQ(runtime_arn.rfind("arn:aws:lambda:us-east-1::runtime:", 0), 0u) << runtime_arn;
  EXPECT_EQ(runtime_arn.size(), std::string("arn:aws:lambda:us-east-1::runtime:").size() + 64);
  settle();
  json got = get_config("fn/configuration");
  EXPECT_EQ(members(got), with(k_config_members, {"State", "LastUpdateStatus"}));
  auto updated = body_of(call("PUT", "/2015-03-31/functions/fn/configuration",
                              json{{"Environment", {{"Variables", {{"AB", "1"}}}}}}));
  // An update in progress is worded as creation is (recorded 2025).
  EXPECT_EQ(members(updated), with(k_config_members, {"State", "LastUpdateStatus", "LastUpdateStatusReason",
                                                      "LastUpdateStatusReasonCode", "Environment"}));
  EXPECT_EQ(updated["LastUpdateStatusReason"], "The function is being created.");
  EXPECT_EQ(updated["LastUpdateStatusReasonCode"], "Creating");
}

TEST_F(LambdaApiTest, ListEntriesOmitStateAndRuntimeVersion) {
  create("fn");
  settle();
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/versions", json::object()).status, 201);
  std::set<std::string> list_members = k_config_members;
  list_members.erase("RuntimeVersionConfig");
  json functions = body_of(call("GET", "/2015-03-31/functions"))["Functions"];
  ASSERT_EQ(functions.size(), 1u);
  EXPECT_EQ(members(functions[0]), list_members);
  json versions = body_of(call("GET", "/2015-03-31/functions/fn/versions"))["Versions"];
  ASSERT_EQ(versions.size(), 2u);
  for (const auto& v : versions) EXPECT_EQ(members(v), list_members) << v.dump();
}

TEST_F(LambdaApiTest, LoggingConfigDefaultsAndPartialUpdatesAsAws) {
  create("fn");
  settle();
  auto json_format = body_of(call("PUT", "/2015-03-31/functions/fn/configuration",
                                  json{{"LoggingConfig", {{"LogFormat", "JSON"}}}}));
  EXPECT_EQ(json_format["LoggingConfig"], (json{{"LogFormat", "JSON"},
                                                 {"LogGroup", "/aws/lambda/fn"},
                                                 {"ApplicationLogLevel", "INFO"},
                                                 {"SystemLogLevel", "INFO"}}));
  settle();
  auto debug = body_of(call("PUT", "/2015-03-31/functions/fn/configuration",
                            json{{"LoggingConfig", {{"ApplicationLogLevel", "DEBUG"}}}}));
  EXPECT_EQ(debug["LoggingConfig"]["ApplicationLogLevel"], "DEBUG");
  EXPECT_EQ(debug["LoggingConfig"]["LogFormat"], "JSON");
  settle();
  auto text = body_of(call("PUT", "/2015-03-31/functions/fn/configuration",
                           json{{"LoggingConfig", {{"LogFormat", "Text"}, {"LogGroup", "cool_lambda"}}}}));
  EXPECT_EQ(text["LoggingConfig"], (json{{"LogFormat", "Text"}, {"LogGroup", "cool_lambda"}}));
}

TEST_F(LambdaApiTest, RevisionIdChangesExactlyWhereAwsChangesIt) {
  json created = create("fn");
  const std::string pending = created["RevisionId"];
  EXPECT_EQ(get_config("fn/configuration")["RevisionId"], pending);  // still Pending: unchanged
  settle();
  const std::string active = get_config("fn/configuration")["RevisionId"];
  EXPECT_NE(active, pending);  // leaving Pending
  EXPECT_EQ(get_config("fn/configuration")["RevisionId"], active);  // reads change nothing

  json updating = body_of(call("PUT", "/2015-03-31/functions/fn/code", json{{"ZipFile", zip_b64("v2")}}));
  const std::string in_progress = updating["RevisionId"];
  EXPECT_NE(in_progress, active);
  EXPECT_EQ(get_config("fn/configuration")["RevisionId"], in_progress);
  settle();
  const std::string updated = get_config("fn/configuration")["RevisionId"];
  EXPECT_NE(updated, in_progress);  // InProgress -> Successful

  json v1 = body_of(call("POST", "/2015-03-31/functions/fn/versions", json{{"RevisionId", updated}}));
  ASSERT_EQ(v1["Version"], "1") << v1.dump();
  const std::string version_revision = v1["RevisionId"];
  EXPECT_NE(version_revision, updated);  // a version has its own
  const std::string after_publish = get_config("fn/configuration")["RevisionId"];
  EXPECT_NE(after_publish, updated);  // publishing $LATEST changes it
  EXPECT_NE(after_publish, version_revision);
  EXPECT_EQ(get_config("fn/configuration?Qualifier=1")["RevisionId"], version_revision);
  // The old RevisionId no longer passes the guard.
  EXPECT_EQ(call("PUT", "/2015-03-31/functions/fn/configuration", json{{"RevisionId", updated}, {"Timeout", 9}}).status,
            412);

  // An alias does not touch $LATEST's RevisionId.
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/aliases", json{{"Name", "live"}, {"FunctionVersion", "1"}}).status,
            201);
  EXPECT_EQ(get_config("fn/configuration")["RevisionId"], after_publish);

  const std::string arn = "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Afn";
  ASSERT_EQ(call("POST", "/2017-03-31/tags/" + arn, json{{"Tags", {{"a", "1"}}}}).status, 204);
  const std::string after_tag = get_config("fn/configuration")["RevisionId"];
  EXPECT_NE(after_tag, after_publish);
  ASSERT_EQ(call("DELETE", "/2017-03-31/tags/" + arn + "?tagKeys=a").status, 204);
  const std::string after_untag = get_config("fn/configuration")["RevisionId"];
  EXPECT_NE(after_untag, after_tag);
  // The version kept its own through all of it.
  EXPECT_EQ(get_config("fn/configuration?Qualifier=1")["RevisionId"], version_revision);
}

TEST_F(LambdaApiTest, PublishTrueOnUpdateReturnsThePendingVersion) {
  create("fn");
  settle();
  json published = body_of(
      call("PUT", "/2015-03-31/functions/fn/code", json{{"ZipFile", zip_b64("v2")}, {"Publish", true}}));
  EXPECT_EQ(published["Version"], "1");
  EXPECT_EQ(published["FunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:fn:1");
  EXPECT_EQ(published["State"], "Pending");
  EXPECT_EQ(published["StateReason"], "The function is being created.");
  EXPECT_EQ(published["StateReasonCode"], "Creating");
  EXPECT_FALSE(published.contains("LastUpdateStatus"));
  json version = get_config("fn/configuration?Qualifier=1");
  EXPECT_EQ(version["State"], "Pending");
  json latest = get_config("fn/configuration?Qualifier=%24LATEST");
  EXPECT_EQ(latest["LastUpdateStatus"], "InProgress");
  EXPECT_NE(latest["RevisionId"], published["RevisionId"]);
  settle();
  json active = get_config("fn/configuration?Qualifier=1");
  EXPECT_EQ(active["State"], "Active");
  EXPECT_EQ(active["LastUpdateStatus"], "Successful");
  EXPECT_EQ(active["RevisionId"], published["RevisionId"]);  // becoming Active keeps a version's
}

TEST_F(LambdaApiTest, PublishTrueOnCreateAnswersVersionOneWithTheUnqualifiedArn) {
  auto body = create_body("fn");
  body["Publish"] = true;
  auto r = call("POST", "/2015-03-31/functions", body);
  ASSERT_EQ(r.status, 201) << r.body;
  json created = body_of(r);
  EXPECT_EQ(created["Version"], "1");
  EXPECT_EQ(created["FunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:fn");
  EXPECT_EQ(created["State"], "Pending");
  EXPECT_EQ(get_config("fn/configuration?Qualifier=1")["State"], "Pending");
  settle();
  json latest = get_config("fn/configuration");
  json v1 = get_config("fn/configuration?Qualifier=1");
  EXPECT_EQ(v1["State"], "Active");
  EXPECT_NE(latest["RevisionId"], created["RevisionId"]);
  EXPECT_NE(v1["RevisionId"], latest["RevisionId"]);
}

TEST_F(LambdaApiTest, GetFunctionThroughAnAliasShowsTheAliasArnAndConcurrency) {
  create("fn");
  settle();
  call("POST", "/2015-03-31/functions/fn/versions", json::object());
  call("POST", "/2015-03-31/functions/fn/aliases", json{{"Name", "live"}, {"FunctionVersion", "1"}});
  json by_alias = get_config("fn?Qualifier=live");
  EXPECT_EQ(by_alias["Configuration"]["FunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:fn:live");
  EXPECT_EQ(by_alias["Configuration"]["Version"], "1");
  EXPECT_FALSE(by_alias.contains("Concurrency"));
  EXPECT_FALSE(by_alias.contains("Tags"));
  ASSERT_EQ(call("PUT", "/2017-10-31/functions/fn/concurrency", json{{"ReservedConcurrentExecutions", 0}}).status, 200);
  EXPECT_EQ(get_config("fn")["Concurrency"], (json{{"ReservedConcurrentExecutions", 0}}));
}
