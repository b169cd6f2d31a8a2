#include "pipeline/stack_step.hpp"

#include <algorithm>
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

Result<StackOutcome> create(StackContext& ctx, const StackSettings& settings, const std::string& body,
                            const std::vector<std::string>& caps, StackAction action) {
  clients::CreateStackRequest req;
  req.stack_name = settings.name;
  req.template_body = body;
  req.parameters = parameters_of(settings);
  req.capabilities = caps;
  ctx.observer.message("creating stack " + settings.name);
  auto id = ctx.cfn.create_stack(req);
  if (!id) return fail(id.error());
  StackOutcome outcome;
  outcome.stack_name = settings.name;
  outcome.stack_id = *id;
  outcome.action = action;
  outcome.capabilities = caps;
  StackWatcher watcher(ctx, settings.name, "");
  auto stack = watcher.wait(false);
  if (!stack) return fail(stack.error());
  return finish(std::move(outcome), *stack, std::move(watcher.events), "CREATE_COMPLETE", "create");
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
  }
  return "unknown";
}

bool is_terminal_stack_status(const std::string& status) {
  return !status.empty() && !ends_with(status, "_IN_PROGRESS");
}

std::vector<std::string> capabilities_from_template_text(const std::string& body) {
  std::vector<std::string> caps;
  if (body.find("AWS::IAM::") == std::string::npos) return caps;
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
    return create(ctx, settings, body, *caps, StackAction::created);
  }
  const std::string status = existing->status;
  if (status == "DELETE_COMPLETE") return create(ctx, settings, body, *caps, StackAction::created);
  if (!is_terminal_stack_status(status)) {
    return stack_error(ErrorKind::conflict, "stack " + settings.name + " is " + status +
                                                "; wait for that operation to finish (`lambda-cd stack status`)");
  }
  if (status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_FAILED" || status == "CREATE_FAILED") {
    if (!options.recreate_rolled_back) {
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
    auto created = create(ctx, settings, body, *caps, StackAction::recreated);
    if (created) created->events.insert(created->events.begin(), delete_events.begin(), delete_events.end());
    return created;
  }

  auto last = newest_event_id(ctx, settings.name);
  if (!last) return fail(last.error());
  clients::UpdateStackRequest req{settings.name, body, parameters_of(settings), *caps};
  ctx.observer.message("updating stack " + settings.name + " (" + status + ")");
  auto updated = ctx.cfn.update_stack(req);
  if (!updated) return fail(updated.error());
  StackOutcome outcome;
  outcome.stack_name = settings.name;
  outcome.stack_id = existing->stack_id;
  outcome.capabilities = *caps;
  if (updated->no_updates) {
    ctx.observer.message("stack " + settings.name + " is up to date: no updates are to be performed");
    outcome.action = StackAction::unchanged;
    outcome.status = status;
    outcome.outputs = existing->outputs;
    return outcome;
  }
  outcome.action = StackAction::updated;
  StackWatcher watcher(ctx, settings.name, *last);
  auto stack = watcher.wait(false);
  if (!stack) return fail(stack.error());
  return finish(std::move(outcome), *stack, std::move(watcher.events), "UPDATE_COMPLETE", "update");
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
