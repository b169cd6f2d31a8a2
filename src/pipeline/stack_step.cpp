#include "pipeline/stack_step.hpp"

#include <algorithm>
#include <array>
#include <regex>

#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {

using clients::Stack;
using clients::StackEvent;

constexpr const char* k_stack_type = "AWS::CloudFormation::Stack";

void add_unique(std::vector<std::string>& into, const std::string& value) {
  if (std::find(into.begin(), into.end(), value) == into.end()) into.push_back(value);
}

tl::unexpected<Error> stack_error(ErrorKind kind, std::string message) { return fail(kind, std::move(message)); }

// Polls the stack until a terminal status, reporting events newer than `last_event_id` oldest
// first. `lookup` is the name or id used for DescribeStacks/DescribeStackEvents. A vanished stack
// (not_found) ends the wait with status "DELETE_COMPLETE" when `gone_is_deleted`.
class StackWatcher {
 public:
  StackWatcher(StackContext& ctx, std::string lookup, std::string last_event_id)
      : m_ctx(ctx), m_lookup(std::move(lookup)), m_last_event_id(std::move(last_event_id)) {}

  Result<Stack> wait(bool gone_is_deleted, const std::string& events_lookup = "") {
    const auto start = m_ctx.clock.monotonic();
    auto interval = std::min(m_ctx.wait.first_interval, m_ctx.wait.poll_interval);
    for (;;) {
      auto stack = m_ctx.cfn.describe_stack(m_lookup);
      if (!stack && !(gone_is_deleted && stack.error().kind == ErrorKind::not_found)) return fail(stack.error());
      if (auto polled = poll_events(events_lookup.empty() ? m_lookup : events_lookup); !polled) {
        if (!(gone_is_deleted && polled.error().kind == ErrorKind::not_found)) return fail(polled.error());
      }
      if (!stack) {
        Stack gone;
        gone.stack_name = m_lookup;
        gone.status = "DELETE_COMPLETE";
        return gone;
      }
      if (is_terminal_stack_status(stack->status)) return stack;
      const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(m_ctx.clock.monotonic() - start);
      if (waited >= m_ctx.wait.timeout) {
        Error e{ErrorKind::timeout, "stack " + stack->stack_name + " still " + stack->status + " after " +
                                        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(m_ctx.wait.timeout).count()) +
                                        " s; it keeps going in CloudFormation (check `lambda-cd stack status`)"};
        return fail(std::move(e));
      }
      m_ctx.clock.sleep_for(std::min(interval, m_ctx.wait.timeout - waited));
      interval = std::min(interval * 2, m_ctx.wait.poll_interval);
    }
  }

  Result<void> poll_events(const std::string& lookup) {
    auto fresh = m_ctx.cfn.describe_stack_events(lookup, m_last_event_id);
    if (!fresh) return fail(fresh.error());
    if (fresh->empty()) return {};
    m_last_event_id = fresh->front().event_id;
    for (auto it = fresh->rbegin(); it != fresh->rend(); ++it) {
      m_ctx.observer.message(format_stack_event(*it));
      events.push_back(*it);
    }
    return {};
  }

  std::vector<StackEvent> events;

 private:
  StackContext& m_ctx;
  std::string m_lookup;
  std::string m_last_event_id;
};

// The newest event id of an existing stack, so that only this operation's events are reported.
Result<std::string> newest_event_id(StackContext& ctx, const std::string& lookup) {
  auto page = ctx.cfn.describe_stack_events_page(lookup);
  if (!page) return fail(page.error());
  return page->events.empty() ? std::string() : page->events.front().event_id;
}

std::vector<clients::StackParameter> parameters_of(const StackSettings& settings) {
  std::vector<clients::StackParameter> out;
  for (const auto& [k, v] : settings.parameters) out.push_back({k, v});
  return out;
}

Result<std::vector<std::string>> needed_capabilities(StackContext& ctx, const StackSettings& settings,
                                                     const std::string& body) {
  std::vector<std::string> caps = settings.capabilities;
  auto validation = ctx.cfn.validate_template(body);
  if (!validation) {
    Error e = validation.error();
    if (e.kind == ErrorKind::invalid) e.message = "template " + settings.template_path + " is invalid: " + e.message;
    return fail(std::move(e));
  }
  for (const auto& c : validation->capabilities) add_unique(caps, c);
  for (const auto& c : capabilities_from_template_text(body)) add_unique(caps, c);
  return caps;
}

