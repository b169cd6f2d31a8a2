#include <gtest/gtest.h>

#include <array>
#include <deque>

#include "util/encoding.hpp"
#include "harness.hpp"
#include "pipeline/stack_step.hpp"
#include "util/encoding.hpp"

namespace lcd::pipeline {
namespace {

using lcd::xml_escape;
using test::FakeClock;
using test::RecordingObserver;

std::map<std::string, std::string> form(const std::string& body) {
  std::map<std::string, std::string> out;
  for (const auto& pair : split(body, '&')) {
    auto eq = pair.find('=');
    out[uri_decode(pair.substr(0, eq), true).value_or("")] = uri_decode(pair.substr(eq + 1), true).value_or("");
  }
  return out;
}

// CloudFormation behind ServiceCaller: each DescribeStacks poll plays one scripted step of the
// running operation (appending its events, setting the status). Events are served newest first,
// two per page, so reading them exercises NextToken.
class FakeCloudFormation : public aws::ServiceCaller {
 public:
  struct Step {
    std::string logical;
    std::string type;
    std::string resource_status;
    std::string reason;
    std::string stack_status;  // empty: unchanged
  };
  struct StackState {
    std::string id;
    std::string status;
    std::string reason;
    std::vector<clients::StackEvent> events;  // oldest first
    std::deque<Step> script;
    bool deleted = false;
  };

  struct ChangeSetState {
    std::string id, name, stack, type;
    int polls_left = 1;  // DescribeChangeSet answers CREATE_IN_PROGRESS this many times first
  };
  int change_set_polls = 1;  // polls_left of each new change set
  std::string drift_status;  // what drift detection finds; empty: the drift actions are not served
  int drift_polls = 2;       // DescribeStackDriftDetectionStatus answers DETECTION_IN_PROGRESS this many times
  std::map<std::string, StackState> stacks;
  std::map<std::string, ChangeSetState> change_sets;  // by id
  std::vector<std::string> validate_capabilities;
  std::string validate_error;
  bool no_updates = false;          // change sets FAIL with "didn't contain changes"
  std::string change_set_failure;   // change sets FAIL with this reason
  // What change sets report: logical id, type, action, replacement.
  std::vector<std::array<std::string, 4>> changes = {{"Fn", "AWS::Lambda::Function", "Modify", "True"},
                                                     {"Role", "AWS::IAM::Role", "Add", ""}};
  std::vector<Step> create_script, update_script, delete_script;
  std::vector<std::map<std::string, std::string>> log;
  int event_counter = 0;

  int count(const std::string& action) const {
    int n = 0;
    for (const auto& r : log) n += r.at("Action") == action;
    return n;
  }
  const std::map<std::string, std::string>& last(const std::string& action) const {
    for (auto it = log.rbegin(); it != log.rend(); ++it)
      if (it->at("Action") == action) return *it;
    throw std::runtime_error("no " + action);
  }

  void add_event(StackState& s, const std::string& name, const Step& step) {
    clients::StackEvent e;
    e.event_id = "ev-" + std::to_string(++event_counter);
    e.stack_name = name;
    e.stack_id = s.id;
    e.logical_resource_id = step.logical.empty() ? name : step.logical;
    e.resource_type = step.type.empty() ? "AWS::CloudFormation::Stack" : step.type;
    e.resource_status = step.resource_status;
    e.resource_status_reason = step.reason;
    e.timestamp = "2026-11-26T12:00:" + std::string(event_counter < 10 ? "0" : "") + std::to_string(event_counter) + ".000Z";
    s.events.push_back(e);
  }

  void start(const std::string& name, StackState& s, const std::string& status, const std::vector<Step>& script) {
    s.status = status;
    add_event(s, name, {"", "", status, "User Initiated", ""});
    s.script.assign(script.begin(), script.end());
  }

