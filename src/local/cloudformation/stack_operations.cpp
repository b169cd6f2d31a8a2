// The background half of the stack service: planning a change set, and create, update (with
// rollback) and delete, resource by resource in dependency order, with the events CloudFormation
// emits and its DeletionPolicy / UpdateReplacePolicy (aws-api-notes-2 §20.1-20.3).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "local/cloudformation/replacement_rules.hpp"
#include "local/cloudformation/stack_state.hpp"
#include "local/cloudformation/stack_template.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

constexpr const char* k_no_changes =
    "The submitted information didn't contain changes. Submit different information to create a change set.";

// Why a resource is being removed; the policies decide whether it really goes.
enum class Removal { stack_delete, update_removed, replaced, rollback_of_create };

bool keeps(const StackResourceRecord& r, Removal why) {
  switch (why) {
    case Removal::replaced: return r.update_replace_policy == "Retain";
    case Removal::rollback_of_create: return r.deletion_policy == "Retain";
    case Removal::stack_delete:
    case Removal::update_removed: return r.deletion_policy == "Retain" || r.deletion_policy == "RetainExceptOnCreate";
  }
  return false;
}

std::string policy_of(const json& resource, const char* attribute) {
  return resource.contains(attribute) && resource[attribute].is_string() ? resource[attribute].get<std::string>()
                                                                        : "Delete";
}

StackResourceRecord record_of(const std::string& logical, const std::string& type, const json& resource,
                              const ResourceOutcome& outcome, const json& properties, const std::string& status,
                              const std::string& time) {
  StackResourceRecord r;
  r.logical_id = logical;
  r.type = type;
  r.physical_id = outcome.physical_id;
  r.status = status;
  r.timestamp = time;
  r.properties = properties;
  r.state = outcome.state;
  r.deletion_policy = policy_of(resource, "DeletionPolicy");
  r.update_replace_policy = policy_of(resource, "UpdateReplacePolicy");
  return r;
}

Result<std::vector<StackOutput>> evaluate_outputs(const PreparedTemplate& prepared, const EvalContext& ctx) {
  std::vector<StackOutput> out;
  if (!prepared.model.contains("Outputs")) return out;
  for (const auto& [key, o] : prepared.model["Outputs"].items()) {
    if (!resource_enabled(o, prepared.conditions)) continue;
    auto value = evaluate(o["Value"], ctx);
    if (!value) return fail(value.error());
    StackOutput output;
    output.key = key;
    output.value = value->is_string() ? value->get<std::string>() : value->dump();
    if (value->is_array()) {
      std::vector<std::string> items;
      for (const auto& i : *value) items.push_back(i.is_string() ? i.get<std::string>() : i.dump());
      output.value = join(items, ",");
    }
    if (o.contains("Description") && o["Description"].is_string()) output.description = o["Description"];
    if (o.contains("Export")) {
      auto name = evaluate(o["Export"].value("Name", json("")), ctx);
      if (name && name->is_string()) output.export_name = name->get<std::string>();
    }
    out.push_back(std::move(output));
  }
  return out;
}

void forget_resource(Stack& stack, const std::string& logical) {
  stack.resources.erase(logical);
  stack.resource_order.erase(std::remove(stack.resource_order.begin(), stack.resource_order.end(), logical),
                             stack.resource_order.end());
}

// The change set this operation executes, done: AWS removes a stack's change sets once one ran.
void finish_change_set(std::map<std::string, ChangeSet>& change_sets, const Stack& stack, bool succeeded,
                       const std::function<void(const ChangeSet&)>& save) {
  if (stack.change_set_id.empty()) return;
  auto it = change_sets.find(stack.change_set_id);
  if (it == change_sets.end() || it->second.execution_status != "EXECUTE_IN_PROGRESS") return;
  it->second.execution_status = succeeded ? "EXECUTE_COMPLETE" : "EXECUTE_FAILED";
  if (succeeded) it->second.listed = false;
  save(it->second);
}

}  // namespace

