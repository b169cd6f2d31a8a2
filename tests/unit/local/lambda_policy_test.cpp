// Resource-based policies (issue 10, aws-api-notes-2 §18.3). Statement shapes, texts and revision
// behaviour as recorded from AWS Lambda on 2025-11-25 (LocalStack's AWS-validated parity snapshots,
// test_lambda_api.snapshot.json: TestLambdaPermissions::test_add_lambda_permission_aws,
// test_add_lambda_permission_fields, test_remove_multi_permissions, test_permission_exceptions,
// test_lambda_permission_fn_versioning, TestLambdaRevisions::test_function_revisions_permissions).
#include "lambda_api_fixture.hpp"

using namespace lcd;
using namespace lcd::local;
using namespace lcd::local::testing;
using nlohmann::json;

namespace {

const std::string k_arn = "arn:aws:lambda:us-east-1:123456789012:function:";

json permission(const std::string& sid, const std::string& principal = "s3.amazonaws.com") {
  return json{{"StatementId", sid}, {"Action", "lambda:InvokeFunction"}, {"Principal", principal}};
}

}  // namespace

TEST_F(LambdaApiTest, AddPermissionAnswersTheStatementAndGetPolicyTheDocument) {
  create("fn");
  settle();
  auto body = permission("s3");
  body["SourceArn"] = "arn:aws:s3:::my-bucket";
  body["SourceAccount"] = "123456789012";
  auto added = call("POST", "/2015-03-31/functions/fn/policy", body);
  ASSERT_EQ(added.status, 201) << added.body;
  // The statement is a JSON string, members in AWS's order.
  EXPECT_EQ(body_of(added)["Statement"].get<std::string>(),
            R"({"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction",)"
            R"("Resource":")" + k_arn + R"(fn","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},)"
            R"("ArnLike":{"AWS:SourceArn":"arn:aws:s3:::my-bucket"}}})");
  auto got = body_of(call("GET", "/2015-03-31/functions/fn/policy"));
  json policy = json::parse(got["Policy"].get<std::string>());
  EXPECT_EQ(policy["Version"], "2012-10-17");
  EXPECT_EQ(policy["Id"], "default");
  ASSERT_EQ(policy["Statement"].size(), 1u);
  EXPECT_EQ(policy["Statement"][0]["Sid"], "s3");
  // The function's RevisionId becomes the policy's.
  EXPECT_EQ(get_config("fn/configuration")["RevisionId"], got["RevisionId"]);
}