  Result<aws::ServiceResponse> call(const aws::ServiceRequest& r) override {
    EXPECT_EQ(r.service, "cloudformation");
    EXPECT_EQ(r.method, "POST");
    auto f = form(r.body);
    EXPECT_EQ(f["Version"], "2010-05-15");
    log.push_back(f);
    const std::string action = f["Action"];
    const std::string name = f["StackName"];
    if (action == "ValidateTemplate") {
      if (!validate_error.empty()) return error("ValidationError", validate_error);
      std::string caps;
      for (const auto& c : validate_capabilities) caps += "<member>" + c + "</member>";
      return ok(action, "<Parameters/><Capabilities>" + caps + "</Capabilities>");
    }
    if (action == "DescribeChangeSet" || action == "ExecuteChangeSet" || action == "DeleteChangeSet") {
      auto cs = change_sets.find(f["ChangeSetName"]);
      if (cs == change_sets.end()) return error("ChangeSetNotFound", "ChangeSet [" + f["ChangeSetName"] + "] does not exist");
      ChangeSetState& c = cs->second;
      StackState& st = stacks[c.stack];
      if (action == "DeleteChangeSet") {
        change_sets.erase(cs);
        return ok(action, "");
      }
      if (action == "ExecuteChangeSet") {
        start(c.stack, st, c.type == "CREATE" ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS",
              c.type == "CREATE" ? create_script : update_script);
        change_sets.erase(cs);
        return ok(action, "");
      }
      std::string status = c.polls_left-- > 0 ? "CREATE_IN_PROGRESS" : "CREATE_COMPLETE";
      std::string reason;
      std::string members;
      if (status == "CREATE_COMPLETE" && no_updates) {
        status = "FAILED";
        reason = "The submitted information didn't contain changes. Submit different information to create a change set.";
      } else if (status == "CREATE_COMPLETE" && !change_set_failure.empty()) {
        status = "FAILED";
        reason = change_set_failure;
      } else if (status == "CREATE_COMPLETE") {
        for (const auto& ch : changes) {
          members += "<member><Type>Resource</Type><ResourceChange><Action>" + ch[2] + "</Action><LogicalResourceId>" +
                     ch[0] + "</LogicalResourceId><ResourceType>" + ch[1] + "</ResourceType>" +
                     (ch[3].empty() ? "" : "<Replacement>" + ch[3] + "</Replacement>") +
                     "<Scope><member>Properties</member></Scope><Details><member><Target><Attribute>Properties"
                     "</Attribute><Name>Code</Name><RequiresRecreation>Never</RequiresRecreation></Target>"
                     "<Evaluation>Static</Evaluation><ChangeSource>DirectModification</ChangeSource></member>"
                     "</Details></ResourceChange></member>";
        }
      }
      return ok(action, "<ChangeSetName>" + c.name + "</ChangeSetName><ChangeSetId>" + c.id + "</ChangeSetId><StackId>" +
                            st.id + "</StackId><StackName>" + c.stack + "</StackName><Status>" + status +
                            "</Status><StatusReason>" + xml_escape(reason) + "</StatusReason><ExecutionStatus>" +
                            (status == "CREATE_COMPLETE" ? "AVAILABLE" : "UNAVAILABLE") + "</ExecutionStatus><Changes>" +
                            members + "</Changes>");
    }
    if (!drift_status.empty() && action == "DescribeStackDriftDetectionStatus") {
      EXPECT_EQ(f["StackDriftDetectionId"], "detection-1");
      const bool done = drift_polls-- <= 0;
      return ok(action, std::string("<StackDriftDetectionId>detection-1</StackDriftDetectionId><DetectionStatus>") +
                            (done ? "DETECTION_COMPLETE" : "DETECTION_IN_PROGRESS") + "</DetectionStatus>" +
                            (done ? "<StackDriftStatus>" + drift_status + "</StackDriftStatus>" : std::string()));
    }
    StackState* s = find(name);
    if (!drift_status.empty() && s && action == "DetectStackDrift") {
      return ok(action, "<StackDriftDetectionId>detection-1</StackDriftDetectionId>");
    }
    if (!drift_status.empty() && s && action == "DescribeStackResourceDrifts") {
      return ok(action,
                "<StackResourceDrifts><member><LogicalResourceId>Fn</LogicalResourceId><PhysicalResourceId>app-fn"
                "</PhysicalResourceId><ResourceType>AWS::Lambda::Function</ResourceType><StackResourceDriftStatus>"
                "MODIFIED</StackResourceDriftStatus><PropertyDifferences><member><PropertyPath>/Timeout</PropertyPath>"
                "<ExpectedValue>10</ExpectedValue><ActualValue>30</ActualValue><DifferenceType>NOT_EQUAL"
                "</DifferenceType></member></PropertyDifferences></member><member><LogicalResourceId>Role"
                "</LogicalResourceId><ResourceType>AWS::IAM::Role</ResourceType><StackResourceDriftStatus>NOT_CHECKED"
                "</StackResourceDriftStatus></member></StackResourceDrifts>");
    }
    if (action == "CreateChangeSet") {
      const std::string type = f["ChangeSetType"];
      if (type == "CREATE") {
        if (s && s->status != "REVIEW_IN_PROGRESS") {
          return error("ValidationError", "Stack [" + name + "] already exists and cannot be created again");
        }
        if (!s) {
          StackState& n = stacks[name];
          n = StackState{};
          n.id = "arn:aws:cloudformation:us-east-1:000000000000:stack/" + name + "/" + std::to_string(stacks.size()) +
                 "-" + std::to_string(event_counter);
          n.status = "REVIEW_IN_PROGRESS";
          add_event(n, name, {"", "", "REVIEW_IN_PROGRESS", "User Initiated", ""});
          s = &n;
        }
      } else if (!s) {
        return error("ValidationError", "Stack [" + name + "] does not exist");
      }
      std::string id = "arn:aws:cloudformation:us-east-1:000000000000:changeSet/" + f["ChangeSetName"] + "/" +
                       std::to_string(change_sets.size() + 1);
      change_sets[id] = ChangeSetState{id, f["ChangeSetName"], name, type, change_set_polls};
      return ok(action, "<Id>" + id + "</Id><StackId>" + s->id + "</StackId>");
    }
    if (action == "CreateStack") {
      if (s) return error("AlreadyExistsException", "Stack [" + name + "] already exists");
      StackState& n = stacks[name];
      n = StackState{};
      n.id = "arn:aws:cloudformation:us-east-1:000000000000:stack/" + name + "/" + std::to_string(stacks.size()) + "-" + std::to_string(event_counter);
      start(name, n, "CREATE_IN_PROGRESS", create_script);
      return ok(action, "<StackId>" + n.id + "</StackId>");
    }
    if (!s) return error("ValidationError", "Stack with id " + name + " does not exist");
    if (action == "UpdateStack") {
      if (no_updates) return error("ValidationError", "No updates are to be performed.");
      start(name, *s, "UPDATE_IN_PROGRESS", update_script);
      return ok(action, "<StackId>" + s->id + "</StackId>");
    }
    if (action == "DeleteStack") {
      if (s->status == "REVIEW_IN_PROGRESS") {
        s->status = "DELETE_COMPLETE";
        s->deleted = true;
        return aws::ServiceResponse{200, {}, "<DeleteStackResponse><ResponseMetadata/></DeleteStackResponse>"};
      }
      start(name, *s, "DELETE_IN_PROGRESS", delete_script);
      return aws::ServiceResponse{200, {}, "<DeleteStackResponse><ResponseMetadata/></DeleteStackResponse>"};
    }
    if (action == "DescribeStacks") {
      if (!s->script.empty()) {
        Step step = s->script.front();
        s->script.pop_front();
        if (!step.resource_status.empty()) add_event(*s, name, step);
        if (!step.stack_status.empty()) {
          s->status = step.stack_status;
          if (step.stack_status == "DELETE_COMPLETE") s->deleted = true;
        }
      }
      if (s->deleted && name == stack_name_of(*s)) return error("ValidationError", "Stack with id " + name + " does not exist");
      return ok(action, "<Stacks><member><StackName>" + stack_name_of(*s) + "</StackName><StackId>" + s->id +
                            "</StackId><StackStatus>" + s->status + "</StackStatus><StackStatusReason>" + xml_escape(s->reason) +
                            "</StackStatusReason><Outputs><member><OutputKey>FnArn</OutputKey><OutputValue>arn:fn</OutputValue>"
                            "</member></Outputs></member></Stacks>");
    }
    if (action == "DescribeStackEvents") {
      size_t start_at = f.count("NextToken") ? std::stoul(f["NextToken"]) : 0;
      std::string members;
      size_t i = start_at;
      for (; i < s->events.size() && i < start_at + 2; ++i) {
        const auto& e = s->events[s->events.size() - 1 - i];
        members += "<member><EventId>" + e.event_id + "</EventId><StackName>" + e.stack_name +
                   "</StackName><LogicalResourceId>" + e.logical_resource_id + "</LogicalResourceId><ResourceType>" +
                   e.resource_type + "</ResourceType><Timestamp>" + e.timestamp + "</Timestamp><ResourceStatus>" +
                   e.resource_status + "</ResourceStatus><ResourceStatusReason>" + xml_escape(e.resource_status_reason) +
                   "</ResourceStatusReason></member>";
      }
      std::string token = i < s->events.size() ? "<NextToken>" + std::to_string(i) + "</NextToken>" : "";
      return ok(action, "<StackEvents>" + members + "</StackEvents>" + token);
    }
    if (action == "DescribeStackResources") {
      return ok(action, "<StackResources><member><LogicalResourceId>Fn</LogicalResourceId><ResourceType>AWS::Lambda::Function"
                        "</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus></member></StackResources>");
    }
    return error("InvalidAction", action);
  }

