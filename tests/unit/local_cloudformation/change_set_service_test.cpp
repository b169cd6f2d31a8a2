// Change sets on the stack service, in-process: CREATE / UPDATE, statuses, the empty change set's
// exact reason, execution doing what the change set said, deletion, refusals, and SAM templates.
#include <gtest/gtest.h>

#include "endpoint_fixture.hpp"
#include "util/file_io.hpp"

namespace lcd::local::cloudformation {
namespace {

using test::count_of;
using test::Endpoint;
using test::xml_field;

constexpr const char* k_plain = R"({
  "Parameters": {"Memory": {"Type": "Number", "Default": "128"}},
  "Resources": {
    "Fn": {"Type": "AWS::Lambda::Function", "Properties": {
      "FunctionName": "cs-fn", "Runtime": "nodejs20.x", "Handler": "index.handler", "MemorySize": {"Ref": "Memory"},
      "Role": "arn:aws:iam::000000000000:role/r", "Code": {"ZipFile": "exports.handler = async () => 'one';"}}}
  },
  "Outputs": {"Memory": {"Value": {"Ref": "Memory"}}}
})";

std::string create_change_set(const std::string& stack, const std::string& name, const std::string& type,
                              const std::string& body, const std::string& extra = "") {
  return "Action=CreateChangeSet&StackName=" + stack + "&ChangeSetName=" + name + "&ChangeSetType=" + type +
         "&TemplateBody=" + uri_encode(body) + extra;
}