void StackService::Impl::run_plan(std::string change_set_id) {
  ChangeSet change_set;
  Stack stack;
  {
    std::lock_guard lock(m_mutex);
    ChangeSet& c = m_change_sets.at(change_set_id);
    c.status = "CREATE_IN_PROGRESS";
    (void)persist(c);  // the outcome below is written again
    change_set = c;
    stack = *find_by_id(c.stack_id);
  }
  std::string failure;
  std::vector<ResourceChange> changes;
  std::string processed;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<std::string> no_echo;
  auto prepared = prepare_template(change_set.template_body, change_set.given_parameters, identity_of(stack));
  if (!prepared) {
    failure = prepared.error().message;
  } else if (auto caps = check_capabilities(required_capabilities(*prepared, true), change_set.capabilities); !caps) {
    failure = caps.error().message;
  } else {
    PlanInput input;
    Result<PreparedTemplate> deployed = fail(ErrorKind::not_found, "no template yet");
    if (stack.status != "REVIEW_IN_PROGRESS" && !stack.template_body.empty()) {
      deployed = prepared_for(stack);
      if (deployed) {
        input.deployed_model = &deployed->model;
        input.deployed_parameters = deployed->parameters;
      }
      for (const auto& [logical, r] : stack.resources) {
        input.current[logical] = CurrentResource{r.type, r.physical_id, r.properties, r.state};
      }
    }
    auto planned = plan_changes(input, *prepared);
    parameters = display_parameters(prepared->parameters);
    for (const auto& p : prepared->info.parameters) {
      if (p.no_echo) no_echo.push_back(p.name);
    }
    if (!planned) {
      failure = planned.error().message;
    } else if (planned->empty() && change_set.type == "UPDATE" && deployed && deployed->model == prepared->model &&
               parameters == stack.parameters && change_set.tags == stack.tags) {
      failure = k_no_changes;
    } else {
      changes = std::move(*planned);
      if (prepared->transformed) processed = prepared->processed_text();
    }
  }
  std::lock_guard lock(m_mutex);
  auto it = m_change_sets.find(change_set_id);
  if (it == m_change_sets.end()) return;
  ChangeSet& c = it->second;
  c.parameters = parameters;
  c.no_echo = no_echo;
  if (failure.empty()) {
    c.status = "CREATE_COMPLETE";
    c.execution_status = "AVAILABLE";
    c.changes = std::move(changes);
    c.processed_template = processed;
  } else {
    c.status = "FAILED";
    c.status_reason = failure;
  }
  if (auto saved = persist(c); !saved) {
    c.status_reason += (c.status_reason.empty() ? "" : " ") + std::string("(lambda-cd local could not save this change set: ") +
                       saved.error().message + ")";
  }
}

