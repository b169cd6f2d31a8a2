#include <gtest/gtest.h>

#include "clients/cloudformation_client.hpp"
#include "fakes.hpp"

namespace lcd::clients {
namespace {

using test::ok;
using test::ScriptedCaller;

constexpr const char* k_ns = " xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"";

std::string wrap(const std::string& action, const std::string& result) {
  return "<" + action + "Response" + k_ns + "><" + action + "Result>" + result + "</" + action +
         "Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></" + action + "Response>";
}

TEST(CloudFormationClient, CreateStackFormBody) {
  ScriptedCaller caller([](const aws::ServiceRequest&) {
    return ok(wrap("CreateStack", "<StackId>arn:aws:cloudformation:us-east-1:1:stack/s/u</StackId>"));
  });
  CloudFormationClient cfn(caller);
  CreateStackRequest req;
  req.stack_name = "s";
  req.template_body = "{\"Resources\": {}}";
  req.parameters = {{"K", "V 1&2"}, {"Env", "prod"}};
  req.capabilities = {"CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"};
  req.tags = {{"a", "b"}};
  auto id = cfn.create_stack(req);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, "arn:aws:cloudformation:us-east-1:1:stack/s/u");
  ASSERT_EQ(caller.requests.size(), 1u);
  const auto& r = caller.requests[0];
  EXPECT_EQ(r.service, "cloudformation");
  EXPECT_EQ(r.protocol, aws::Protocol::query_xml);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/");
  EXPECT_EQ(r.headers.at(0).second, "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(r.body,
            "Action=CreateStack&Version=2010-05-15&StackName=s&TemplateBody=%7B%22Resources%22%3A%20%7B%7D%7D"
            "&Parameters.member.1.ParameterKey=K&Parameters.member.1.ParameterValue=V%201%262"
            "&Parameters.member.2.ParameterKey=Env&Parameters.member.2.ParameterValue=prod"
            "&Capabilities.member.1=CAPABILITY_IAM&Capabilities.member.2=CAPABILITY_NAMED_IAM"
            "&Tags.member.1.Key=a&Tags.member.1.Value=b");
}

TEST(CloudFormationClient, UpdateStackTreatsNoUpdatesAsUnchanged) {
  int calls = 0;
  ScriptedCaller caller([&](const aws::ServiceRequest&) -> Result<aws::ServiceResponse> {
    if (++calls == 1) return test::aws_error(ErrorKind::invalid, 400, "ValidationError", "No updates are to be performed.");
    if (calls == 2) return test::aws_error(ErrorKind::invalid, 400, "ValidationError", "Template format error: bad");
    return ok(wrap("UpdateStack", "<StackId>id-2</StackId>"));
  });
  CloudFormationClient cfn(caller);
  UpdateStackRequest req{"s", "{}", {}, {"CAPABILITY_IAM"}};
  auto unchanged = cfn.update_stack(req);
  ASSERT_TRUE(unchanged);
  EXPECT_TRUE(unchanged->no_updates);
  auto invalid = cfn.update_stack(req);
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().message, "Template format error: bad");
  auto updated = cfn.update_stack(req);
  ASSERT_TRUE(updated);
  EXPECT_FALSE(updated->no_updates);
  EXPECT_EQ(updated->stack_id, "id-2");
  EXPECT_EQ(caller.requests[0].body,
            "Action=UpdateStack&Version=2010-05-15&StackName=s&TemplateBody=%7B%7D&Capabilities.member.1=CAPABILITY_IAM");
}

TEST(CloudFormationClient, DescribeStackParsesMembers) {
  ScriptedCaller caller([](const aws::ServiceRequest&) {
    return ok(wrap("DescribeStacks",
                   "<Stacks><member><StackName>s</StackName><StackId>arn:s</StackId>"
                   "<CreationTime>2026-11-26T12:00:00.000Z</CreationTime><StackStatus>ROLLBACK_COMPLETE</StackStatus>"
                   "<StackStatusReason>The following resource(s) failed to create: [Fn]. </StackStatusReason>"
                   "<Capabilities><member>CAPABILITY_IAM</member></Capabilities>"
                   "<Parameters><member><ParameterKey>K</ParameterKey><ParameterValue>V</ParameterValue></member></Parameters>"
                   "<Outputs><member><OutputKey>FnArn</OutputKey><OutputValue>arn:fn</OutputValue><Description>d</Description></member></Outputs>"
                   "</member></Stacks>"));
  });
  CloudFormationClient cfn(caller);
  auto s = cfn.describe_stack("s");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->status, "ROLLBACK_COMPLETE");
  EXPECT_EQ(s->stack_id, "arn:s");
  EXPECT_EQ(s->status_reason, "The following resource(s) failed to create: [Fn]. ");
  ASSERT_EQ(s->capabilities.size(), 1u);
  EXPECT_EQ(s->capabilities[0], "CAPABILITY_IAM");
  ASSERT_EQ(s->parameters.size(), 1u);
  EXPECT_EQ(s->parameters[0].value, "V");
  ASSERT_EQ(s->outputs.size(), 1u);
  EXPECT_EQ(s->outputs[0].key, "FnArn");
  EXPECT_EQ(s->outputs[0].value, "arn:fn");
  EXPECT_EQ(caller.requests[0].body, "Action=DescribeStacks&Version=2010-05-15&StackName=s");
}