// DescribeChangeSet once the change set left CREATE_PENDING / CREATE_IN_PROGRESS.
std::string describe(Endpoint& e, const std::string& stack, const std::string& name) {
  std::string form = "Action=DescribeChangeSet&StackName=" + stack + "&ChangeSetName=" + uri_encode(name);
  std::string body;
  for (int i = 0; i < 400; ++i) {
    body = e.cfn(form).body;
    std::string status = xml_field(body, "Status");
    if (status != "CREATE_PENDING" && status != "CREATE_IN_PROGRESS") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return body;
}

TEST(ChangeSets, CreateTypeReviewsThenExecutesAndTheStackForgetsItsChangeSets) {
  TempDir state("lcd-cs");
  Endpoint e(state.path());
  auto created = e.cfn(create_change_set("app", "first", "CREATE", k_plain));
  ASSERT_EQ(created.status, 200) << created.body;
  std::string id = xml_field(created.body, "Id");
  std::string stack_id = xml_field(created.body, "StackId");
  EXPECT_EQ(id.rfind("arn:aws:cloudformation:us-east-1:000000000000:changeSet/first/", 0), 0u) << id;
  EXPECT_EQ(stack_id.rfind("arn:aws:cloudformation:us-east-1:000000000000:stack/app/", 0), 0u) << stack_id;
  // The stack exists for review only.
  std::string stack = e.cfn("Action=DescribeStacks&StackName=app").body;
  EXPECT_EQ(xml_field(stack, "StackStatus"), "REVIEW_IN_PROGRESS") << stack;
  std::string cs = describe(e, "app", "first");
  EXPECT_EQ(xml_field(cs, "Status"), "CREATE_COMPLETE") << cs;
  EXPECT_EQ(xml_field(cs, "ExecutionStatus"), "AVAILABLE");
  EXPECT_EQ(xml_field(cs, "ChangeSetId"), id);
  EXPECT_EQ(xml_field(cs, "Action"), "Add");
  EXPECT_EQ(xml_field(cs, "LogicalResourceId"), "Fn");
  EXPECT_EQ(xml_field(cs, "ResourceType"), "AWS::Lambda::Function");
  EXPECT_EQ(xml_field(cs, "Replacement"), "") << "an addition has no Replacement";
  EXPECT_EQ(xml_field(cs, "ParameterValue"), "128");
  // Nothing exists before execution.
  EXPECT_EQ(e.lambda("GET", "/2015-03-31/functions/cs-fn").status, 404);
  auto executed = e.cfn("Action=ExecuteChangeSet&ChangeSetName=" + uri_encode(id));
  ASSERT_EQ(executed.status, 200) << executed.body;
  stack = e.wait_for("app");
  EXPECT_EQ(xml_field(stack, "StackStatus"), "CREATE_COMPLETE") << stack;
  EXPECT_EQ(xml_field(stack, "ChangeSetId"), id);
  EXPECT_EQ(e.lambda("GET", "/2015-03-31/functions/cs-fn").status, 200);
  std::string events = e.cfn("Action=DescribeStackEvents&StackName=app").body;
  EXPECT_EQ(count_of(events, "<ResourceStatus>REVIEW_IN_PROGRESS</ResourceStatus>"), 1u);
  // An executed change set leaves the stack's list but can still be described by its id.
  std::string listed = e.cfn("Action=ListChangeSets&StackName=app").body;
  EXPECT_EQ(count_of(listed, "<member>"), 0u) << listed;
  cs = e.cfn("Action=DescribeChangeSet&ChangeSetName=" + uri_encode(id)).body;
  EXPECT_EQ(xml_field(cs, "ExecutionStatus"), "EXECUTE_COMPLETE") << cs;
  auto again = e.cfn("Action=ExecuteChangeSet&ChangeSetName=" + uri_encode(id));
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(xml_field(again.body, "Code"), "InvalidChangeSetStatus");
}

TEST(ChangeSets, AnUpdateWithoutChangesFailsWithAwssReasonAndCannotRun) {
  TempDir state("lcd-cs");
  Endpoint e(state.path());
  ASSERT_EQ(e.cfn("Action=CreateStack&StackName=app&TemplateBody=" + uri_encode(k_plain)).status, 200);
  ASSERT_EQ(xml_field(e.wait_for("app"), "StackStatus"), "CREATE_COMPLETE");
  ASSERT_EQ(e.cfn(create_change_set("app", "same", "UPDATE", k_plain)).status, 200);
  std::string cs = describe(e, "app", "same");
  EXPECT_EQ(xml_field(cs, "Status"), "FAILED") << cs;
  EXPECT_EQ(xml_field(cs, "StatusReason"),
            "The submitted information didn't contain changes. Submit different information to create a change set.");
  EXPECT_EQ(xml_field(cs, "ExecutionStatus"), "UNAVAILABLE");
  auto run = e.cfn("Action=ExecuteChangeSet&StackName=app&ChangeSetName=same");
  EXPECT_EQ(xml_field(run.body, "Code"), "InvalidChangeSetStatus") << run.body;
  // A failed change set can be deleted; then it is gone.
  ASSERT_EQ(e.cfn("Action=DeleteChangeSet&StackName=app&ChangeSetName=same").status, 200);
  auto gone = e.cfn("Action=DescribeChangeSet&StackName=app&ChangeSetName=same");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(xml_field(gone.body, "Code"), "ChangeSetNotFound");
}

TEST(ChangeSets, ExecutingOneMakesTheOthersObsoleteAndAppliesWhatItSaid) {
  TempDir state("lcd-cs");
  Endpoint e(state.path());
  ASSERT_EQ(e.cfn("Action=CreateStack&StackName=app&TemplateBody=" + uri_encode(k_plain)).status, 200);
  e.wait_for("app");
  std::string params512 = "&Parameters.member.1.ParameterKey=Memory&Parameters.member.1.ParameterValue=512";
  std::string params256 = "&Parameters.member.1.ParameterKey=Memory&Parameters.member.1.ParameterValue=256";
  ASSERT_EQ(e.cfn(create_change_set("app", "big", "UPDATE", k_plain, params512)).status, 200);
  auto other = e.cfn(create_change_set("app", "medium", "UPDATE", k_plain, params256));
  ASSERT_EQ(other.status, 200);
  std::string big = describe(e, "app", "big");
  EXPECT_EQ(xml_field(big, "Action"), "Modify");
  EXPECT_EQ(xml_field(big, "Replacement"), "False");
  EXPECT_EQ(xml_field(big, "Name"), "MemorySize");
  EXPECT_EQ(xml_field(big, "ChangeSource"), "ParameterReference");
  EXPECT_EQ(xml_field(big, "CausingEntity"), "Memory");
  EXPECT_EQ(xml_field(describe(e, "app", "medium"), "Status"), "CREATE_COMPLETE");
  // Same name twice on one stack is refused.
  EXPECT_EQ(xml_field(e.cfn(create_change_set("app", "big", "UPDATE", k_plain, params512)).body, "Code"),
            "AlreadyExistsException");
  ASSERT_EQ(e.cfn("Action=ExecuteChangeSet&StackName=app&ChangeSetName=big").status, 200);
  std::string stack = e.wait_for("app");
  EXPECT_EQ(xml_field(stack, "StackStatus"), "UPDATE_COMPLETE") << stack;
  EXPECT_EQ(xml_field(stack, "OutputValue"), "512");
  auto fn = e.lambda("GET", "/2015-03-31/functions/cs-fn/configuration");
  EXPECT_NE(fn.body.find("\"MemorySize\":512"), std::string::npos) << fn.body;
  std::string medium = e.cfn("Action=DescribeChangeSet&ChangeSetName=" + uri_encode(xml_field(other.body, "Id"))).body;
  EXPECT_EQ(xml_field(medium, "ExecutionStatus"), "OBSOLETE") << medium;
  EXPECT_EQ(e.cfn("Action=ExecuteChangeSet&ChangeSetName=" + uri_encode(xml_field(other.body, "Id"))).status, 400);
}

TEST(ChangeSets, RefusalsNameTheProblem) {
  TempDir state("lcd-cs");
  Endpoint e(state.path());
  auto import = e.cfn(create_change_set("app", "imp", "IMPORT", k_plain));
  EXPECT_EQ(import.status, 400);
  EXPECT_NE(xml_field(import.body, "Message").find("ChangeSetType IMPORT is not supported by lambda-cd local"),
            std::string::npos)
      << import.body;
  auto update_missing = e.cfn(create_change_set("ghost", "u", "UPDATE", k_plain));
  EXPECT_EQ(xml_field(update_missing.body, "Message"), "Stack [ghost] does not exist");
  ASSERT_EQ(e.cfn("Action=CreateStack&StackName=app&TemplateBody=" + uri_encode(k_plain)).status, 200);
  e.wait_for("app");
  auto create_existing = e.cfn(create_change_set("app", "c", "CREATE", k_plain));
  EXPECT_EQ(xml_field(create_existing.body, "Message"),
            "Stack [app] already exists and cannot be created again with the changeSet [c].");
  auto bad_name = e.cfn(create_change_set("app", "1bad", "UPDATE", k_plain));
  EXPECT_NE(bad_name.body.find("changeSetName"), std::string::npos);
  auto iam = e.cfn(create_change_set("iam", "c", "CREATE",
                                     R"({"Resources":{"R":{"Type":"AWS::IAM::Role","Properties":{"AssumeRolePolicyDocument":{}}}}})"));
  EXPECT_EQ(xml_field(iam.body, "Code"), "InsufficientCapabilitiesException") << iam.body;
  // A refused CREATE leaves no stack behind.
  EXPECT_EQ(e.cfn("Action=DescribeStacks&StackName=iam").status, 400);
}

constexpr const char* k_sam = R"(
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "exports.handler = async () => 'sam';"
      Handler: index.handler
      Runtime: nodejs20.x
      AutoPublishAlias: live
Outputs:
  Alias:
    Value: !Ref Hello.Alias
)";