TEST_F(LambdaApiTest, PrincipalsAreWrittenAsAwsWritesThem) {
  create("fn");
  settle();
  auto statement_of = [&](const json& body) {
    auto r = call("POST", "/2015-03-31/functions/fn/policy", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return json::parse(body_of(r)["Statement"].get<std::string>());
  };
  EXPECT_EQ(statement_of(permission("acct", "223456789012"))["Principal"],
            (json{{"AWS", "arn:aws:iam::223456789012:root"}}));
  EXPECT_EQ(statement_of(permission("wild", "*"))["Principal"], "*");
  EXPECT_EQ(statement_of(permission("user", "arn:aws:iam::223456789012:user/x"))["Principal"],
            (json{{"AWS", "arn:aws:iam::223456789012:user/x"}}));
  auto invalid = call("POST", "/2015-03-31/functions/fn/policy", permission("bad", "invalid.nonaws.com"));
  EXPECT_EQ(error_type(invalid), "InvalidParameterValueException");
  EXPECT_EQ(message_of(invalid), "The provided principal was invalid. Please check the principal and try again.");
}

TEST_F(LambdaApiTest, PermissionConflictsAndQualifiers) {
  create("fn");
  settle();
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/policy", permission("s3")).status, 201);
  auto dup = call("POST", "/2015-03-31/functions/fn/policy", permission("s3"));
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(message_of(dup),
            "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing "
            "statement.");
  EXPECT_EQ(message_of(call("POST", "/2015-03-31/functions/fn/policy?Qualifier=%24LATEST", permission("x"))),
            "We currently do not support adding policies for $LATEST.");
  EXPECT_EQ(message_of(call("POST", "/2015-03-31/functions/fn/policy?Qualifier=42", permission("x"))),
            "Function not found: " + k_arn + "fn:42");
  EXPECT_EQ(message_of(call("POST", "/2015-03-31/functions/fn%3Aalias-doesnotexist/policy", permission("x"))),
            "Cannot find alias arn: " + k_arn + "fn:alias-doesnotexist");
  EXPECT_EQ(message_of(call("POST", "/2015-03-31/functions/fn%3Aalias-not-42/policy?Qualifier=42", permission("x"))),
            "The derived qualifier from the function name does not match the specified qualifier.");
  auto sid = call("POST", "/2015-03-31/functions/fn/policy", permission("example.com"));
  EXPECT_EQ(message_of(sid),
            "1 validation error detected: Value 'example.com' at 'statementId' failed to satisfy constraint: Member "
            "must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)");
  EXPECT_EQ(message_of(call("POST", "/2015-03-31/functions/doesnotexist/policy", permission("x"))),
            "Function not found: " + k_arn + "doesnotexist");

  // A version has its own policy; the same Sid may be used there; the function's is unchanged.
  call("POST", "/2015-03-31/functions/fn/versions", json::object());
  EXPECT_EQ(message_of(call("GET", "/2015-03-31/functions/fn/policy?Qualifier=1")),
            "The resource you requested does not exist.");
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn%3A1/policy?Qualifier=1", permission("s3")).status, 201);
  json version_policy = json::parse(body_of(call("GET", "/2015-03-31/functions/fn/policy?Qualifier=1"))["Policy"].get<std::string>());
  EXPECT_EQ(version_policy["Statement"][0]["Resource"], k_arn + "fn:1");
  json function_policy = json::parse(body_of(call("GET", "/2015-03-31/functions/fn/policy"))["Policy"].get<std::string>());
  EXPECT_EQ(function_policy["Statement"][0]["Resource"], k_arn + "fn");
  // An alias's too; deleting the alias deletes its policy.
  call("POST", "/2015-03-31/functions/fn/aliases", json{{"Name", "live"}, {"FunctionVersion", "1"}});
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/policy?Qualifier=live", permission("s3")).status, 201);
  ASSERT_EQ(call("DELETE", "/2015-03-31/functions/fn/aliases/live").status, 204);
  call("POST", "/2015-03-31/functions/fn/aliases", json{{"Name", "live"}, {"FunctionVersion", "1"}});
  EXPECT_EQ(call("GET", "/2015-03-31/functions/fn/policy?Qualifier=live").status, 404);
}

TEST_F(LambdaApiTest, RemovePermissionAndPolicyRevisions) {
  EXPECT_EQ(message_of(call("DELETE", "/2015-03-31/functions/doesnotexist/policy/s3")),
            "No policy found for: " + k_arn + "doesnotexist");
  EXPECT_EQ(message_of(call("GET", "/2015-03-31/functions/doesnotexist/policy")),
            "The resource you requested does not exist.");
  create("fn");
  settle();
  EXPECT_EQ(message_of(call("DELETE", "/2015-03-31/functions/fn/policy/s3")),
            "No policy is associated with the given resource.");
  auto wrong = permission("s3");
  wrong["RevisionId"] = "wrong";
  auto refused = call("POST", "/2015-03-31/functions/fn/policy", wrong);
  EXPECT_EQ(refused.status, 412);
  EXPECT_EQ(message_of(refused),
            "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the "
            "latest Revision Id");
  auto guarded = permission("s3");
  guarded["RevisionId"] = get_config("fn/configuration")["RevisionId"];
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/policy", guarded).status, 201);
  ASSERT_EQ(call("POST", "/2015-03-31/functions/fn/policy", permission("sqs", "sqs.amazonaws.com")).status, 201);
  std::string revision = body_of(call("GET", "/2015-03-31/functions/fn/policy"))["RevisionId"];
  EXPECT_EQ(call("DELETE", "/2015-03-31/functions/fn/policy/sqs?RevisionId=wrong").status, 412);
  EXPECT_EQ(message_of(call("DELETE", "/2015-03-31/functions/fn/policy/non-existent")),
            "Statement non-existent is not found in resource policy.");
  ASSERT_EQ(call("DELETE", "/2015-03-31/functions/fn/policy/sqs?RevisionId=" + revision).status, 204);
  auto after = body_of(call("GET", "/2015-03-31/functions/fn/policy"));
  EXPECT_NE(after["RevisionId"], revision);
  EXPECT_EQ(get_config("fn/configuration")["RevisionId"], after["RevisionId"]);
  ASSERT_EQ(call("DELETE", "/2015-03-31/functions/fn/policy/s3").status, 204);
  // The last statement gone, so is the policy.
  EXPECT_EQ(message_of(call("GET", "/2015-03-31/functions/fn/policy")), "The resource you requested does not exist.");
}