Result<StackOutcome> finish(StackOutcome outcome, const Stack& stack, std::vector<StackEvent> events,
                            const std::string& success_status, const std::string& operation) {
  outcome.events = std::move(events);
  outcome.status = stack.status;
  outcome.outputs = stack.outputs;
  if (!stack.stack_id.empty()) outcome.stack_id = stack.stack_id;
  if (stack.status == success_status) return outcome;
  return stack_error(ErrorKind::invalid, "stack " + outcome.stack_name + " " + operation + " failed (" + stack.status +
                                             "): " + describe_stack_failure(outcome.events, stack));
}

// Polls a change set until CloudFormation has planned it (CREATE_COMPLETE or FAILED).
Result<clients::ChangeSet> wait_change_set(StackContext& ctx, const std::string& id) {
  const auto start = ctx.clock.monotonic();
  auto interval = std::min(ctx.wait.first_interval, ctx.wait.poll_interval);
  for (;;) {
    auto cs = ctx.cfn.describe_change_set(id);
    if (!cs) return fail(cs.error());
    if (cs->status != "CREATE_PENDING" && cs->status != "CREATE_IN_PROGRESS") return cs;
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.monotonic() - start);
    if (waited >= ctx.wait.timeout) {
      return fail(ErrorKind::timeout, "change set " + cs->change_set_name + " still " + cs->status + " after " +
                                          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ctx.wait.timeout).count()) + " s");
    }
    ctx.clock.sleep_for(std::min(interval, ctx.wait.timeout - waited));
    interval = std::min(interval * 2, ctx.wait.poll_interval);
  }
}

std::string change_set_name(StackContext& ctx) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.now().time_since_epoch()).count();
  return "lambda-cd-" + std::to_string(ms);
}

// A change set planned, reported and left ready to run (or deleted again when it cannot or need
// not run). `created_stack`: the CREATE change set made the stack (REVIEW_IN_PROGRESS), so
// dropping the change set drops the stack too.
struct PlannedChange {
  clients::ChangeSet change_set;
  std::string type;
  bool created_stack = false;
};

// Deletes the change set and, when it made the stack, the REVIEW_IN_PROGRESS stack as well.
Result<void> discard(StackContext& ctx, const PlannedChange& planned, const std::string& stack_name) {
  if (auto deleted = ctx.cfn.delete_change_set(planned.change_set.change_set_id); !deleted) return deleted;
  if (!planned.created_stack) return {};
  return ctx.cfn.delete_stack(planned.change_set.stack_id.empty() ? stack_name : planned.change_set.stack_id);
}

Result<PlannedChange> plan(StackContext& ctx, const StackSettings& settings, const std::string& body,
                           const std::vector<std::string>& caps, const std::string& type, bool created_stack) {
  clients::CreateChangeSetRequest req;
  req.stack_name = settings.name;
  req.change_set_name = change_set_name(ctx);
  req.change_set_type = type;
  req.template_body = body;
  req.parameters = parameters_of(settings);
  req.capabilities = caps;
  req.description = "lambda-cd stack deploy";
  ctx.observer.message("creating change set " + req.change_set_name + " (" + type + ") for stack " + settings.name);
  auto ref = ctx.cfn.create_change_set(req);
  if (!ref) return fail(ref.error());
  auto cs = wait_change_set(ctx, ref->change_set_id);
  if (!cs) return fail(cs.error());
  if (cs->stack_id.empty()) cs->stack_id = ref->stack_id;
  return PlannedChange{std::move(*cs), type, created_stack};
}

// The change set as a table through the observer.
void report(StackContext& ctx, const PlannedChange& planned, const std::string& stack_name) {
  ctx.observer.message("change set " + planned.change_set.change_set_name + " for stack " + stack_name + ": " +
                       std::to_string(planned.change_set.changes.size()) + " change(s)");
  for (const auto& line : format_change_table(planned.change_set.changes)) ctx.observer.message(line);
}

