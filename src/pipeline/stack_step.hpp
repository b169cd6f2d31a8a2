#pragma once
// `stack deploy|delete|status`: the project's CloudFormation stack. Deploy creates the stack or
// updates it ("No updates are to be performed." is success, unchanged), passes the IAM
// capabilities the template needs, reports every new stack event oldest-first through the
// observer while it polls, and waits for a terminal status. A failure names the first failing
// resource and its ResourceStatusReason. A ROLLBACK_COMPLETE stack cannot be updated: deploy says
// so, or deletes and recreates it when asked.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "clients/cloudformation_client.hpp"
#include "pipeline/observer.hpp"
#include "util/clock.hpp"

namespace lcd::pipeline {

struct StackSettings {
  std::string name;
  std::string template_path;  // relative to the project root, as configured
  std::map<std::string, std::string> parameters;
  std::vector<std::string> capabilities;  // in addition to those the template is found to need
};

struct StackWaitPolicy {
  std::chrono::milliseconds first_interval{500};  // doubles each poll up to poll_interval
  std::chrono::milliseconds poll_interval{std::chrono::seconds(5)};
  std::chrono::milliseconds timeout{std::chrono::minutes(60)};
};

struct StackContext {
  clients::CloudFormationClient& cfn;
  Clock& clock;
  Observer& observer;
  StackWaitPolicy wait{};
};

enum class StackAction { created, updated, unchanged, recreated, deleted, absent };
const char* to_string(StackAction action);

struct StackOutcome {
  std::string stack_name;
  std::string stack_id;
  StackAction action = StackAction::unchanged;
  std::string status;  // final StackStatus ("" when the stack does not exist)
  std::vector<std::string> capabilities;  // what was passed
  std::vector<clients::StackOutput> outputs;
  std::vector<clients::StackEvent> events;  // the events of this operation, oldest first
};

struct StackDeployOptions {
  bool recreate_rolled_back = false;  // delete a ROLLBACK_COMPLETE stack and create it again
};

Result<StackOutcome> run_stack_deploy(StackContext& ctx, const StackSettings& settings,
                                      const std::string& template_body, const StackDeployOptions& options = {});
// Deleting a stack that does not exist succeeds with action `absent`.
Result<StackOutcome> run_stack_delete(StackContext& ctx, const std::string& stack_name);

struct StackStatusReport {
  bool exists = false;
  clients::Stack stack;
  std::vector<clients::StackResource> resources;
};
Result<StackStatusReport> run_stack_status(StackContext& ctx, const std::string& stack_name);

// The capabilities a template needs, from its text: CAPABILITY_IAM for any AWS::IAM:: resource type,
// CAPABILITY_NAMED_IAM when such a resource has a custom name (RoleName, UserName, ...).
std::vector<std::string> capabilities_from_template_text(const std::string& template_body);

// "CREATE_COMPLETE", "ROLLBACK_COMPLETE"... : anything not ending in _IN_PROGRESS.
bool is_terminal_stack_status(const std::string& status);

// For a failed operation: "resource Fn (AWS::Lambda::Function) CREATE_FAILED: <reason>" for the
// earliest failed resource among `events` (oldest first); the stack's reason when none.
std::string describe_stack_failure(const std::vector<clients::StackEvent>& events, const clients::Stack& stack);

// One line for an event: "12:00:01 CREATE_IN_PROGRESS AWS::Lambda::Function Fn: reason".
std::string format_stack_event(const clients::StackEvent& event);

}  // namespace lcd::pipeline
