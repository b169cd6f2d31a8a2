// The background half of the stack service: create, update (with rollback) and delete, resource
// by resource in dependency order, with the events CloudFormation emits.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "local/cloudformation/stack_state.hpp"
#include "local/cloudformation/template_analysis.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

struct Prepared {
  json model;
  TemplateInfo info;
  EvalContext context;
};

Result<Prepared> prepare(const Stack& stack, const StackIdentity& identity) {
  Prepared p;
  auto model = parse_template(stack.template_body);
  if (!model) return fail(model.error());
  p.model = std::move(*model);
  auto info = analyze_template(p.model);
  if (!info) return fail(info.error());
  p.info = std::move(*info);
  p.context.identity = identity;
  auto params = resolve_parameters(p.info.parameters, stack.given_parameters);
  if (!params) return fail(params.error());
  p.context.parameters = std::move(*params);
  auto conditions = evaluate_conditions(p.model.value("Conditions", json()), p.context);
  if (!conditions) return fail(conditions.error());
  p.context.conditions = std::move(*conditions);
  return p;
}

bool resource_enabled(const json& resource, const EvalContext& ctx) {
  if (!resource.contains("Condition")) return true;
  auto it = ctx.conditions.find(resource["Condition"].get<std::string>());
  return it != ctx.conditions.end() && it->second;
}