TEST(CloudFormationClient, DescribeStackEmptyListIsNotFound) {
  ScriptedCaller caller([](const aws::ServiceRequest&) { return ok(wrap("DescribeStacks", "<Stacks/>")); });
  CloudFormationClient cfn(caller);
  auto s = cfn.describe_stack("s");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::not_found);
}

std::string event_xml(const std::string& id, const std::string& logical, const std::string& status,
                      const std::string& reason = "") {
  return "<member><EventId>" + id + "</EventId><StackName>s</StackName><LogicalResourceId>" + logical +
         "</LogicalResourceId><ResourceType>AWS::Lambda::Function</ResourceType><Timestamp>2026-11-26T12:00:00Z</Timestamp>"
         "<ResourceStatus>" + status + "</ResourceStatus>" +
         (reason.empty() ? "" : "<ResourceStatusReason>" + reason + "</ResourceStatusReason>") + "</member>";
}

TEST(CloudFormationClient, DescribeStackEventsFollowsNextTokenAndStopsAtAKnownEvent) {
  ScriptedCaller caller([](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    if (r.body.find("NextToken=") == std::string::npos) {
      return ok(wrap("DescribeStackEvents", "<StackEvents>" + event_xml("e5", "s", "CREATE_COMPLETE") +
                                                event_xml("e4", "Fn", "CREATE_COMPLETE") +
                                                "</StackEvents><NextToken>page+2</NextToken>"));
    }
    return ok(wrap("DescribeStackEvents", "<StackEvents>" + event_xml("e3", "Fn", "CREATE_IN_PROGRESS", "Resource creation Initiated") +
                                              event_xml("e2", "s", "CREATE_IN_PROGRESS", "User Initiated") + "</StackEvents>"));
  });
  CloudFormationClient cfn(caller);
  auto all = cfn.describe_stack_events("s");
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].event_id, "e5");
  EXPECT_EQ((*all)[2].resource_status_reason, "Resource creation Initiated");
  EXPECT_EQ((*all)[3].event_id, "e2");
  ASSERT_EQ(caller.requests.size(), 2u);
  EXPECT_EQ(caller.requests[1].body, "Action=DescribeStackEvents&Version=2010-05-15&StackName=s&NextToken=page%2B2");

  caller.requests.clear();
  auto newer = cfn.describe_stack_events("s", "e4");
  ASSERT_TRUE(newer);
  ASSERT_EQ(newer->size(), 1u);
  EXPECT_EQ((*newer)[0].event_id, "e5");
  EXPECT_EQ(caller.requests.size(), 1u);  // never fetched the second page
}

TEST(CloudFormationClient, DescribeStackResourcesAndValidateTemplate) {
  ScriptedCaller caller([](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    if (r.operation == "DescribeStackResources") {
      return ok(wrap("DescribeStackResources",
                     "<StackResources><member><LogicalResourceId>Role</LogicalResourceId><PhysicalResourceId>s-Role-X</PhysicalResourceId>"
                     "<ResourceType>AWS::IAM::Role</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus></member></StackResources>"));
    }
    return ok(wrap("ValidateTemplate",
                   "<Parameters><member><ParameterKey>Stage</ParameterKey><DefaultValue>dev</DefaultValue><NoEcho>false</NoEcho></member></Parameters>"
                   "<Description>demo</Description><Capabilities><member>CAPABILITY_IAM</member></Capabilities>"
                   "<CapabilitiesReason>The following resource(s) require capabilities: [AWS::IAM::Role]</CapabilitiesReason>"));
  });
  CloudFormationClient cfn(caller);
  auto resources = cfn.describe_stack_resources("s");
  ASSERT_TRUE(resources);
  ASSERT_EQ(resources->size(), 1u);
  EXPECT_EQ((*resources)[0].physical_resource_id, "s-Role-X");
  EXPECT_EQ((*resources)[0].resource_type, "AWS::IAM::Role");

  auto v = cfn.validate_template("Resources: {}");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->description, "demo");
  ASSERT_EQ(v->parameters.size(), 1u);
  EXPECT_EQ(v->parameters[0].default_value, "dev");
  ASSERT_EQ(v->capabilities.size(), 1u);
  EXPECT_EQ(v->capabilities[0], "CAPABILITY_IAM");
  EXPECT_EQ(caller.requests.back().body, "Action=ValidateTemplate&Version=2010-05-15&TemplateBody=Resources%3A%20%7B%7D");
}

