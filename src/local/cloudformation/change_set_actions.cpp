// The change set actions: CreateChangeSet records the request and plans it on a background
// operation (CREATE_PENDING -> CREATE_IN_PROGRESS -> CREATE_COMPLETE | FAILED); ExecuteChangeSet
// runs the stack operation with exactly the change set's template, parameters and tags.
#include <nlohmann/json.hpp>

#include <regex>

#include "local/cloudformation/stack_render.hpp"
#include "local/cloudformation/stack_state.hpp"
#include "local/cloudformation/stack_template.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "local/protocol/xml_writer.hpp"
#include "util/crypto.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

Error change_set_missing(const std::string& name) {
  return cfn_error("ChangeSetNotFound", "ChangeSet [" + name + "] does not exist", 404);
}

bool updatable(const std::string& status) {
  return !is_in_progress(status) && status != "ROLLBACK_COMPLETE" && status != "ROLLBACK_FAILED" &&
         status != "CREATE_FAILED" && status != "DELETE_FAILED" && status != "UPDATE_ROLLBACK_FAILED" &&
         status != "DELETE_COMPLETE";
}

}  // namespace

Result<Answer> StackService::Impl::create_change_set(const QueryRequest& form, const RequestContext& ctx) {
  std::string stack_name = form.get("StackName");
  std::string name = form.get("ChangeSetName");
  static const std::regex k_name(R"([a-zA-Z][-a-zA-Z0-9]{0,127})");
  if (!std::regex_match(name, k_name)) {
    return fail(validation_error("1 validation error detected: Value '" + name +
                                 "' at 'changeSetName' failed to satisfy constraint: Member must satisfy regular "
                                 "expression pattern: [a-zA-Z][-a-zA-Z0-9]*"));
  }
  std::string type = form.has("ChangeSetType") ? form.get("ChangeSetType") : "UPDATE";
  if (type == "IMPORT") {
    return fail(validation_error("ChangeSetType IMPORT is not supported by lambda-cd local: it imports resources created "
                                 "outside CloudFormation, which lambda-cd local does not track. Use CREATE or UPDATE."));
  }
  if (type != "CREATE" && type != "UPDATE") {
    return fail(validation_error("1 validation error detected: Value '" + type +
                                 "' at 'changeSetType' failed to satisfy constraint: Member must satisfy enum value "
                                 "set: [CREATE, UPDATE, IMPORT]"));
  }
  std::lock_guard lock(m_mutex);
  Stack* stack = find(stack_name, ctx);
  if (type == "CREATE") {
    if (stack && stack->status != "REVIEW_IN_PROGRESS") {
      return fail(validation_error("Stack [" + stack_name + "] already exists and cannot be created again with the "
                                   "changeSet [" + name + "]."));
    }
    if (starts_with(stack_name, "arn:")) return fail(validation_error("Stack [" + stack_name + "] does not exist"));
    static const std::regex k_stack(R"([a-zA-Z][-a-zA-Z0-9]{0,127})");
    if (!std::regex_match(stack_name, k_stack)) {
      return fail(validation_error("1 validation error detected: Value '" + stack_name +
                                   "' at 'stackName' failed to satisfy constraint: Member must satisfy regular "
                                   "expression pattern: [a-zA-Z][-a-zA-Z0-9]*"));
    }
  } else {
    if (!stack) return fail(validation_error("Stack [" + stack_name + "] does not exist"));
    if (!updatable(stack->status)) {
      return fail(validation_error("Stack:" + stack->id + " is in " + stack->status + " state and can not be updated."));
    }
  }
  if (stack && find_change_set(name, stack->id, ctx)) {
    return fail(cfn_error("AlreadyExistsException", "ChangeSet [" + name + "] already exists"));
  }
  std::string body;
  if (form.get("UsePreviousTemplate") == "true") {
    if (type == "CREATE" || !stack) return fail(validation_error("UsePreviousTemplate can only be used with an UPDATE change set"));
    body = stack->template_body;
  } else {
    auto b = template_from(form);
    if (!b) return fail(b.error());
    body = *b;
  }
  auto given = given_parameters(form, type == "UPDATE" ? stack : nullptr);
  auto capabilities = form.list("Capabilities");
  // A template without a transform is checked now, as CloudFormation does; a transformed one
  // only once the transform ran (its failures make the change set FAILED).
  auto model = parse_template(body);
  if (!model) return fail(model.error());
  StackIdentity identity{ctx.region, ctx.account_id, stack_name, stack ? stack->id : ""};
  if (!model->contains("Transform")) {
    auto prepared = prepare_template(body, given, identity);
    if (!prepared) return fail(prepared.error());
    if (auto caps = check_capabilities(required_capabilities(*prepared, true), capabilities); !caps) {
      return fail(caps.error());
    }
  } else {
    auto header = analyze_template_header(*model);
    if (!header) return fail(header.error());
    if (auto params = resolve_parameters(header->parameters, given); !params) return fail(params.error());
  }

  if (!stack) {
    Stack s;
    s.id = "arn:aws:cloudformation:" + ctx.region + ":" + ctx.account_id + ":stack/" + stack_name + "/" + random_uuid();
    s.name = stack_name;
    s.region = ctx.region;
    s.account_id = ctx.account_id;
    s.creation_time = now();
    m_order.push_back(s.id);
    std::string id = s.id;
    stack = &m_stacks.emplace(id, std::move(s)).first->second;
    set_stack_status(*stack, "REVIEW_IN_PROGRESS", "User Initiated");
    if (!stack->save_error.empty()) {
      std::string why = stack->save_error;
      m_stacks.erase(id);
      m_order.pop_back();
      return fail(cfn_error("InternalFailure", "lambda-cd local could not save the new stack: " + why, 500));
    }
  }
  ChangeSet c;
  c.id = "arn:aws:cloudformation:" + ctx.region + ":" + ctx.account_id + ":changeSet/" + name + "/" + random_uuid();
  c.name = name;
  c.stack_id = stack->id;
  c.stack_name = stack->name;
  c.description = form.get("Description");
  c.type = type;
  c.creation_time = now();
  c.template_body = body;
  c.given_parameters = given;
  c.capabilities = capabilities;
  c.tags = form.has("Tags.member.1") || type == "CREATE" ? tags_of(form) : stack->tags;
  m_change_set_order.push_back(c.id);
  if (auto saved = persist(c); !saved) {
    m_change_set_order.pop_back();
    return fail(cfn_error("InternalFailure", "lambda-cd local could not save the change set: " + saved.error().message, 500));
  }
  std::string id = c.id;
  std::string stack_id = c.stack_id;
  m_change_sets.emplace(id, std::move(c));
  XmlWriter x;
  x.leaf("Id", id).leaf("StackId", stack_id);
  return Answer{x.str(), false, start([this, id] { run_plan(id); })};
}