Result<StackOutcome> deploy_through_change_set(StackContext& ctx, const StackSettings& settings,
                                               const std::string& body, const std::vector<std::string>& caps,
                                               const std::string& type, bool created_stack, StackAction action,
                                               const StackDeployOptions& options, const std::string& existing_status,
                                               const Stack* existing) {
  auto planned = plan(ctx, settings, body, caps, type, created_stack);
  if (!planned) return fail(planned.error());
  StackOutcome outcome;
  outcome.stack_name = settings.name;
  outcome.stack_id = planned->change_set.stack_id;
  outcome.capabilities = caps;
  outcome.change_set_id = planned->change_set.change_set_id;
  outcome.change_set_type = type;
  outcome.changes = planned->change_set.changes;
  if (clients::is_empty_change_set(planned->change_set)) {
    ctx.observer.message("stack " + settings.name + " is up to date: the change set has no changes");
    if (auto dropped = discard(ctx, *planned, settings.name); !dropped) return fail(dropped.error());
    outcome.action = StackAction::unchanged;
    outcome.status = existing_status;
    outcome.change_set_id.clear();
    if (existing) outcome.outputs = existing->outputs;
    return outcome;
  }
  if (planned->change_set.status == "FAILED") {
    if (auto dropped = discard(ctx, *planned, settings.name); !dropped) return fail(dropped.error());
    return stack_error(ErrorKind::invalid, "change set for stack " + settings.name + " failed: " +
                                               planned->change_set.status_reason);
  }
  report(ctx, *planned, settings.name);
  if (options.dry_run) {
    if (auto dropped = discard(ctx, *planned, settings.name); !dropped) return fail(dropped.error());
    ctx.observer.message("dry run: change set deleted, nothing executed");
    outcome.action = StackAction::previewed;
    outcome.status = existing_status;
    return outcome;
  }
  auto last = newest_event_id(ctx, outcome.stack_id.empty() ? settings.name : outcome.stack_id);
  if (!last) return fail(last.error());
  ctx.observer.message("executing change set " + planned->change_set.change_set_name);
  if (auto executed = ctx.cfn.execute_change_set(outcome.change_set_id); !executed) return fail(executed.error());
  outcome.action = action;
  StackWatcher watcher(ctx, settings.name, *last);
  auto stack = watcher.wait(false);
  if (!stack) return fail(stack.error());
  bool create = type == "CREATE";
  return finish(std::move(outcome), *stack, std::move(watcher.events), create ? "CREATE_COMPLETE" : "UPDATE_COMPLETE",
                create ? "create" : "update");
}

Result<Stack> delete_and_wait(StackContext& ctx, const Stack& existing, std::vector<StackEvent>& events) {
  auto last = newest_event_id(ctx, existing.stack_id.empty() ? existing.stack_name : existing.stack_id);
  if (!last) return fail(last.error());
  ctx.observer.message("deleting stack " + existing.stack_name + " (" + existing.status + ")");
  if (auto deleted = ctx.cfn.delete_stack(existing.stack_name); !deleted) return fail(deleted.error());
  StackWatcher watcher(ctx, existing.stack_name, *last);
  auto stack = watcher.wait(true, existing.stack_id.empty() ? existing.stack_name : existing.stack_id);
  events = std::move(watcher.events);
  return stack;
}

}  // namespace

const char* to_string(StackAction action) {
  switch (action) {
    case StackAction::created: return "created";
    case StackAction::updated: return "updated";
    case StackAction::unchanged: return "unchanged";
    case StackAction::recreated: return "recreated";
    case StackAction::deleted: return "deleted";
    case StackAction::absent: return "absent";
    case StackAction::previewed: return "previewed";
  }
  return "unknown";
}

bool is_terminal_stack_status(const std::string& status) {
  return !status.empty() && !ends_with(status, "_IN_PROGRESS");
}