TEST(CloudFormationClient, DeleteStackAndErrors) {
  ScriptedCaller caller([](const aws::ServiceRequest& r) -> Result<aws::ServiceResponse> {
    if (r.operation == "DeleteStack")
      return ok("<DeleteStackResponse><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></DeleteStackResponse>");
    return ok("<SomethingElse/>");
  });
  CloudFormationClient cfn(caller);
  EXPECT_TRUE(cfn.delete_stack("s"));
  EXPECT_EQ(caller.requests[0].body, "Action=DeleteStack&Version=2010-05-15&StackName=s");
  auto wrong = cfn.describe_stack("s");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::invalid);
}

}  // namespace
}  // namespace lcd::clients

namespace lcd::clients {
namespace {

TEST(CloudFormationChangeSets, DescribeChangeSetParsesChangesAndDetails) {
  const char* xml = R"(<DescribeChangeSetResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
<DescribeChangeSetResult><ChangeSetName>cs</ChangeSetName><ChangeSetId>arn:cs</ChangeSetId><StackId>arn:stack</StackId>
<StackName>app</StackName><Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus>
<Changes><member><Type>Resource</Type><ResourceChange><Action>Modify</Action><LogicalResourceId>Fn</LogicalResourceId>
<PhysicalResourceId>fn-a</PhysicalResourceId><ResourceType>AWS::Lambda::Function</ResourceType><Replacement>Conditional</Replacement>
<Scope><member>Properties</member></Scope><Details><member><Target><Attribute>Properties</Attribute><Name>FunctionName</Name>
<RequiresRecreation>Always</RequiresRecreation></Target><Evaluation>Dynamic</Evaluation><ChangeSource>ResourceReference</ChangeSource>
<CausingEntity>Other</CausingEntity></member></Details></ResourceChange></member></Changes>
<NextToken>page2</NextToken></DescribeChangeSetResult></DescribeChangeSetResponse>)";
  std::string next;
  auto cs = parse_describe_change_set(xml, next);
  ASSERT_TRUE(cs) << cs.error().message;
  EXPECT_EQ(next, "page2");
  EXPECT_EQ(cs->change_set_id, "arn:cs");
  EXPECT_EQ(cs->execution_status, "AVAILABLE");
  ASSERT_EQ(cs->changes.size(), 1u);
  const auto& c = cs->changes[0];
  EXPECT_EQ(c.action, "Modify");
  EXPECT_EQ(c.replacement, "Conditional");
  EXPECT_EQ(c.scope, std::vector<std::string>{"Properties"});
  ASSERT_EQ(c.details.size(), 1u);
  EXPECT_EQ(c.details[0].requires_recreation, "Always");
  EXPECT_EQ(c.details[0].causing_entity, "Other");
  EXPECT_FALSE(is_empty_change_set(*cs));
  ChangeSet empty;
  empty.status = "FAILED";
  empty.status_reason = "The submitted information didn't contain changes. Submit different information to create a change set.";
  EXPECT_TRUE(is_empty_change_set(empty));
  empty.status_reason = "Requires capabilities : [CAPABILITY_IAM]";
  EXPECT_FALSE(is_empty_change_set(empty));
}

TEST(CloudFormationChangeSets, DriftResponses) {
  const char* status = R"(<DescribeStackDriftDetectionStatusResponse><DescribeStackDriftDetectionStatusResult>
<StackDriftStatus>DRIFTED</StackDriftStatus><DetectionStatus>DETECTION_COMPLETE</DetectionStatus>
</DescribeStackDriftDetectionStatusResult></DescribeStackDriftDetectionStatusResponse>)";
  auto s = parse_drift_detection_status(status);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->stack_drift_status, "DRIFTED");
  EXPECT_EQ(s->detection_status, "DETECTION_COMPLETE");
  const char* drifts = R"(<DescribeStackResourceDriftsResponse><DescribeStackResourceDriftsResult><StackResourceDrifts>
<member><LogicalResourceId>Fn</LogicalResourceId><PhysicalResourceId>fn</PhysicalResourceId>
<ResourceType>AWS::Lambda::Function</ResourceType><StackResourceDriftStatus>MODIFIED</StackResourceDriftStatus>
<PropertyDifferences><member><PropertyPath>/Timeout</PropertyPath><ExpectedValue>10</ExpectedValue>
<ActualValue>30</ActualValue><DifferenceType>NOT_EQUAL</DifferenceType></member></PropertyDifferences></member>
</StackResourceDrifts></DescribeStackResourceDriftsResult></DescribeStackResourceDriftsResponse>)";
  std::string next;
  auto list = parse_resource_drifts(drifts, next);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].drift_status, "MODIFIED");
  ASSERT_EQ((*list)[0].differences.size(), 1u);
  EXPECT_EQ((*list)[0].differences[0].actual_value, "30");
  EXPECT_TRUE(next.empty());
}

}  // namespace
}  // namespace lcd::clients