void StackService::Impl::run_create(std::string stack_id) {
  Stack snapshot;
  {
    std::lock_guard lock(m_mutex);
    snapshot = *find_by_id(stack_id);
  }
  auto identity = identity_of(snapshot);
  auto prepared = prepared_for(snapshot);
  std::vector<std::string> created;
  std::string failed_resource, failure;
  if (!prepared) {
    failure = prepared.error().message;
  } else {
    EvalContext ctx = prepared->eval_context();
    const auto& resources = prepared->model["Resources"];
    for (const auto& logical : prepared->info.creation_order) {
      const auto& resource = resources[logical];
      if (!resource_enabled(resource, prepared->conditions)) continue;
      std::string type = resource["Type"];
      auto properties = evaluate_properties(resource, ctx);
      {
        std::lock_guard lock(m_mutex);
        emit(*find_by_id(stack_id), logical, type, "", "CREATE_IN_PROGRESS", "", properties ? properties->dump() : "");
      }
      Result<ResourceOutcome> outcome = properties ? m_provisioning.create(logical, type, *properties, identity)
                                                   : Result<ResourceOutcome>(fail(properties.error()));
      std::lock_guard lock(m_mutex);
      Stack& stack = *find_by_id(stack_id);
      if (!outcome) {
        failed_resource = logical;
        emit(stack, logical, type, "", "CREATE_FAILED", outcome.error().message);
        break;
      }
      emit(stack, logical, type, outcome->physical_id, "CREATE_IN_PROGRESS", "Resource creation Initiated");
      stack.resources[logical] = record_of(logical, type, resource, *outcome, *properties, "CREATE_COMPLETE", now());
      stack.resource_order.push_back(logical);
      emit(stack, logical, type, outcome->physical_id, "CREATE_COMPLETE", "");
      ctx.resources[logical] = outcome->state;
      created.push_back(logical);
    }
    if (failed_resource.empty()) {
      auto outputs = evaluate_outputs(*prepared, ctx);
      if (!outputs) {
        failure = outputs.error().message;
      } else {
        std::lock_guard lock(m_mutex);
        Stack& stack = *find_by_id(stack_id);
        stack.outputs = std::move(*outputs);
        set_stack_status(stack, "CREATE_COMPLETE", "");
        finish_change_set(m_change_sets, stack, true, [this](const ChangeSet& c) { (void)persist(c); });
        return;
      }
    }
  }
  std::string reason = failed_resource.empty() ? failure
                                               : "The following resource(s) failed to create: [" + failed_resource + "]. ";
  {
    std::lock_guard lock(m_mutex);
    Stack& stack = *find_by_id(stack_id);
    finish_change_set(m_change_sets, stack, false, [this](const ChangeSet& c) { (void)persist(c); });
    if (snapshot.on_failure == "DO_NOTHING" || snapshot.disable_rollback) {
      set_stack_status(stack, "CREATE_FAILED", reason);
      return;
    }
    if (snapshot.on_failure == "DELETE") {
      set_stack_status(stack, "DELETE_IN_PROGRESS", reason + "Delete requested by user.");
    } else {
      set_stack_status(stack, "ROLLBACK_IN_PROGRESS", reason + "Rollback requested by user.");
    }
    if (!failed_resource.empty()) {
      emit(stack, failed_resource, prepared->model["Resources"][failed_resource]["Type"], "", "DELETE_COMPLETE", "");
    }
  }
  bool rollback_failed = false;
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    StackResourceRecord record;
    {
      std::lock_guard lock(m_mutex);
      record = find_by_id(stack_id)->resources[*it];
    }
    Removal why = snapshot.on_failure == "DELETE" ? Removal::stack_delete : Removal::rollback_of_create;
    std::unique_lock lock(m_mutex);
    Stack& stack = *find_by_id(stack_id);
    if (keeps(record, why)) {
      forget_resource(stack, record.logical_id);
      emit(stack, record.logical_id, record.type, record.physical_id, "DELETE_SKIPPED", "");
      continue;
    }
    emit(stack, record.logical_id, record.type, record.physical_id, "DELETE_IN_PROGRESS", "");
    lock.unlock();
    auto removed = m_provisioning.remove(record.type, record.physical_id, record.properties, identity);
    lock.lock();
    Stack& again = *find_by_id(stack_id);
    if (removed) {
      forget_resource(again, record.logical_id);
      emit(again, record.logical_id, record.type, record.physical_id, "DELETE_COMPLETE", "");
    } else {
      rollback_failed = true;
      emit(again, record.logical_id, record.type, record.physical_id, "DELETE_FAILED", removed.error().message);
    }
  }
  std::lock_guard lock(m_mutex);
  Stack& stack = *find_by_id(stack_id);
  if (snapshot.on_failure == "DELETE") {
    if (rollback_failed) {
      set_stack_status(stack, "DELETE_FAILED", "The following resource(s) failed to delete during rollback");
    } else {
      stack.deletion_time = now();
      set_stack_status(stack, "DELETE_COMPLETE", "");
    }
  } else {
    set_stack_status(stack, rollback_failed ? "ROLLBACK_FAILED" : "ROLLBACK_COMPLETE", "");
  }
}