Result<Answer> StackService::Impl::describe_change_set(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  ChangeSet* c = find_change_set(form.get("ChangeSetName"), form.get("StackName"), ctx);
  if (!c) return fail(change_set_missing(form.get("ChangeSetName")));
  XmlWriter x;
  write_change_set(x, *c);
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::list_change_sets(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  Stack* stack = find(form.get("StackName"), ctx);
  if (!stack) return fail(validation_error("Stack with id " + form.get("StackName") + " does not exist"));
  XmlWriter x;
  x.open("Summaries");
  for (const auto& id : m_change_set_order) {
    const ChangeSet& c = m_change_sets[id];
    if (c.stack_id == stack->id && c.listed) write_change_set_summary(x, c);
  }
  x.close("Summaries");
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::execute_change_set(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  ChangeSet* c = find_change_set(form.get("ChangeSetName"), form.get("StackName"), ctx);
  if (!c) return fail(change_set_missing(form.get("ChangeSetName")));
  if (c->status != "CREATE_COMPLETE" || c->execution_status != "AVAILABLE") {
    return fail(cfn_error("InvalidChangeSetStatus", "ChangeSet [" + c->id + "] cannot be executed in its current status of [" +
                                                        c->status + "] and execution status of [" +
                                                        c->execution_status + "]"));
  }
  Stack* stack = find_by_id(c->stack_id);
  if (!stack) return fail(change_set_missing(form.get("ChangeSetName")));
  bool create = c->type == "CREATE";
  if (create ? stack->status != "REVIEW_IN_PROGRESS" : !updatable(stack->status)) {
    return fail(validation_error("Stack:" + stack->id + " is in " + stack->status +
                                 " state and can not be updated."));
  }
  Stack previous = *stack;
  stack->template_body = c->template_body;
  stack->processed_template = c->processed_template;
  stack->given_parameters = c->given_parameters;
  stack->parameters = c->parameters;
  stack->no_echo = c->no_echo;
  stack->capabilities = c->capabilities;
  stack->tags = c->tags;
  stack->change_set_id = c->id;
  if (form.has("DisableRollback")) stack->disable_rollback = form.get("DisableRollback") == "true";
  auto prepared = prepared_for(*stack);
  if (prepared) stack->description = prepared->info.description;
  if (!create) stack->last_updated_time = now();
  c->execution_status = "EXECUTE_IN_PROGRESS";
  retire_change_sets(stack->id, c->id);
  (void)persist(*c);
  set_stack_status(*stack, create ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS", "User Initiated");
  if (!stack->save_error.empty()) {
    std::string why = stack->save_error;
    *stack = previous;
    c->execution_status = "AVAILABLE";
    (void)persist(*c);
    return fail(cfn_error("InternalFailure", "lambda-cd local could not save the stack: " + why, 500));
  }
  std::string id = stack->id;
  if (create) return Answer{"", false, start([this, id] { run_create(id); })};
  return Answer{"", false, start([this, id, previous = std::move(previous)]() mutable {
                  run_update(id, std::move(previous));
                })};
}

Result<Answer> StackService::Impl::delete_change_set(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  ChangeSet* c = find_change_set(form.get("ChangeSetName"), form.get("StackName"), ctx);
  if (!c) return fail(change_set_missing(form.get("ChangeSetName")));
  if (c->execution_status == "EXECUTE_IN_PROGRESS" || c->status == "CREATE_PENDING" || c->status == "CREATE_IN_PROGRESS") {
    return fail(cfn_error("InvalidChangeSetStatus", "ChangeSet [" + c->id + "] cannot be deleted in its current status of [" +
                                                        c->status + "]"));
  }
  std::string id = c->id;
  if (auto removed = m_db->exec("DELETE FROM change_sets WHERE change_set_id = ?", {id}); !removed) {
    return fail(cfn_error("InternalFailure", "lambda-cd local could not delete the change set: " + removed.error().message, 500));
  }
  m_change_sets.erase(id);
  m_change_set_order.erase(std::remove(m_change_set_order.begin(), m_change_set_order.end(), id), m_change_set_order.end());
  return Answer{"", false, nullptr};
}

}  // namespace lcd::local::cloudformation