std::vector<std::string> capabilities_from_template_text(const std::string& body) {
  std::vector<std::string> caps;
  // A SAM function without Role gets an execution role from the transform.
  if (body.find("AWS::IAM::") == std::string::npos && body.find("AWS::Serverless::Function") == std::string::npos) {
    return caps;
  }
  caps.push_back("CAPABILITY_IAM");
  static const std::regex named(R"((^|[^A-Za-z0-9])(RoleName|UserName|GroupName|ManagedPolicyName|InstanceProfileName)["']?\s*:)");
  if (std::regex_search(body, named)) caps.push_back("CAPABILITY_NAMED_IAM");
  return caps;
}

std::string format_stack_event(const StackEvent& e) {
  std::string time = e.timestamp.size() >= 19 ? e.timestamp.substr(11, 8) : e.timestamp;
  std::string line = time + " " + e.resource_status + " " + e.resource_type + " " + e.logical_resource_id;
  if (!e.resource_status_reason.empty()) line += ": " + e.resource_status_reason;
  return line;
}

std::string describe_stack_failure(const std::vector<StackEvent>& events, const Stack& stack) {
  auto cancelled = [](const std::string& reason) {
    const std::string r = to_lower(reason);
    return r.find("cancelled") != std::string::npos || r.find("canceled") != std::string::npos;
  };
  const StackEvent* best = nullptr;
  for (const auto& e : events) {
    if (!ends_with(e.resource_status, "_FAILED") || e.resource_type == k_stack_type) continue;
    if (!cancelled(e.resource_status_reason)) {
      best = &e;
      break;
    }
    if (!best) best = &e;
  }
  if (best) {
    return "resource " + best->logical_resource_id + " (" + best->resource_type + ") " + best->resource_status + ": " +
           (best->resource_status_reason.empty() ? std::string("no reason given") : best->resource_status_reason);
  }
  for (const auto& e : events) {
    if (ends_with(e.resource_status, "_FAILED") && !e.resource_status_reason.empty()) {
      return e.logical_resource_id + " " + e.resource_status + ": " + e.resource_status_reason;
    }
  }
  return stack.status_reason.empty() ? "no reason given" : stack.status_reason;
}

Result<StackOutcome> run_stack_deploy(StackContext& ctx, const StackSettings& settings, const std::string& body,
                                      const StackDeployOptions& options) {
  auto caps = needed_capabilities(ctx, settings, body);
  if (!caps) return fail(caps.error());

  auto existing = ctx.cfn.describe_stack(settings.name);
  if (!existing) {
    if (existing.error().kind != ErrorKind::not_found) return fail(existing.error());
    return deploy_through_change_set(ctx, settings, body, *caps, "CREATE", true, StackAction::created, options, "",
                                     nullptr);
  }
  const std::string status = existing->status;
  if (status == "DELETE_COMPLETE") {
    return deploy_through_change_set(ctx, settings, body, *caps, "CREATE", true, StackAction::created, options, "",
                                     nullptr);
  }
  if (status == "REVIEW_IN_PROGRESS") {
    // A CREATE change set was made and never executed: create through a new one.
    return deploy_through_change_set(ctx, settings, body, *caps, "CREATE", false, StackAction::created, options,
                                     status, nullptr);
  }
  if (!is_terminal_stack_status(status)) {
    return stack_error(ErrorKind::conflict, "stack " + settings.name + " is " + status +
                                                "; wait for that operation to finish (`lambda-cd stack status`)");
  }
  if (status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_FAILED" || status == "CREATE_FAILED") {
    if (!options.recreate_rolled_back || options.dry_run) {
      return stack_error(ErrorKind::conflict,
                         "stack " + settings.name + " is " + status +
                             ": its creation failed and it cannot be updated; it must be deleted first "
                             "(`lambda-cd stack delete`, or `lambda-cd stack deploy --recreate` to delete and create it again)" +
                             (existing->status_reason.empty() ? "" : ". Reason: " + existing->status_reason));
    }
    std::vector<StackEvent> delete_events;
    auto deleted = delete_and_wait(ctx, *existing, delete_events);
    if (!deleted) return fail(deleted.error());
    if (deleted->status != "DELETE_COMPLETE") {
      return stack_error(ErrorKind::invalid, "stack " + settings.name + " delete failed (" + deleted->status +
                                                 "): " + describe_stack_failure(delete_events, *deleted));
    }
    auto created = deploy_through_change_set(ctx, settings, body, *caps, "CREATE", true, StackAction::recreated,
                                             options, "", nullptr);
    if (created) created->events.insert(created->events.begin(), delete_events.begin(), delete_events.end());
    return created;
  }
  return deploy_through_change_set(ctx, settings, body, *caps, "UPDATE", false, StackAction::updated, options, status,
                                   &*existing);
}

Result<StackOutcome> run_stack_preview(StackContext& ctx, const StackSettings& settings, const std::string& body) {
  StackDeployOptions options;
  options.dry_run = true;
  return run_stack_deploy(ctx, settings, body, options);
}

Result<StackDrift> run_stack_drift(StackContext& ctx, const std::string& stack_name) {
  StackDrift drift;
  auto id = ctx.cfn.detect_stack_drift(stack_name);
  if (!id) {
    const Error& e = id.error();
    if (e.code == "NotImplemented" || e.code == "InvalidAction" || e.http_status == 501) {
      drift.supported = false;
      drift.unsupported_reason = e.message;
      return drift;
    }
    return fail(e);
  }
  const auto start = ctx.clock.monotonic();
  auto interval = std::min(ctx.wait.first_interval, ctx.wait.poll_interval);
  for (;;) {
    auto status = ctx.cfn.describe_stack_drift_detection_status(*id);
    if (!status) return fail(status.error());
    if (status->detection_status == "DETECTION_FAILED") {
      return stack_error(ErrorKind::invalid, "drift detection of stack " + stack_name + " failed: " +
                                                 status->detection_status_reason);
    }
    if (status->detection_status != "DETECTION_IN_PROGRESS") {
      drift.stack_drift_status = status->stack_drift_status;
      break;
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.monotonic() - start);
    if (waited >= ctx.wait.timeout) return fail(ErrorKind::timeout, "drift detection of stack " + stack_name + " did not finish");
    ctx.clock.sleep_for(std::min(interval, ctx.wait.timeout - waited));
    interval = std::min(interval * 2, ctx.wait.poll_interval);
  }
  auto resources = ctx.cfn.describe_stack_resource_drifts(stack_name);
  if (!resources) return fail(resources.error());
  drift.resources = std::move(*resources);
  return drift;
}

std::vector<std::string> format_change_table(const std::vector<clients::ResourceChange>& changes) {
  std::vector<std::array<std::string, 4>> rows = {{"resource", "type", "action", "replacement"}};
  for (const auto& c : changes) {
    rows.push_back({c.logical_resource_id, c.resource_type, c.action, c.replacement.empty() ? "-" : c.replacement});
  }
  std::array<size_t, 4> width{};
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  std::vector<std::string> out;
  for (const auto& row : rows) {
    std::string line = " ";
    for (size_t i = 0; i < row.size(); ++i) {
      line += " " + row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 1, ' ');
    }
    out.push_back(line);
  }
  return out;
}

