// The stack actions of the CloudFormation API, one function each: validation and the record
// changes happen here, under the service's mutex; resources change on a background operation.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <set>

#include "local/cloudformation/stack_render.hpp"
#include "local/cloudformation/stack_state.hpp"
#include "local/cloudformation/stack_template.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "local/protocol/xml_writer.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

constexpr size_t k_events_page = 100;

Error stack_missing(const std::string& name) { return validation_error("Stack with id " + name + " does not exist"); }

Answer stack_id_answer(const std::string& id, std::shared_ptr<Operation> started) {
  XmlWriter x;
  x.leaf("StackId", id);
  return Answer{x.str(), false, std::move(started)};
}

// What ValidateTemplate and GetTemplateSummary report: the whole analysis, or for a template a
// transform still has to expand, its header (the resources are known after the transform).
Result<TemplateInfo> summary_of(const json& model) {
  if (!model.contains("Transform")) return analyze_template(model);
  return analyze_template_header(model);
}

}  // namespace

Result<Answer> StackService::Impl::create_stack(const QueryRequest& form, const RequestContext& ctx) {
  std::string name = form.get("StackName");
  static const std::regex k_name(R"([a-zA-Z][-a-zA-Z0-9]{0,127})");
  if (!std::regex_match(name, k_name)) {
    return fail(validation_error("1 validation error detected: Value '" + name +
                                 "' at 'stackName' failed to satisfy constraint: Member must satisfy regular "
                                 "expression pattern: [a-zA-Z][-a-zA-Z0-9]*"));
  }
  auto body = template_from(form);
  if (!body) return fail(body.error());
  auto given = given_parameters(form);
  auto capabilities = form.list("Capabilities");
  std::string on_failure = form.has("OnFailure") ? form.get("OnFailure") : "ROLLBACK";
  if (on_failure != "ROLLBACK" && on_failure != "DO_NOTHING" && on_failure != "DELETE") {
    return fail(validation_error("1 validation error detected: Value '" + on_failure +
                                 "' at 'onFailure' failed to satisfy constraint: Member must satisfy enum value "
                                 "set: [DO_NOTHING, ROLLBACK, DELETE]"));
  }
  if (form.has("OnFailure") && form.has("DisableRollback")) {
    return fail(validation_error("You can specify either DisableRollback or OnFailure, but not both."));
  }
  std::lock_guard lock(m_mutex);
  if (find(name, ctx)) return fail(cfn_error("AlreadyExistsException", "Stack [" + name + "] already exists"));
  Stack s;
  s.id = "arn:aws:cloudformation:" + ctx.region + ":" + ctx.account_id + ":stack/" + name + "/" + random_uuid();
  s.name = name;
  s.region = ctx.region;
  s.account_id = ctx.account_id;
  auto prepared = prepare_template(*body, given, identity_of(s));
  if (!prepared) return fail(prepared.error());
  if (auto caps = check_capabilities(required_capabilities(*prepared, false), capabilities); !caps) {
    return fail(caps.error());
  }
  s.description = prepared->info.description;
  s.creation_time = now();
  s.template_body = *body;
  if (prepared->transformed) s.processed_template = prepared->processed_text();
  s.given_parameters = given;
  s.parameters = display_parameters(prepared->parameters);
  for (const auto& p : prepared->info.parameters) {
    if (p.no_echo) s.no_echo.push_back(p.name);
  }
  s.capabilities = capabilities;
  s.tags = tags_of(form);
  s.disable_rollback = form.get("DisableRollback") == "true";
  s.on_failure = on_failure;
  m_order.push_back(s.id);
  std::string id = s.id;
  Stack& stored = m_stacks.emplace(id, std::move(s)).first->second;
  set_stack_status(stored, "CREATE_IN_PROGRESS", "User Initiated");
  if (!stored.save_error.empty()) {
    std::string why = stored.save_error;
    m_stacks.erase(id);
    m_order.pop_back();
    return fail(cfn_error("InternalFailure", "lambda-cd local could not save the new stack: " + why, 500));
  }
  return stack_id_answer(id, start([this, id] { run_create(id); }));
}