void StackService::Impl::run_update(std::string stack_id, Stack previous) {
  Stack snapshot;
  {
    std::lock_guard lock(m_mutex);
    snapshot = *find_by_id(stack_id);
  }
  auto identity = identity_of(snapshot);
  auto prepared = prepared_for(snapshot);
  struct Change {
    std::string logical_id;
    enum Kind { created, updated, replaced } kind;
    StackResourceRecord old_record;  // for updated/replaced
  };
  std::vector<Change> changes;
  std::string failed_resource, failure;
  std::set<std::string> kept;
  // Removes `r` in the cleanup or rollback phase, or keeps it when its policy says so.
  auto remove = [&](const StackResourceRecord& r, Removal why, const std::set<std::string>& live) -> bool {
    std::unique_lock lock(m_mutex);
    if (keeps(r, why) || live.count(r.physical_id)) {
      emit(*find_by_id(stack_id), r.logical_id, r.type, r.physical_id, "DELETE_SKIPPED", "");
      return true;
    }
    emit(*find_by_id(stack_id), r.logical_id, r.type, r.physical_id, "DELETE_IN_PROGRESS", "");
    lock.unlock();
    auto removed = m_provisioning.remove(r.type, r.physical_id, r.properties, identity);
    lock.lock();
    emit(*find_by_id(stack_id), r.logical_id, r.type, r.physical_id, removed ? "DELETE_COMPLETE" : "DELETE_FAILED",
         removed ? "" : removed.error().message);
    return static_cast<bool>(removed);
  };
  if (!prepared) {
    failure = prepared.error().message;
  } else {
    EvalContext ctx = prepared->eval_context();
    for (const auto& [logical, record] : previous.resources) ctx.resources[logical] = record.state;
    const auto& resources = prepared->model["Resources"];
    for (const auto& logical : prepared->info.creation_order) {
      const auto& resource = resources[logical];
      if (!resource_enabled(resource, prepared->conditions)) continue;
      std::string type = resource["Type"];
      auto properties = evaluate_properties(resource, ctx);
      auto old = previous.resources.find(logical);
      bool exists = old != previous.resources.end();
      if (exists && old->second.type != type) {
        failed_resource = logical;
        std::lock_guard lock(m_mutex);
        emit(*find_by_id(stack_id), logical, old->second.type, old->second.physical_id, "UPDATE_FAILED",
             "Update of resource type is not permitted. The new template modifies resource type of the following "
             "resources: [" + logical + "]");
        break;
      }
      if (exists && properties && *properties == old->second.properties) {
        // Unchanged: only the policies the new template gives it are taken over.
        std::lock_guard lock(m_mutex);
        auto& record = find_by_id(stack_id)->resources[logical];
        record.deletion_policy = policy_of(resource, "DeletionPolicy");
        record.update_replace_policy = policy_of(resource, "UpdateReplacePolicy");
        kept.insert(logical);
        continue;
      }
      bool replace = !exists || requires_replacement(type, old->second.properties, properties ? *properties : json());
      std::string progress = exists ? "UPDATE_IN_PROGRESS" : "CREATE_IN_PROGRESS";
      {
        std::lock_guard lock(m_mutex);
        emit(*find_by_id(stack_id), logical, type, exists ? old->second.physical_id : "", progress,
             exists && replace ? "Requested update requires the creation of a new physical resource; hence creating "
                                 "one."
                               : "",
             properties ? properties->dump() : "");
      }
      Result<ResourceOutcome> outcome = fail(properties ? Error{} : properties.error());
      if (properties) {
        outcome = replace ? m_provisioning.create(logical, type, *properties, identity)
                          : m_provisioning.update(logical, type, old->second.physical_id, old->second.properties,
                                                  *properties, identity);
      }
      std::lock_guard lock(m_mutex);
      Stack& stack = *find_by_id(stack_id);
      if (!outcome) {
        failed_resource = logical;
        emit(stack, logical, type, exists ? old->second.physical_id : "", exists ? "UPDATE_FAILED" : "CREATE_FAILED",
             outcome.error().message);
        break;
      }
      std::string done = exists ? "UPDATE_COMPLETE" : "CREATE_COMPLETE";
      changes.push_back({logical, !exists ? Change::created : replace ? Change::replaced : Change::updated,
                         exists ? old->second : StackResourceRecord{}});
      stack.resources[logical] = record_of(logical, type, resource, *outcome, *properties, done, now());
      if (std::find(stack.resource_order.begin(), stack.resource_order.end(), logical) == stack.resource_order.end()) {
        stack.resource_order.push_back(logical);
      }
      emit(stack, logical, type, outcome->physical_id, done, "");
      ctx.resources[logical] = outcome->state;
      kept.insert(logical);
    }
    if (failed_resource.empty()) {
      auto outputs = evaluate_outputs(*prepared, ctx);
      if (!outputs) {
        failure = outputs.error().message;
      } else {
        std::vector<std::pair<StackResourceRecord, Removal>> cleanup;
        std::set<std::string> live;
        {
          std::lock_guard lock(m_mutex);
          Stack& stack = *find_by_id(stack_id);
          stack.outputs = std::move(*outputs);
          set_stack_status(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "");
          // Dependents before what they depend on: the reverse of the order they were changed in.
          for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
            if (it->kind == Change::replaced) cleanup.emplace_back(it->old_record, Removal::replaced);
          }
          for (auto it = previous.resource_order.rbegin(); it != previous.resource_order.rend(); ++it) {
            if (kept.count(*it)) continue;
            cleanup.emplace_back(previous.resources[*it], Removal::update_removed);
            forget_resource(stack, *it);
          }
          // A physical resource the stack still uses (under any logical id) is never cleaned up.
          for (const auto& [logical, r] : stack.resources) live.insert(r.physical_id);
        }
        for (const auto& [r, why] : cleanup) remove(r, why, live);
        std::lock_guard lock(m_mutex);
        Stack& stack = *find_by_id(stack_id);
        set_stack_status(stack, "UPDATE_COMPLETE", "");
        finish_change_set(m_change_sets, stack, true, [this](const ChangeSet& c) { (void)persist(c); });
        return;
      }
    }
  }
  // Roll back: undo in reverse order, then restore the previous template, parameters and outputs.
  {
    std::lock_guard lock(m_mutex);
    Stack& stack = *find_by_id(stack_id);
    std::string reason = failed_resource.empty() ? failure
                                                 : "The following resource(s) failed to update: [" + failed_resource + "]. ";
    finish_change_set(m_change_sets, stack, false, [this](const ChangeSet& c) { (void)persist(c); });
    set_stack_status(stack, "UPDATE_ROLLBACK_IN_PROGRESS", reason);
  }
  bool rollback_failed = false;
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    if (it->kind != Change::updated) continue;
    StackResourceRecord current;
    {
      std::lock_guard lock(m_mutex);
      current = find_by_id(stack_id)->resources[it->logical_id];
    }
    auto& old = it->old_record;
    {
      std::lock_guard lock(m_mutex);
      emit(*find_by_id(stack_id), old.logical_id, old.type, old.physical_id, "UPDATE_IN_PROGRESS", "");
    }
    auto restored = m_provisioning.update(old.logical_id, old.type, old.physical_id, current.properties,
                                          old.properties, identity);
    std::lock_guard lock(m_mutex);
    rollback_failed = rollback_failed || !restored;
    emit(*find_by_id(stack_id), old.logical_id, old.type, old.physical_id,
         restored ? "UPDATE_COMPLETE" : "UPDATE_FAILED", restored ? "" : restored.error().message);
  }
  std::set<std::string> live;
  {
    std::lock_guard lock(m_mutex);
    set_stack_status(*find_by_id(stack_id), "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "");
    for (const auto& [logical, r] : previous.resources) live.insert(r.physical_id);
  }
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    if (it->kind == Change::updated) continue;
    StackResourceRecord current;
    {
      std::lock_guard lock(m_mutex);
      current = find_by_id(stack_id)->resources[it->logical_id];
    }
    rollback_failed = !remove(current, Removal::rollback_of_create, live) || rollback_failed;
  }
  std::lock_guard lock(m_mutex);
  Stack& stack = *find_by_id(stack_id);
  stack.template_body = previous.template_body;
  stack.processed_template = previous.processed_template;
  stack.given_parameters = previous.given_parameters;
  stack.parameters = previous.parameters;
  stack.outputs = previous.outputs;
  stack.resources = previous.resources;
  stack.resource_order = previous.resource_order;
  stack.capabilities = previous.capabilities;
  stack.tags = previous.tags;
  stack.description = previous.description;
  set_stack_status(stack, rollback_failed ? "UPDATE_ROLLBACK_FAILED" : "UPDATE_ROLLBACK_COMPLETE", "");
}

