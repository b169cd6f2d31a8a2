#pragma once
// `stack deploy|diff|delete|status`: the project's CloudFormation stack. Deploy goes through a
// change set, as `aws cloudformation deploy` does: CREATE for a new stack (or one left
// REVIEW_IN_PROGRESS), UPDATE otherwise; it reports the change set's changes (resource, action,
// replacement) through the observer before executing it, and an empty change set is success,
// unchanged. With dry_run the change set is only reported, then deleted (with the
// REVIEW_IN_PROGRESS stack a new stack's CREATE change set leaves). It passes the IAM capabilities
// the template needs (CAPABILITY_IAM for SAM functions' implicit roles), reports every new stack
// event oldest-first while it polls, and waits for a terminal status. A failure names the first
// failing resource and its ResourceStatusReason. A ROLLBACK_COMPLETE stack cannot be updated:
// deploy says so, or deletes and recreates it when asked.

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

enum class StackAction { created, updated, unchanged, recreated, deleted, absent, previewed };
const char* to_string(StackAction action);

struct StackOutcome {
  std::string stack_name;
  std::string stack_id;
  StackAction action = StackAction::unchanged;
  std::string status;  // final StackStatus ("" when the stack does not exist)
  std::vector<std::string> capabilities;  // what was passed
  std::vector<clients::StackOutput> outputs;
  std::vector<clients::StackEvent> events;  // the events of this operation, oldest first
  std::string change_set_id;                // the change set deploy created ("" when none)
  std::string change_set_type;              // CREATE | UPDATE
  std::vector<clients::ResourceChange> changes;  // what it said it would do
};

struct StackDeployOptions {
  bool recreate_rolled_back = false;  // delete a ROLLBACK_COMPLETE stack and create it again
  bool dry_run = false;               // report the change set, then delete it
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

// What deploying `template_body` would change, without changing anything: an UPDATE change set
// against the existing stack (CREATE when there is none), reported and deleted. `action` is
// `previewed`, or `unchanged` when the change set is empty.
Result<StackOutcome> run_stack_preview(StackContext& ctx, const StackSettings& settings, const std::string& template_body);

// Drift as CloudFormation's drift detection reports it: the stack's status and every resource's.
struct StackDrift {
  bool supported = true;  // false when the endpoint does not implement drift detection
  std::string unsupported_reason;
  std::string stack_drift_status;  // DRIFTED | IN_SYNC | ...
  std::vector<clients::ResourceDrift> resources;
};
Result<StackDrift> run_stack_drift(StackContext& ctx, const std::string& stack_name);

// The table deploy reports: a header and one line per change ("Fn  AWS::Lambda::Function  Modify  True").
std::vector<std::string> format_change_table(const std::vector<clients::ResourceChange>& changes);

// "CREATE_COMPLETE", "ROLLBACK_COMPLETE"... : anything not ending in _IN_PROGRESS.
bool is_terminal_stack_status(const std::string& status);

// For a failed operation: "resource Fn (AWS::Lambda::Function) CREATE_FAILED: <reason>" for the
// earliest failed resource among `events` (oldest first); the stack's reason when none.
std::string describe_stack_failure(const std::vector<clients::StackEvent>& events, const clients::Stack& stack);

// One line for an event: "12:00:01 CREATE_IN_PROGRESS AWS::Lambda::Function Fn: reason".
std::string format_stack_event(const clients::StackEvent& event);

}  // namespace lcd::pipeline