TEST(ChangeSets, SamTemplatesExpandWithTheirCapabilitiesCheckedAfterTheTransform) {
  TempDir state("lcd-cs");
  Endpoint e(state.path());
  ASSERT_EQ(e.cfn(create_change_set("sam", "nocaps", "CREATE", k_sam)).status, 200);
  std::string nocaps = describe(e, "sam", "nocaps");
  EXPECT_EQ(xml_field(nocaps, "Status"), "FAILED");
  EXPECT_EQ(xml_field(nocaps, "StatusReason"), "Requires capabilities : [CAPABILITY_IAM]");
  ASSERT_EQ(e.cfn(create_change_set("sam", "ok", "CREATE", k_sam, "&Capabilities.member.1=CAPABILITY_IAM")).status, 200);
  std::string ok = describe(e, "sam", "ok");
  ASSERT_EQ(xml_field(ok, "Status"), "CREATE_COMPLETE") << ok;
  for (const char* logical : {"<LogicalResourceId>Hello</LogicalResourceId>", "<LogicalResourceId>HelloRole</LogicalResourceId>",
                              "<LogicalResourceId>HelloAliaslive</LogicalResourceId>", "<LogicalResourceId>HelloVersion"}) {
    EXPECT_NE(ok.find(logical), std::string::npos) << logical;
  }
  ASSERT_EQ(e.cfn("Action=ExecuteChangeSet&StackName=sam&ChangeSetName=ok").status, 200);
  std::string stack = e.wait_for("sam");
  ASSERT_EQ(xml_field(stack, "StackStatus"), "CREATE_COMPLETE") << stack;
  EXPECT_NE(xml_field(stack, "OutputValue").find(":function:sam-Hello-"), std::string::npos);
  EXPECT_EQ(xml_field(stack, "OutputValue").substr(xml_field(stack, "OutputValue").size() - 5), ":live");
  std::string original = e.cfn("Action=GetTemplate&StackName=sam").body;
  EXPECT_NE(xml_field(original, "TemplateBody").find("AWS::Serverless::Function"), std::string::npos);
  std::string processed = e.cfn("Action=GetTemplate&StackName=sam&TemplateStage=Processed").body;
  EXPECT_EQ(xml_field(processed, "TemplateBody").find("AWS::Serverless"), std::string::npos) << processed;
  EXPECT_NE(xml_field(processed, "TemplateBody").find("AWS::Lambda::Alias"), std::string::npos);
  // An unsupported event source fails the change set naming it.
  std::string with_event = std::string(k_sam) + "";
  with_event.replace(with_event.find("      AutoPublishAlias: live"), 0,
                     "      Events:\n        Up:\n          Type: SQS\n          Properties: {Queue: arn:q}\n");
  ASSERT_EQ(e.cfn(create_change_set("sam", "event", "UPDATE", with_event, "&Capabilities.member.1=CAPABILITY_IAM")).status,
            200);
  std::string event = describe(e, "sam", "event");
  EXPECT_EQ(xml_field(event, "Status"), "FAILED");
  EXPECT_NE(xml_field(event, "StatusReason").find("Event source type 'SQS' is not supported"), std::string::npos) << event;
}

}  // namespace
}  // namespace lcd::local::cloudformation