Result<Answer> StackService::Impl::update_stack(const QueryRequest& form, const RequestContext& ctx) {
  std::string name = form.get("StackName");
  std::lock_guard lock(m_mutex);
  Stack* s = find(name, ctx);
  if (!s) return fail(validation_error("Stack [" + name + "] does not exist"));
  if (is_in_progress(s->status) || s->status == "ROLLBACK_COMPLETE" || s->status == "ROLLBACK_FAILED" ||
      s->status == "CREATE_FAILED" || s->status == "DELETE_FAILED" || s->status == "UPDATE_ROLLBACK_FAILED") {
    return fail(validation_error("Stack:" + s->id + " is in " + s->status + " state and can not be updated."));
  }
  std::string body;
  if (form.get("UsePreviousTemplate") == "true") {
    if (form.has("TemplateBody") || form.has("TemplateURL")) {
      return fail(validation_error("Specify exactly one of TemplateBody, TemplateUrl or UsePreviousTemplate."));
    }
    body = s->template_body;
  } else {
    auto b = template_from(form);
    if (!b) return fail(b.error());
    body = *b;
  }
  auto given = given_parameters(form, s);
  auto capabilities = form.list("Capabilities");
  auto prepared = prepare_template(body, given, identity_of(*s));
  if (!prepared) return fail(prepared.error());
  if (auto caps = check_capabilities(required_capabilities(*prepared, false), capabilities); !caps) {
    return fail(caps.error());
  }
  auto parameters = display_parameters(prepared->parameters);
  auto tags = form.has("Tags.member.1") ? tags_of(form) : s->tags;
  auto deployed = prepared_for(*s);
  if (deployed && deployed->model == prepared->model && parameters == s->parameters && tags == s->tags) {
    return fail(validation_error("No updates are to be performed."));
  }
  Stack previous = *s;
  s->template_body = body;
  s->processed_template = prepared->transformed ? prepared->processed_text() : std::string();
  s->given_parameters = given;
  s->parameters = parameters;
  s->capabilities = capabilities;
  s->tags = tags;
  s->description = prepared->info.description;
  s->last_updated_time = now();
  retire_change_sets(s->id, "");
  set_stack_status(*s, "UPDATE_IN_PROGRESS", "User Initiated");
  if (!s->save_error.empty()) {
    std::string why = s->save_error;
    *s = previous;
    return fail(cfn_error("InternalFailure", "lambda-cd local could not save the stack update: " + why, 500));
  }
  std::string id = s->id;
  return stack_id_answer(id, start([this, id, previous = std::move(previous)]() mutable {
                           run_update(id, std::move(previous));
                         }));
}

Result<Answer> StackService::Impl::delete_stack(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  Stack* s = find(form.get("StackName"), ctx);
  auto retain = form.list("RetainResources");
  // Deleting a stack that does not exist (or is being deleted) succeeds.
  if (!s || s->status == "DELETE_COMPLETE" || s->status == "DELETE_IN_PROGRESS") return Answer{"", true, nullptr};
  if (!retain.empty()) {
    if (s->status != "DELETE_FAILED") {
      return fail(validation_error("Invalid operation on stack [" + s->id +
                                   "]. RetainResources can only be specified when the stack is in the DELETE_FAILED "
                                   "state."));
    }
    for (const auto& logical : retain) {
      auto r = s->resources.find(logical);
      if (r == s->resources.end() || r->second.status == "DELETE_COMPLETE") {
        return fail(validation_error("The specified resources to retain must be in a valid state. Do not specify "
                                     "resources that are in the DELETE_COMPLETE state."));
      }
    }
  }
  if (s->status == "REVIEW_IN_PROGRESS") {
    // Nothing was created: the stack goes at once, with its change sets.
    set_stack_status(*s, "DELETE_IN_PROGRESS", "User Initiated");
    retire_change_sets(s->id, "");
    s->deletion_time = now();
    set_stack_status(*s, "DELETE_COMPLETE", "");
    return Answer{"", true, nullptr};
  }
  if (is_in_progress(s->status)) {
    return fail(validation_error("Stack [" + s->name + "] cannot be deleted while in status " + s->status));
  }
  retire_change_sets(s->id, "");
  set_stack_status(*s, "DELETE_IN_PROGRESS", "User Initiated");
  std::string id = s->id;
  auto op = start([this, id, retain] { run_delete(id, retain); });
  return Answer{"", true, op};
}