Result<std::vector<StackOutput>> evaluate_outputs(const json& model, const EvalContext& ctx) {
  std::vector<StackOutput> out;
  if (!model.contains("Outputs")) return out;
  for (const auto& [key, o] : model["Outputs"].items()) {
    if (!resource_enabled(o, ctx)) continue;
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

}  // namespace

void StackService::Impl::run_create(std::string stack_id) {
  Stack snapshot;
  {
    std::lock_guard lock(m_mutex);
    snapshot = *find_by_id(stack_id);
  }
  auto identity = identity_of(snapshot);
  auto prepared = prepare(snapshot, identity);
  std::vector<std::string> created;
  std::string failed_resource, failure;
  if (!prepared) {
    failure = prepared.error().message;
  } else {
    auto& ctx = prepared->context;
    const auto& resources = prepared->model["Resources"];
    for (const auto& logical : prepared->info.creation_order) {
      const auto& resource = resources[logical];
      if (!resource_enabled(resource, ctx)) continue;
      std::string type = resource["Type"];
      auto properties = evaluate(resource.value("Properties", json::object()), ctx);
      {
        std::lock_guard lock(m_mutex);
        emit(*find_by_id(stack_id), logical, type, "", "CREATE_IN_PROGRESS", "",
             properties ? properties->dump() : "");
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
      StackResourceRecord record{logical, type, outcome->physical_id, "CREATE_COMPLETE", "", now(), *properties,
                                 outcome->state};
      stack.resources[logical] = record;
      stack.resource_order.push_back(logical);
      emit(stack, logical, type, outcome->physical_id, "CREATE_COMPLETE", "");
      ctx.resources[logical] = outcome->state;
      created.push_back(logical);
    }
    if (failed_resource.empty()) {
      auto outputs = evaluate_outputs(prepared->model, ctx);
      if (!outputs) {
        failure = outputs.error().message;
      } else {
        std::lock_guard lock(m_mutex);
        Stack& stack = *find_by_id(stack_id);
        stack.outputs = std::move(*outputs);
        set_stack_status(stack, "CREATE_COMPLETE", "");
        return;
      }
    }
  }
  std::string reason = failed_resource.empty() ? failure
                                               : "The following resource(s) failed to create: [" + failed_resource + "]. ";
  {
    std::lock_guard lock(m_mutex);
    Stack& stack = *find_by_id(stack_id);
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
      Stack& stack = *find_by_id(stack_id);
      record = stack.resources[*it];
      emit(stack, record.logical_id, record.type, record.physical_id, "DELETE_IN_PROGRESS", "");
    }
    auto removed = m_provisioning.remove(record.type, record.physical_id, record.properties);
    std::lock_guard lock(m_mutex);
    Stack& stack = *find_by_id(stack_id);
    if (removed) {
      stack.resources.erase(record.logical_id);
      stack.resource_order.erase(std::remove(stack.resource_order.begin(), stack.resource_order.end(), record.logical_id),
                                 stack.resource_order.end());
      emit(stack, record.logical_id, record.type, record.physical_id, "DELETE_COMPLETE", "");
    } else {
      rollback_failed = true;
      emit(stack, record.logical_id, record.type, record.physical_id, "DELETE_FAILED", removed.error().message);
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
  auto prepared = prepare(snapshot, identity);
  struct Change {
    std::string logical_id;
    enum Kind { created, updated, replaced } kind;
    StackResourceRecord old_record;  // for updated/replaced
  };
  std::vector<Change> changes;
  std::string failed_resource, failure;
  std::set<std::string> kept;
  if (!prepared) {
    failure = prepared.error().message;
  } else {
    auto& ctx = prepared->context;
    for (const auto& [logical, record] : previous.resources) ctx.resources[logical] = record.state;
    const auto& resources = prepared->model["Resources"];
    for (const auto& logical : prepared->info.creation_order) {
      const auto& resource = resources[logical];
      if (!resource_enabled(resource, ctx)) continue;
      std::string type = resource["Type"];
      auto properties = evaluate(resource.value("Properties", json::object()), ctx);
      auto old = previous.resources.find(logical);
      bool exists = old != previous.resources.end() && old->second.type == type;
      if (exists && properties && *properties == old->second.properties) {
        kept.insert(logical);
        continue;
      }
      bool replace = !exists || m_provisioning.needs_replacement(type, old->second.properties,
                                                                  properties ? *properties : json());
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
      StackResourceRecord record{logical, type, outcome->physical_id, exists ? "UPDATE_COMPLETE" : "CREATE_COMPLETE",
                                 "", now(), *properties, outcome->state};
      if (!exists) {
        changes.push_back({logical, Change::created, {}});
        if (old != previous.resources.end()) changes.back().old_record = old->second;  // type changed
      } else {
        changes.push_back({logical, replace ? Change::replaced : Change::updated, old->second});
      }
      stack.resources[logical] = record;
      if (std::find(stack.resource_order.begin(), stack.resource_order.end(), logical) == stack.resource_order.end()) {
        stack.resource_order.push_back(logical);
      }
      emit(stack, logical, type, outcome->physical_id, exists ? "UPDATE_COMPLETE" : "CREATE_COMPLETE", "");
      ctx.resources[logical] = outcome->state;
      kept.insert(logical);
    }
    if (failed_resource.empty()) {
      auto outputs = evaluate_outputs(prepared->model, ctx);
      if (!outputs) {
        failure = outputs.error().message;
      } else {
        std::vector<StackResourceRecord> cleanup;
        {
          std::lock_guard lock(m_mutex);
          Stack& stack = *find_by_id(stack_id);
          stack.outputs = std::move(*outputs);
          set_stack_status(stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "");
          for (const auto& c : changes) {
            if (c.kind == Change::replaced || (c.kind == Change::created && !c.old_record.logical_id.empty())) {
              cleanup.push_back(c.old_record);
            }
          }
          for (auto it = previous.resource_order.rbegin(); it != previous.resource_order.rend(); ++it) {
            if (!kept.count(*it)) {
              cleanup.push_back(previous.resources[*it]);
              stack.resources.erase(*it);
              stack.resource_order.erase(std::remove(stack.resource_order.begin(), stack.resource_order.end(), *it),
                                         stack.resource_order.end());
            }
          }
        }
        for (const auto& r : cleanup) {
          {
            std::lock_guard lock(m_mutex);
            emit(*find_by_id(stack_id), r.logical_id, r.type, r.physical_id, "DELETE_IN_PROGRESS", "");
          }
          auto removed = m_provisioning.remove(r.type, r.physical_id, r.properties);
          std::lock_guard lock(m_mutex);
          emit(*find_by_id(stack_id), r.logical_id, r.type, r.physical_id, removed ? "DELETE_COMPLETE" : "DELETE_SKIPPED",
               removed ? "" : removed.error().message);
        }
        std::lock_guard lock(m_mutex);
        set_stack_status(*find_by_id(stack_id), "UPDATE_COMPLETE", "");
        return;
      }
    }
  }
  // Roll back: undo in reverse order, then restore the previous template, parameters and outputs.
  {
    std::lock_guard lock(m_mutex);
    std::string reason = failed_resource.empty() ? failure
                                                 : "The following resource(s) failed to update: [" + failed_resource + "]. ";
    set_stack_status(*find_by_id(stack_id), "UPDATE_ROLLBACK_IN_PROGRESS", reason);
  }
  bool rollback_failed = false;
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    StackResourceRecord current;
    {
      std::lock_guard lock(m_mutex);
      current = find_by_id(stack_id)->resources[it->logical_id];
    }
    if (it->kind == Change::updated) {
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
  }
  {
    std::lock_guard lock(m_mutex);
    Stack& stack = *find_by_id(stack_id);
    set_stack_status(stack, "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS", "");
  }
  for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
    if (it->kind == Change::updated) continue;
    StackResourceRecord current;
    {
      std::lock_guard lock(m_mutex);
      current = find_by_id(stack_id)->resources[it->logical_id];
      emit(*find_by_id(stack_id), current.logical_id, current.type, current.physical_id, "DELETE_IN_PROGRESS", "");
    }
    auto removed = m_provisioning.remove(current.type, current.physical_id, current.properties);
    std::lock_guard lock(m_mutex);
    rollback_failed = rollback_failed || !removed;
    emit(*find_by_id(stack_id), current.logical_id, current.type, current.physical_id,
         removed ? "DELETE_COMPLETE" : "DELETE_FAILED", removed ? "" : removed.error().message);
  }
  std::lock_guard lock(m_mutex);
  Stack& stack = *find_by_id(stack_id);
  stack.template_body = previous.template_body;
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

void StackService::Impl::run_delete(std::string stack_id) {
  std::vector<StackResourceRecord> order;
  {
    std::lock_guard lock(m_mutex);
    Stack& stack = *find_by_id(stack_id);
    for (auto it = stack.resource_order.rbegin(); it != stack.resource_order.rend(); ++it) {
      order.push_back(stack.resources[*it]);
    }
  }
  std::vector<std::string> failed;
  for (const auto& r : order) {
    {
      std::lock_guard lock(m_mutex);
      emit(*find_by_id(stack_id), r.logical_id, r.type, r.physical_id, "DELETE_IN_PROGRESS", "");
    }
    auto removed = m_provisioning.remove(r.type, r.physical_id, r.properties);
    std::lock_guard lock(m_mutex);
    Stack& stack = *find_by_id(stack_id);
    if (removed) {
      stack.resources.erase(r.logical_id);
      stack.resource_order.erase(std::remove(stack.resource_order.begin(), stack.resource_order.end(), r.logical_id),
                                 stack.resource_order.end());
      emit(stack, r.logical_id, r.type, r.physical_id, "DELETE_COMPLETE", "");
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