Result<StackOutcome> run_stack_delete(StackContext& ctx, const std::string& stack_name) {
  StackOutcome outcome;
  outcome.stack_name = stack_name;
  auto existing = ctx.cfn.describe_stack(stack_name);
  if (!existing) {
    if (existing.error().kind != ErrorKind::not_found) return fail(existing.error());
    ctx.observer.message("stack " + stack_name + " does not exist; nothing to delete");
    outcome.action = StackAction::absent;
    return outcome;
  }
  if (existing->status == "DELETE_COMPLETE") {
    outcome.action = StackAction::absent;
    outcome.status = existing->status;
    return outcome;
  }
  outcome.stack_id = existing->stack_id;
  outcome.action = StackAction::deleted;
  std::vector<StackEvent> events;
  auto stack = delete_and_wait(ctx, *existing, events);
  if (!stack) return fail(stack.error());
  Stack final_stack = *stack;
  final_stack.outputs.clear();
  return finish(std::move(outcome), final_stack, std::move(events), "DELETE_COMPLETE", "delete");
}

Result<StackStatusReport> run_stack_status(StackContext& ctx, const std::string& stack_name) {
  StackStatusReport report;
  auto stack = ctx.cfn.describe_stack(stack_name);
  if (!stack) {
    if (stack.error().kind != ErrorKind::not_found) return fail(stack.error());
    return report;
  }
  report.exists = true;
  report.stack = std::move(*stack);
  auto resources = ctx.cfn.describe_stack_resources(stack_name);
  if (!resources) return fail(resources.error());
  report.resources = std::move(*resources);
  return report;
}

}  // namespace lcd::pipeline