Result<Answer> StackService::Impl::describe_stacks(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  XmlWriter x;
  x.open("Stacks");
  if (form.has("StackName")) {
    Stack* s = find(form.get("StackName"), ctx);
    if (!s) return fail(stack_missing(form.get("StackName")));
    write_stack(x, *s);
  } else {
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
      const Stack& s = m_stacks[*it];
      if (s.status != "DELETE_COMPLETE" && s.region == ctx.region && s.account_id == ctx.account_id) write_stack(x, s);
    }
  }
  x.close("Stacks");
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::describe_stack_events(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  Stack* s = find(form.get("StackName"), ctx);
  if (!s) return fail(stack_missing(form.get("StackName")));
  // Newest first, 100 a page; the token names the first event of the next page, so events
  // appended meanwhile (at the head) neither repeat nor shift the pages already handed out.
  size_t begin = 0;  // index into the newest-first order
  if (form.has("NextToken")) {
    auto anchor = base64_decode(form.get("NextToken"));
    auto at = anchor ? std::find_if(s->events.begin(), s->events.end(),
                                    [&](const StackEvent& e) { return e.event_id == *anchor; })
                     : s->events.end();
    if (at == s->events.end()) return fail(validation_error("Invalid NextToken"));
    begin = s->events.size() - 1 - static_cast<size_t>(at - s->events.begin());
  }
  XmlWriter x;
  x.open("StackEvents");
  size_t end = std::min(begin + k_events_page, s->events.size());
  for (size_t i = begin; i < end; ++i) write_event(x, *s, s->events[s->events.size() - 1 - i]);
  x.close("StackEvents");
  if (end < s->events.size()) x.leaf("NextToken", base64_encode(s->events[s->events.size() - 1 - end].event_id));
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::describe_stack_resources(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  Stack* s = nullptr;
  if (form.has("StackName") && form.has("PhysicalResourceId")) {
    return fail(validation_error("Cannot specify both StackName and PhysicalResourceId"));
  }
  if (form.has("PhysicalResourceId")) {
    for (auto& [id, stack] : m_stacks) {
      if (stack.region != ctx.region || stack.account_id != ctx.account_id) continue;
      for (const auto& [k, r] : stack.resources) {
        if (r.physical_id == form.get("PhysicalResourceId")) s = &stack;
      }
    }
    if (!s) return fail(validation_error("Stack for " + form.get("PhysicalResourceId") + " does not exist"));
  } else {
    s = find(form.get("StackName"), ctx);
    if (!s) return fail(stack_missing(form.get("StackName")));
  }
  std::string filter = form.get("LogicalResourceId");
  XmlWriter x;
  x.open("StackResources");
  for (const auto& logical : s->resource_order) {
    const auto& r = s->resources.at(logical);
    if (filter.empty() || r.logical_id == filter) write_resource(x, *s, r, ResourceShape::resource);
  }
  x.close("StackResources");
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::list_stack_resources(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  Stack* s = find(form.get("StackName"), ctx);
  if (!s) return fail(stack_missing(form.get("StackName")));
  XmlWriter x;
  x.open("StackResourceSummaries");
  for (const auto& logical : s->resource_order) write_resource(x, *s, s->resources.at(logical), ResourceShape::summary);
  x.close("StackResourceSummaries");
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::describe_stack_resource(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  Stack* s = find(form.get("StackName"), ctx);
  if (!s) return fail(stack_missing(form.get("StackName")));
  std::string logical = form.get("LogicalResourceId");
  auto r = s->resources.find(logical);
  if (r == s->resources.end()) return fail(validation_error("Resource " + logical + " does not exist for stack " + s->name));
  XmlWriter x;
  x.open("StackResourceDetail");
  write_resource(x, *s, r->second, ResourceShape::detail);
  x.close("StackResourceDetail");
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::list_stacks(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  auto filters = form.list("StackStatusFilter");
  XmlWriter x;
  x.open("StackSummaries");
  for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
    const Stack& s = m_stacks[*it];
    if (s.region != ctx.region || s.account_id != ctx.account_id) continue;
    if (!filters.empty() && std::find(filters.begin(), filters.end(), s.status) == filters.end()) continue;
    write_stack_summary(x, s);
  }
  x.close("StackSummaries");
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::get_template(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  std::string stage = form.has("TemplateStage") ? form.get("TemplateStage") : "Original";
  if (stage != "Original" && stage != "Processed") {
    return fail(validation_error("1 validation error detected: Value '" + stage +
                                 "' at 'templateStage' failed to satisfy constraint: Member must satisfy enum value "
                                 "set: [Original, Processed]"));
  }
  std::string original, processed;
  if (form.has("ChangeSetName")) {
    ChangeSet* c = find_change_set(form.get("ChangeSetName"), form.get("StackName"), ctx);
    if (!c) return fail(cfn_error("ChangeSetNotFound", "ChangeSet [" + form.get("ChangeSetName") + "] does not exist", 404));
    original = c->template_body;
    processed = c->processed_template;
  } else {
    Stack* s = find(form.get("StackName"), ctx);
    if (!s) return fail(stack_missing(form.get("StackName")));
    original = s->template_body;
    processed = s->processed_template;
  }
  XmlWriter x;
  x.leaf("TemplateBody", stage == "Processed" && !processed.empty() ? processed : original);
  x.open("StagesAvailable").leaf("member", "Original").leaf("member", "Processed").close("StagesAvailable");
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::get_template_summary(const QueryRequest& form, const RequestContext& ctx) {
  std::string body;
  if (form.has("StackName")) {
    std::lock_guard lock(m_mutex);
    Stack* s = find(form.get("StackName"), ctx);
    if (!s) return fail(stack_missing(form.get("StackName")));
    body = s->template_body;
  } else {
    auto b = template_from(form);
    if (!b) return fail(b.error());
    body = *b;
  }
  auto model = parse_template(body);
  if (!model) return fail(model.error());
  auto info = summary_of(*model);
  if (!info) return fail(info.error());
  XmlWriter x;
  x.open("Parameters");
  for (const auto& p : info->parameters) {
    x.open("member").leaf("ParameterKey", p.name);
    if (p.default_value) x.leaf("DefaultValue", *p.default_value);
    x.leaf("ParameterType", p.type).leaf("NoEcho", p.no_echo ? "true" : "false").optional_leaf("Description", p.description);
    x.open("ParameterConstraints").open("AllowedValues");
    for (const auto& v : p.allowed_values) x.leaf("member", v);
    x.close("AllowedValues").close("ParameterConstraints").close("member");
  }
  x.close("Parameters");
  x.optional_leaf("Description", info->description);
  x.open("Capabilities");
  for (const auto& c : info->capabilities) x.leaf("member", c);
  x.close("Capabilities");
  x.optional_leaf("CapabilitiesReason", info->capabilities_reason);
  std::set<std::string> types;
  const json resources = model->value("Resources", json::object());
  for (const auto& [logical, resource] : resources.items()) {
    if (resource.is_object() && resource.contains("Type") && resource["Type"].is_string()) types.insert(resource["Type"]);
  }
  x.open("ResourceTypes");
  for (const auto& t : types) x.leaf("member", t);
  x.close("ResourceTypes");
  x.leaf("Version", "2010-09-09");
  x.open("DeclaredTransforms");
  for (const auto& t : info->declared_transforms) x.leaf("member", t);
  x.close("DeclaredTransforms");
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::validate_template(const QueryRequest& form, const RequestContext& ctx) {
  (void)ctx;
  auto body = template_from(form);
  if (!body) return fail(body.error());
  auto model = parse_template(*body);
  if (!model) return fail(model.error());
  auto info = summary_of(*model);
  if (!info) return fail(info.error());
  XmlWriter x;
  x.open("Parameters");
  for (const auto& p : info->parameters) {
    x.open("member").leaf("ParameterKey", p.name);
    if (p.default_value) x.leaf("DefaultValue", *p.default_value);
    x.leaf("NoEcho", p.no_echo ? "true" : "false").optional_leaf("Description", p.description).close("member");
  }
  x.close("Parameters");
  x.optional_leaf("Description", info->description);
  x.open("Capabilities");
  for (const auto& c : info->capabilities) x.leaf("member", c);
  x.close("Capabilities");
  x.optional_leaf("CapabilitiesReason", info->capabilities_reason);
  x.open("DeclaredTransforms");
  for (const auto& t : info->declared_transforms) x.leaf("member", t);
  x.close("DeclaredTransforms");
  return Answer{x.str()};
}

}  // namespace lcd::local::cloudformation