 private:
  StackState* find(const std::string& name_or_id) {
    for (auto& [n, s] : stacks) {
      if ((n == name_or_id && !s.deleted) || s.id == name_or_id) return &s;
    }
    return nullptr;
  }
  std::string stack_name_of(const StackState& s) const {
    for (const auto& [n, st] : stacks)
      if (&st == &s) return n;
    return {};
  }
  static Result<aws::ServiceResponse> ok(const std::string& action, const std::string& result) {
    return aws::ServiceResponse{200, {}, "<" + action + "Response xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><" +
                                             action + "Result>" + result + "</" + action + "Result></" + action + "Response>"};
  }
  static Result<aws::ServiceResponse> error(const std::string& code, const std::string& message) {
    Error e{code == "ValidationError" && message.find("does not exist") != std::string::npos ? ErrorKind::not_found
            : code == "AlreadyExistsException"                                              ? ErrorKind::conflict
                                                                                            : ErrorKind::invalid,
            message};
    e.code = code;
    e.http_status = 400;
    return tl::unexpected<Error>(std::move(e));
  }
};

struct StackBench {
  FakeCloudFormation service;
  clients::CloudFormationClient cfn{service};
  FakeClock clock;
  RecordingObserver observer;
  StackContext ctx{cfn, clock, observer, {std::chrono::seconds(1), std::chrono::seconds(5), std::chrono::minutes(10)}};
  StackSettings settings{"app", "template.yaml", {{"Stage", "prod"}}, {}};
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (const auto& e : observer.events)
      if (starts_with(e, "msg ")) out.push_back(e.substr(4));
    return out;
  }
};

const char* k_template = "Resources:\n  Role:\n    Type: AWS::IAM::Role\n  Fn:\n    Type: AWS::Lambda::Function\n";

TEST(StackDeploy, CreatesWithCapabilitiesAndStreamsEventsOldestFirst) {
  StackBench b;
  b.service.create_script = {{"Role", "AWS::IAM::Role", "CREATE_IN_PROGRESS", "", ""},
                             {"Role", "AWS::IAM::Role", "CREATE_COMPLETE", "", ""},
                             {"Fn", "AWS::Lambda::Function", "CREATE_IN_PROGRESS", "", ""},
                             {"Fn", "AWS::Lambda::Function", "CREATE_COMPLETE", "", ""},
                             {"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  auto out = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->action, StackAction::created);
  EXPECT_EQ(out->status, "CREATE_COMPLETE");
  ASSERT_EQ(out->outputs.size(), 1u);
  EXPECT_EQ(out->outputs[0].value, "arn:fn");
  const auto& create = b.service.last("CreateChangeSet");
  EXPECT_EQ(create.at("ChangeSetType"), "CREATE");
  EXPECT_EQ(create.at("ChangeSetName").rfind("lambda-cd-", 0), 0u);
  EXPECT_EQ(create.at("Capabilities.member.1"), "CAPABILITY_IAM");
  EXPECT_EQ(create.count("Capabilities.member.2"), 0u);
  EXPECT_EQ(create.at("Parameters.member.1.ParameterKey"), "Stage");
  EXPECT_EQ(create.at("Parameters.member.1.ParameterValue"), "prod");
  EXPECT_EQ(create.at("TemplateBody"), k_template);
  EXPECT_EQ(b.service.count("CreateStack"), 0);
  EXPECT_EQ(b.service.last("ExecuteChangeSet").at("ChangeSetName"), out->change_set_id);
  // The change set's changes, reported as a table before it ran.
  ASSERT_EQ(out->changes.size(), 2u);
  EXPECT_EQ(out->changes[0].replacement, "True");
  EXPECT_EQ(out->changes[1].action, "Add");
  // Every event reported exactly once, in the order they happened.
  ASSERT_EQ(out->events.size(), 6u);
  const std::vector<std::string> expected = {"CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "CREATE_COMPLETE",
                                             "CREATE_IN_PROGRESS", "CREATE_COMPLETE", "CREATE_COMPLETE"};
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(out->events[i].resource_status, expected[i]) << i;
  EXPECT_EQ(out->events[1].logical_resource_id, "Role");
  EXPECT_EQ(out->events[3].logical_resource_id, "Fn");
  auto msgs = b.messages();
  auto pos = [&](const std::string& needle) {
    for (size_t i = 0; i < msgs.size(); ++i)
      if (msgs[i].find(needle) != std::string::npos) return static_cast<int>(i);
    return -1;
  };
  EXPECT_GE(pos("CREATE_COMPLETE AWS::IAM::Role Role"), 0);
  EXPECT_LT(pos("CREATE_COMPLETE AWS::IAM::Role Role"), pos("CREATE_IN_PROGRESS AWS::Lambda::Function Fn"));
  EXPECT_GE(pos("resource  type                   action  replacement"), 0);
  EXPECT_LT(pos("Fn        AWS::Lambda::Function  Modify  True"), pos("executing change set"));
  EXPECT_LT(pos("Role      AWS::IAM::Role         Add     -"), pos("CREATE_IN_PROGRESS AWS::CloudFormation::Stack"));
  // Polled on the fake clock: the change set once after 1 s, then the stack backing off 1 s, 2 s,
  // 4 s, then every 5 s between its five polls.
  EXPECT_EQ(b.clock.monotonic().time_since_epoch(), std::chrono::seconds(13));
}

TEST(StackDeploy, NamedIamAndValidateTemplateCapabilitiesAreAdded) {
  EXPECT_TRUE(capabilities_from_template_text("Resources: {Fn: {Type: AWS::Lambda::Function}}").empty());
  auto named = capabilities_from_template_text("{\"R\": {\"Type\": \"AWS::IAM::Role\", \"Properties\": {\"RoleName\": \"x\"}}}");
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[1], "CAPABILITY_NAMED_IAM");
  auto yaml_named = capabilities_from_template_text("R:\n  Type: AWS::IAM::Role\n  Properties:\n    RoleName: x\n");
  EXPECT_EQ(yaml_named.size(), 2u);

  StackBench b;
  b.service.validate_capabilities = {"CAPABILITY_AUTO_EXPAND"};
  b.service.create_script = {{"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  b.settings.capabilities = {"CAPABILITY_IAM"};
  auto out = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_TRUE(out) << out.error().message;
  const auto& create = b.service.last("CreateChangeSet");
  EXPECT_EQ(create.at("Capabilities.member.1"), "CAPABILITY_IAM");
  EXPECT_EQ(create.at("Capabilities.member.2"), "CAPABILITY_AUTO_EXPAND");
  EXPECT_EQ(create.count("Capabilities.member.3"), 0u);
}

TEST(StackDeploy, InvalidTemplateFailsBeforeAnyChange) {
  StackBench b;
  b.service.validate_error = "Template format error: unsupported structure.";
  auto out = run_stack_deploy(b.ctx, b.settings, "nonsense");
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("template template.yaml is invalid: Template format error"), std::string::npos);
  EXPECT_EQ(b.service.count("CreateChangeSet"), 0);
}

TEST(StackDeploy, FailureNamesTheFailingResourceAndItsReason) {
  StackBench b;
  b.service.create_script = {
      {"Role", "AWS::IAM::Role", "CREATE_COMPLETE", "", ""},
      {"Fn", "AWS::Lambda::Function", "CREATE_FAILED", "Properties validation failed: required key [Code] not found", ""},
      {"Other", "AWS::S3::Bucket", "CREATE_FAILED", "Resource creation cancelled", "ROLLBACK_IN_PROGRESS"},
      {"", "", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Fn, Other].", ""},
      {"Role", "AWS::IAM::Role", "DELETE_COMPLETE", "", ""},
      {"", "", "ROLLBACK_COMPLETE", "", "ROLLBACK_COMPLETE"}};
  auto out = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "stack app create failed (ROLLBACK_COMPLETE): resource Fn (AWS::Lambda::Function) CREATE_FAILED: "
            "Properties validation failed: required key [Code] not found");
  EXPECT_TRUE(b.observer.saw("CREATE_FAILED AWS::Lambda::Function Fn: Properties validation failed"));
  EXPECT_TRUE(b.observer.saw("ROLLBACK_COMPLETE AWS::CloudFormation::Stack app"));
}

TEST(StackDeploy, RollbackCompleteStackMustBeDeletedOrIsRecreatedWhenAsked) {
  StackBench b;
  b.service.create_script = {{"Fn", "AWS::Lambda::Function", "CREATE_FAILED", "bad", "ROLLBACK_COMPLETE"}};
  ASSERT_FALSE(run_stack_deploy(b.ctx, b.settings, k_template));

  auto refused = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::conflict);
  EXPECT_NE(refused.error().message.find("ROLLBACK_COMPLETE"), std::string::npos);
  EXPECT_NE(refused.error().message.find("must be deleted"), std::string::npos);
  EXPECT_EQ(b.service.count("CreateChangeSet"), 1);
  EXPECT_EQ(b.service.count("DeleteStack"), 0);

  b.service.delete_script = {{"Role", "AWS::IAM::Role", "DELETE_COMPLETE", "", ""},
                             {"", "", "DELETE_COMPLETE", "", "DELETE_COMPLETE"}};
  b.service.create_script = {{"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  auto recreated = run_stack_deploy(b.ctx, b.settings, k_template, StackDeployOptions{true});
  ASSERT_TRUE(recreated) << recreated.error().message;
  EXPECT_EQ(recreated->action, StackAction::recreated);
  EXPECT_EQ(recreated->status, "CREATE_COMPLETE");
  EXPECT_EQ(b.service.count("DeleteStack"), 1);
  EXPECT_EQ(b.service.count("CreateChangeSet"), 2);
  EXPECT_EQ(b.service.last("CreateChangeSet").at("ChangeSetType"), "CREATE");
  EXPECT_TRUE(b.observer.saw("DELETE_COMPLETE AWS::IAM::Role Role"));
}

TEST(StackDeploy, UpdateReportsOnlyNewEventsAndNoUpdatesIsUnchanged) {
  StackBench b;
  b.service.create_script = {{"Fn", "AWS::Lambda::Function", "CREATE_COMPLETE", "", ""},
                             {"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  ASSERT_TRUE(run_stack_deploy(b.ctx, b.settings, k_template));
  const size_t before = b.observer.events.size();

  b.service.update_script = {{"Fn", "AWS::Lambda::Function", "UPDATE_IN_PROGRESS", "", ""},
                             {"Fn", "AWS::Lambda::Function", "UPDATE_COMPLETE", "", ""},
                             {"", "", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"},
                             {"", "", "UPDATE_COMPLETE", "", "UPDATE_COMPLETE"}};
  auto updated = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->action, StackAction::updated);
  EXPECT_EQ(updated->status, "UPDATE_COMPLETE");
  ASSERT_EQ(updated->events.size(), 5u);  // the creation's events are not repeated
  EXPECT_EQ(updated->events.front().resource_status, "UPDATE_IN_PROGRESS");
  EXPECT_EQ(updated->events.front().resource_type, "AWS::CloudFormation::Stack");
  EXPECT_EQ(b.service.last("CreateChangeSet").at("ChangeSetType"), "UPDATE");
  EXPECT_EQ(b.service.last("CreateChangeSet").at("Capabilities.member.1"), "CAPABILITY_IAM");
  EXPECT_EQ(b.service.count("UpdateStack"), 0);
  for (size_t i = before; i < b.observer.events.size(); ++i) {
    EXPECT_EQ(b.observer.events[i].find("CREATE_COMPLETE AWS::"), std::string::npos) << b.observer.events[i];
  }

  b.service.no_updates = true;
  auto same = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_EQ(same->action, StackAction::unchanged);
  EXPECT_EQ(same->status, "UPDATE_COMPLETE");
  EXPECT_TRUE(same->change_set_id.empty());
  EXPECT_TRUE(b.observer.saw("is up to date: the change set has no changes"));
  EXPECT_TRUE(b.service.change_sets.empty()) << "the empty change set is deleted";
  EXPECT_EQ(b.service.count("ExecuteChangeSet"), 2);
}

TEST(StackDeploy, FailedUpdateNamesResource) {
  StackBench b;
  b.service.create_script = {{"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  ASSERT_TRUE(run_stack_deploy(b.ctx, b.settings, k_template));
  b.service.update_script = {{"Fn", "AWS::Lambda::Function", "UPDATE_FAILED", "MemorySize must be <= 10240", ""},
                             {"", "", "UPDATE_ROLLBACK_IN_PROGRESS", "", "UPDATE_ROLLBACK_IN_PROGRESS"},
                             {"", "", "UPDATE_ROLLBACK_COMPLETE", "", "UPDATE_ROLLBACK_COMPLETE"}};
  auto out = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "stack app update failed (UPDATE_ROLLBACK_COMPLETE): resource Fn (AWS::Lambda::Function) UPDATE_FAILED: "
            "MemorySize must be <= 10240");
}

TEST(StackDeploy, BusyStackIsRefusedAndWaitTimesOutOnTheFakeClock) {
  StackBench b;
  std::vector<FakeCloudFormation::Step> forever(500, {"Fn", "AWS::Lambda::Function", "", "", ""});
  b.service.create_script = forever;
  b.service.change_set_polls = 0;  // planned at once: the minute is the stack's wait alone
  b.ctx.wait.timeout = std::chrono::minutes(1);
  auto out = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, ErrorKind::timeout);
  EXPECT_NE(out.error().message.find("still CREATE_IN_PROGRESS"), std::string::npos);
  EXPECT_EQ(b.clock.monotonic().time_since_epoch(), std::chrono::minutes(1));

  auto busy = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().kind, ErrorKind::conflict);
  EXPECT_NE(busy.error().message.find("is CREATE_IN_PROGRESS"), std::string::npos);
}

TEST(StackDeploy, DryRunShowsTheChangesAndLeavesNothingBehind) {
  StackBench b;
  StackDeployOptions dry;
  dry.dry_run = true;
  auto preview = run_stack_deploy(b.ctx, b.settings, k_template, dry);
  ASSERT_TRUE(preview) << preview.error().message;
  EXPECT_EQ(preview->action, StackAction::previewed);
  EXPECT_EQ(preview->changes.size(), 2u);
  EXPECT_EQ(b.service.count("ExecuteChangeSet"), 0);
  EXPECT_EQ(b.service.count("DeleteChangeSet"), 1);
  EXPECT_TRUE(b.service.change_sets.empty());
  // The stack the CREATE change set made for review is gone too.
  EXPECT_FALSE(run_stack_status(b.ctx, "app")->exists);
  EXPECT_TRUE(b.observer.saw("dry run: change set deleted, nothing executed"));

  // On an existing stack only the change set goes.
  b.service.create_script = {{"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  ASSERT_TRUE(run_stack_deploy(b.ctx, b.settings, k_template));
  auto update_preview = run_stack_preview(b.ctx, b.settings, k_template);
  ASSERT_TRUE(update_preview) << update_preview.error().message;
  EXPECT_EQ(update_preview->change_set_type, "UPDATE");
  EXPECT_EQ(update_preview->status, "CREATE_COMPLETE");
  EXPECT_TRUE(run_stack_status(b.ctx, "app")->exists);
  EXPECT_EQ(b.service.count("ExecuteChangeSet"), 1);
}

TEST(StackDeploy, AFailedChangeSetIsAnErrorWithItsReasonAndIsCleanedUp) {
  StackBench b;
  b.service.change_set_failure = "Requires capabilities : [CAPABILITY_AUTO_EXPAND]";
  auto out = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "change set for stack app failed: Requires capabilities : [CAPABILITY_AUTO_EXPAND]");
  EXPECT_TRUE(b.service.change_sets.empty());
  EXPECT_FALSE(run_stack_status(b.ctx, "app")->exists);
}

TEST(StackDeploy, AStackLeftInReviewIsCreatedThroughANewChangeSet) {
  StackBench b;
  StackDeployOptions dry;
  dry.dry_run = true;
  // Someone else's CREATE change set, never executed.
  clients::CreateChangeSetRequest req{"app", "theirs", "CREATE", k_template, {}, {}, ""};
  ASSERT_TRUE(b.cfn.create_change_set(req));
  b.service.create_script = {{"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  auto out = run_stack_deploy(b.ctx, b.settings, k_template);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->action, StackAction::created);
  EXPECT_EQ(b.service.last("CreateChangeSet").at("ChangeSetType"), "CREATE");
  EXPECT_EQ(out->status, "CREATE_COMPLETE");
}

TEST(StackDeploy, ChangeTableAlignsColumns) {
  std::vector<clients::ResourceChange> changes(2);
  changes[0] = {"Modify", "GreetingFunction", "greeting", "AWS::Lambda::Function", "False", {}, {}};
  changes[1] = {"Add", "Bucket", "", "AWS::S3::Bucket", "", {}, {}};
  EXPECT_EQ(format_change_table(changes),
            (std::vector<std::string>{"  resource          type                   action  replacement",
                                      "  GreetingFunction  AWS::Lambda::Function  Modify  False",
                                      "  Bucket            AWS::S3::Bucket        Add     -"}));
}

TEST(StackDrift, PollsTheDetectionOnTheClockAndListsEveryResource) {
  StackBench b;
  b.service.create_script = {{"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  ASSERT_TRUE(run_stack_deploy(b.ctx, b.settings, k_template));
  b.service.drift_status = "DRIFTED";
  const auto before = b.clock.monotonic();
  auto drift = run_stack_drift(b.ctx, "app");
  ASSERT_TRUE(drift) << drift.error().message;
  EXPECT_TRUE(drift->supported);
  EXPECT_EQ(drift->stack_drift_status, "DRIFTED");
  EXPECT_EQ(b.service.count("DescribeStackDriftDetectionStatus"), 3);
  EXPECT_EQ(b.clock.monotonic() - before, std::chrono::seconds(3)) << "1 s, then 2 s between the polls";
  ASSERT_EQ(drift->resources.size(), 2u);
  EXPECT_EQ(drift->resources[0].logical_resource_id, "Fn");
  EXPECT_EQ(drift->resources[0].drift_status, "MODIFIED");
  ASSERT_EQ(drift->resources[0].differences.size(), 1u);
  EXPECT_EQ(drift->resources[0].differences[0].path, "/Timeout");
  EXPECT_EQ(drift->resources[0].differences[0].expected_value, "10");
  EXPECT_EQ(drift->resources[0].differences[0].actual_value, "30");
  EXPECT_EQ(drift->resources[1].drift_status, "NOT_CHECKED");
}

TEST(StackDrift, AnEndpointWithoutDriftDetectionIsReportedNotAnError) {
  StackBench b;
  b.service.create_script = {{"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  ASSERT_TRUE(run_stack_deploy(b.ctx, b.settings, k_template));
  auto drift = run_stack_drift(b.ctx, "app");  // the fake answers InvalidAction
  ASSERT_TRUE(drift) << drift.error().message;
  EXPECT_FALSE(drift->supported);
  EXPECT_EQ(drift->unsupported_reason, "DetectStackDrift");
  EXPECT_TRUE(drift->resources.empty());

  b.service.drift_status = "DRIFTED";
  auto missing = run_stack_drift(b.ctx, "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
}

TEST(StackDelete, WaitsUntilGoneAndMissingStackIsAbsent) {
  StackBench b;
  auto absent = run_stack_delete(b.ctx, "app");
  ASSERT_TRUE(absent);
  EXPECT_EQ(absent->action, StackAction::absent);
  EXPECT_EQ(b.service.count("DeleteStack"), 0);

  b.service.create_script = {{"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  ASSERT_TRUE(run_stack_deploy(b.ctx, b.settings, k_template));
  b.service.delete_script = {{"Fn", "AWS::Lambda::Function", "DELETE_IN_PROGRESS", "", ""},
                             {"Fn", "AWS::Lambda::Function", "DELETE_COMPLETE", "", ""},
                             {"", "", "DELETE_COMPLETE", "", "DELETE_COMPLETE"}};
  auto deleted = run_stack_delete(b.ctx, "app");
  ASSERT_TRUE(deleted) << deleted.error().message;
  EXPECT_EQ(deleted->action, StackAction::deleted);
  EXPECT_EQ(deleted->status, "DELETE_COMPLETE");
  EXPECT_TRUE(b.observer.saw("DELETE_COMPLETE AWS::Lambda::Function Fn"));
  // Events of a deleted stack are read by its id.
  EXPECT_EQ(b.service.last("DescribeStackEvents").at("StackName").rfind("arn:aws:cloudformation:", 0), 0u);

  auto status = run_stack_status(b.ctx, "app");
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->exists);
}

TEST(StackDelete, DeleteFailedReportsResource) {
  StackBench b;
  b.service.create_script = {{"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  ASSERT_TRUE(run_stack_deploy(b.ctx, b.settings, k_template));
  b.service.delete_script = {{"Bucket", "AWS::S3::Bucket", "DELETE_FAILED", "The bucket you tried to delete is not empty", "DELETE_FAILED"}};
  auto out = run_stack_delete(b.ctx, "app");
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("resource Bucket (AWS::S3::Bucket) DELETE_FAILED: The bucket you tried to delete is not empty"),
            std::string::npos);
}

TEST(StackStatus, ReportsStackAndResources) {
  StackBench b;
  b.service.create_script = {{"", "", "CREATE_COMPLETE", "", "CREATE_COMPLETE"}};
  ASSERT_TRUE(run_stack_deploy(b.ctx, b.settings, k_template));
  auto status = run_stack_status(b.ctx, "app");
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_TRUE(status->exists);
  EXPECT_EQ(status->stack.status, "CREATE_COMPLETE");
  ASSERT_EQ(status->resources.size(), 1u);
  EXPECT_EQ(status->resources[0].logical_resource_id, "Fn");
}

TEST(StackFailure, FallsBackToStackReasonAndFormatsEvents) {
  clients::Stack stack;
  stack.status_reason = "Requires capabilities : [CAPABILITY_IAM]";
  EXPECT_EQ(describe_stack_failure({}, stack), "Requires capabilities : [CAPABILITY_IAM]");
  clients::StackEvent only_cancelled{"e", "", "s", "X", "", "AWS::S3::Bucket", "", "CREATE_FAILED", "Resource creation cancelled"};
  EXPECT_EQ(describe_stack_failure({only_cancelled}, stack),
            "resource X (AWS::S3::Bucket) CREATE_FAILED: Resource creation cancelled");
  EXPECT_EQ(format_stack_event(only_cancelled), " CREATE_FAILED AWS::S3::Bucket X: Resource creation cancelled");
  EXPECT_TRUE(is_terminal_stack_status("UPDATE_ROLLBACK_COMPLETE"));
  EXPECT_FALSE(is_terminal_stack_status("UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"));
  EXPECT_FALSE(is_terminal_stack_status(""));
}

}  // namespace
}  // namespace lcd::pipeline