void StackService::Impl::run_delete(std::string stack_id, std::vector<std::string> retain) {
  std::vector<StackResourceRecord> order;
  StackIdentity identity;
  {
    std::lock_guard lock(m_mutex);
    Stack& stack = *find_by_id(stack_id);
    identity = identity_of(stack);
    for (auto it = stack.resource_order.rbegin(); it != stack.resource_order.rend(); ++it) {
      order.push_back(stack.resources[*it]);
    }
  }
  std::vector<std::string> failed;
  for (const auto& r : order) {
    bool keep = keeps(r, Removal::stack_delete) || std::find(retain.begin(), retain.end(), r.logical_id) != retain.end();
    if (!keep) {
      std::lock_guard lock(m_mutex);
      emit(*find_by_id(stack_id), r.logical_id, r.type, r.physical_id, "DELETE_IN_PROGRESS", "");
    }
    auto removed = keep ? Result<void>() : m_provisioning.remove(r.type, r.physical_id, r.properties, identity);
    std::lock_guard lock(m_mutex);
    Stack& stack = *find_by_id(stack_id);
    if (removed) {
      forget_resource(stack, r.logical_id);
      emit(stack, r.logical_id, r.type, r.physical_id, keep ? "DELETE_SKIPPED" : "DELETE_COMPLETE", "");
    } else {
      failed.push_back(r.logical_id);
      emit(stack, r.logical_id, r.type, r.physical_id, "DELETE_FAILED", removed.error().message);
    }
  }
  std::lock_guard lock(m_mutex);
  Stack& stack = *find_by_id(stack_id);
  if (!failed.empty()) {
    set_stack_status(stack, "DELETE_FAILED", "The following resource(s) failed to delete: [" + join(failed, ", ") + "]. ");
  } else {
    stack.deletion_time = now();
    set_stack_status(stack, "DELETE_COMPLETE", "");
  }
}

}  // namespace lcd::local::cloudformation
