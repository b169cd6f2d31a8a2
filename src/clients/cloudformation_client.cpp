#include "clients/cloudformation_client.hpp"

#include "clients/query_protocol.hpp"
#include "util/xml_document.hpp"
#include "util/encoding.hpp"

namespace lcd::clients {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

void add_list(Params& params, const std::string& name, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    params.emplace_back(name + ".member." + std::to_string(i + 1), values[i]);
  }
}

void add_parameters(Params& params, const std::vector<StackParameter>& parameters) {
  for (size_t i = 0; i < parameters.size(); ++i) {
    const std::string base = "Parameters.member." + std::to_string(i + 1);
    params.emplace_back(base + ".ParameterKey", parameters[i].key);
    params.emplace_back(base + ".ParameterValue", parameters[i].value);
  }
}

Result<XmlElement> result_element(std::string_view xml, std::string_view action) {
  return parse_query_result(xml, action, "CloudFormation");
}

StackEvent event_from(const XmlElement& m) {
  StackEvent e;
  e.event_id = m.child_text("EventId");
  e.stack_id = m.child_text("StackId");
  e.stack_name = m.child_text("StackName");
  e.logical_resource_id = m.child_text("LogicalResourceId");
  e.physical_resource_id = m.child_text("PhysicalResourceId");
  e.resource_type = m.child_text("ResourceType");
  e.timestamp = m.child_text("Timestamp");
  e.resource_status = m.child_text("ResourceStatus");
  e.resource_status_reason = m.child_text("ResourceStatusReason");
  return e;
}

}  // namespace

std::string build_query_body(const std::string& action, const Params& params) {
  return build_query_body(action, k_cloudformation_api_version, params);
}

bool is_no_updates_error(const Error& error) {
  return (error.code.empty() || error.code == "ValidationError") &&
         error.message.find(k_no_updates_message) != std::string::npos;
}

Result<std::string> CloudFormationClient::send(const std::string& action, const Params& params) {
  auto response = m_caller.call(query_request("cloudformation", k_cloudformation_api_version, action, params));
  if (!response) return fail(response.error());
  return std::move(response->body);
}

Result<std::string> parse_stack_id_response(std::string_view xml, std::string_view action) {
  auto result = result_element(xml, action);
  if (!result) return fail(result.error());
  std::string id = result->child_text("StackId");
  if (id.empty()) return fail(ErrorKind::invalid, std::string(action) + ": response has no StackId");
  return id;
}

Result<std::vector<Stack>> parse_describe_stacks(std::string_view xml) {
  auto result = result_element(xml, "DescribeStacks");
  if (!result) return fail(result.error());
  std::vector<Stack> stacks;
  for (const XmlElement* m : result->members("Stacks")) {
    Stack s;
    s.stack_id = m->child_text("StackId");
    s.stack_name = m->child_text("StackName");
    s.description = m->child_text("Description");
    s.status = m->child_text("StackStatus");
    s.status_reason = m->child_text("StackStatusReason");
    s.creation_time = m->child_text("CreationTime");
    s.last_updated_time = m->child_text("LastUpdatedTime");
    s.deletion_time = m->child_text("DeletionTime");
    for (const XmlElement* p : m->members("Parameters")) {
      s.parameters.push_back({p->child_text("ParameterKey"), p->child_text("ParameterValue")});
    }
    for (const XmlElement* c : m->members("Capabilities")) s.capabilities.push_back(c->text);
    for (const XmlElement* o : m->members("Outputs")) {
      s.outputs.push_back(
          {o->child_text("OutputKey"), o->child_text("OutputValue"), o->child_text("Description"), o->child_text("ExportName")});
    }
    stacks.push_back(std::move(s));
  }
  return stacks;
}

Result<StackEventsPage> parse_describe_stack_events(std::string_view xml) {
  auto result = result_element(xml, "DescribeStackEvents");
  if (!result) return fail(result.error());
  StackEventsPage page;
  for (const XmlElement* m : result->members("StackEvents")) page.events.push_back(event_from(*m));
  page.next_token = result->child_text("NextToken");
  return page;
}

Result<std::vector<StackResource>> parse_describe_stack_resources(std::string_view xml) {
  auto result = result_element(xml, "DescribeStackResources");
  if (!result) return fail(result.error());
  std::vector<StackResource> out;
  for (const XmlElement* m : result->members("StackResources")) {
    out.push_back({m->child_text("LogicalResourceId"), m->child_text("PhysicalResourceId"),
                   m->child_text("ResourceType"), m->child_text("Timestamp"), m->child_text("ResourceStatus"),
                   m->child_text("ResourceStatusReason")});
  }
  return out;
}

Result<TemplateValidation> parse_validate_template(std::string_view xml) {
  auto result = result_element(xml, "ValidateTemplate");
  if (!result) return fail(result.error());
  TemplateValidation out;
  out.description = result->child_text("Description");
  for (const XmlElement* p : result->members("Parameters")) {
    out.parameters.push_back({p->child_text("ParameterKey"), p->child_text("DefaultValue"),
                              p->child_text("NoEcho") == "true", p->child_text("Description")});
  }
  for (const XmlElement* c : result->members("Capabilities")) out.capabilities.push_back(c->text);
  out.capabilities_reason = result->child_text("CapabilitiesReason");
  return out;
}

Result<std::string> CloudFormationClient::create_stack(const CreateStackRequest& request) {
  Params params{{"StackName", request.stack_name}, {"TemplateBody", request.template_body}};
  add_parameters(params, request.parameters);
  add_list(params, "Capabilities", request.capabilities);
  for (size_t i = 0; i < request.tags.size(); ++i) {
    const std::string base = "Tags.member." + std::to_string(i + 1);
    params.emplace_back(base + ".Key", request.tags[i].first);
    params.emplace_back(base + ".Value", request.tags[i].second);
  }
  if (request.on_failure) params.emplace_back("OnFailure", *request.on_failure);
  auto body = send("CreateStack", params);
  if (!body) return fail(body.error());
  return parse_stack_id_response(*body, "CreateStack");
}

Result<UpdateStackResult> CloudFormationClient::update_stack(const UpdateStackRequest& request) {
  Params params{{"StackName", request.stack_name}, {"TemplateBody", request.template_body}};
  add_parameters(params, request.parameters);
  add_list(params, "Capabilities", request.capabilities);
  auto body = send("UpdateStack", params);
  if (!body) {
    if (is_no_updates_error(body.error())) return UpdateStackResult{"", true};
    return fail(body.error());
  }
  auto id = parse_stack_id_response(*body, "UpdateStack");
  if (!id) return fail(id.error());
  return UpdateStackResult{*id, false};
}

Result<void> CloudFormationClient::delete_stack(const std::string& stack_name) {
  auto body = send("DeleteStack", {{"StackName", stack_name}});
  if (!body) return fail(body.error());
  return {};
}

Result<Stack> CloudFormationClient::describe_stack(const std::string& stack_name) {
  auto body = send("DescribeStacks", {{"StackName", stack_name}});
  if (!body) return fail(body.error());
  auto stacks = parse_describe_stacks(*body);
  if (!stacks) return fail(stacks.error());
  if (stacks->empty()) {
    Error e{ErrorKind::not_found, "Stack with id " + stack_name + " does not exist"};
    e.code = "ValidationError";
    return fail(std::move(e));
  }
  return std::move(stacks->front());
}

Result<StackEventsPage> CloudFormationClient::describe_stack_events_page(const std::string& stack_name,
                                                                        const std::string& next_token) {
  Params params{{"StackName", stack_name}};
  if (!next_token.empty()) params.emplace_back("NextToken", next_token);
  auto body = send("DescribeStackEvents", params);
  if (!body) return fail(body.error());
  return parse_describe_stack_events(*body);
}

Result<std::vector<StackEvent>> CloudFormationClient::describe_stack_events(const std::string& stack_name,
                                                                          const std::string& stop_at_event_id) {
  std::vector<StackEvent> all;
  std::string token;
  for (int page = 0; page < k_max_pages; ++page) {
    auto p = describe_stack_events_page(stack_name, token);
    if (!p) return fail(p.error());
    for (auto& e : p->events) {
      if (!stop_at_event_id.empty() && e.event_id == stop_at_event_id) return all;
      all.push_back(std::move(e));
    }
    if (p->next_token.empty()) return all;
    if (p->next_token == token) return fail(ErrorKind::invalid, "DescribeStackEvents: NextToken did not advance");
    token = p->next_token;
  }
  return fail(ErrorKind::internal, "DescribeStackEvents: more than " + std::to_string(k_max_pages) + " pages");
}

Result<std::vector<StackResource>> CloudFormationClient::describe_stack_resources(const std::string& stack_name) {
  auto body = send("DescribeStackResources", {{"StackName", stack_name}});
  if (!body) return fail(body.error());
  return parse_describe_stack_resources(*body);
}

Result<TemplateValidation> CloudFormationClient::validate_template(const std::string& template_body) {
  auto body = send("ValidateTemplate", {{"TemplateBody", template_body}});
  if (!body) return fail(body.error());
  return parse_validate_template(*body);
}


bool is_empty_change_set(const ChangeSet& change_set) {
  return change_set.status == "FAILED" &&
         (change_set.status_reason.find("didn't contain changes") != std::string::npos ||
          change_set.status_reason.find(k_no_updates_message) != std::string::npos);
}

Result<ChangeSetRef> parse_create_change_set(std::string_view xml) {
  auto result = result_element(xml, "CreateChangeSet");
  if (!result) return fail(result.error());
  ChangeSetRef ref{result->child_text("Id"), result->child_text("StackId")};
  if (ref.change_set_id.empty()) return fail(ErrorKind::invalid, "CreateChangeSet: response has no Id");
  return ref;
}

Result<ChangeSet> parse_describe_change_set(std::string_view xml, std::string& next_token) {
  auto result = result_element(xml, "DescribeChangeSet");
  if (!result) return fail(result.error());
  ChangeSet c;
  c.change_set_id = result->child_text("ChangeSetId");
  c.change_set_name = result->child_text("ChangeSetName");
  c.stack_id = result->child_text("StackId");
  c.stack_name = result->child_text("StackName");
  c.status = result->child_text("Status");
  c.status_reason = result->child_text("StatusReason");
  c.execution_status = result->child_text("ExecutionStatus");
  for (const XmlElement* m : result->members("Changes")) {
    const XmlElement* rc = m->child("ResourceChange");
    if (!rc) continue;
    ResourceChange change;
    change.action = rc->child_text("Action");
    change.logical_resource_id = rc->child_text("LogicalResourceId");
    change.physical_resource_id = rc->child_text("PhysicalResourceId");
    change.resource_type = rc->child_text("ResourceType");
    change.replacement = rc->child_text("Replacement");
    for (const XmlElement* scope : rc->members("Scope")) change.scope.push_back(scope->text);
    for (const XmlElement* d : rc->members("Details")) {
      ChangeDetail detail;
      if (const XmlElement* target = d->child("Target")) {
        detail.attribute = target->child_text("Attribute");
        detail.name = target->child_text("Name");
        detail.requires_recreation = target->child_text("RequiresRecreation");
      }
      detail.evaluation = d->child_text("Evaluation");
      detail.change_source = d->child_text("ChangeSource");
      detail.causing_entity = d->child_text("CausingEntity");
      change.details.push_back(std::move(detail));
    }
    c.changes.push_back(std::move(change));
  }
  next_token = result->child_text("NextToken");
  return c;
}

Result<std::string> parse_get_template(std::string_view xml) {
  auto result = result_element(xml, "GetTemplate");
  if (!result) return fail(result.error());
  return result->child_text("TemplateBody");
}

Result<DriftDetectionStatus> parse_drift_detection_status(std::string_view xml) {
  auto result = result_element(xml, "DescribeStackDriftDetectionStatus");
  if (!result) return fail(result.error());
  return DriftDetectionStatus{result->child_text("DetectionStatus"), result->child_text("DetectionStatusReason"),
                              result->child_text("StackDriftStatus")};
}

Result<std::vector<ResourceDrift>> parse_resource_drifts(std::string_view xml, std::string& next_token) {
  auto result = result_element(xml, "DescribeStackResourceDrifts");
  if (!result) return fail(result.error());
  std::vector<ResourceDrift> out;
  for (const XmlElement* m : result->members("StackResourceDrifts")) {
    ResourceDrift drift;
    drift.logical_resource_id = m->child_text("LogicalResourceId");
    drift.physical_resource_id = m->child_text("PhysicalResourceId");
    drift.resource_type = m->child_text("ResourceType");
    drift.drift_status = m->child_text("StackResourceDriftStatus");
    for (const XmlElement* p : m->members("PropertyDifferences")) {
      drift.differences.push_back({p->child_text("PropertyPath"), p->child_text("ExpectedValue"),
                                   p->child_text("ActualValue"), p->child_text("DifferenceType")});
    }
    out.push_back(std::move(drift));
  }
  next_token = result->child_text("NextToken");
  return out;
}

Result<ChangeSetRef> CloudFormationClient::create_change_set(const CreateChangeSetRequest& request) {
  Params params{{"StackName", request.stack_name},
                {"ChangeSetName", request.change_set_name},
                {"ChangeSetType", request.change_set_type},
                {"TemplateBody", request.template_body}};
  add_parameters(params, request.parameters);
  add_list(params, "Capabilities", request.capabilities);
  if (!request.description.empty()) params.emplace_back("Description", request.description);
  auto body = send("CreateChangeSet", params);
  if (!body) return fail(body.error());
  return parse_create_change_set(*body);
}

Result<ChangeSet> CloudFormationClient::describe_change_set(const std::string& change_set,
                                                           const std::string& stack_name) {
  ChangeSet all;
  std::string token;
  for (int page = 0; page < k_max_pages; ++page) {
    Params params{{"ChangeSetName", change_set}};
    if (!stack_name.empty()) params.emplace_back("StackName", stack_name);
    if (!token.empty()) params.emplace_back("NextToken", token);
    auto body = send("DescribeChangeSet", params);
    if (!body) return fail(body.error());
    std::string next;
    auto one = parse_describe_change_set(*body, next);
    if (!one) return fail(one.error());
    if (page == 0) {
      all = std::move(*one);
    } else {
      all.changes.insert(all.changes.end(), one->changes.begin(), one->changes.end());
    }
    if (next.empty()) return all;
    if (next == token) return fail(ErrorKind::invalid, "DescribeChangeSet: NextToken did not advance");
    token = next;
  }
  return fail(ErrorKind::internal, "DescribeChangeSet: more than " + std::to_string(k_max_pages) + " pages");
}

Result<void> CloudFormationClient::execute_change_set(const std::string& change_set_id) {
  auto body = send("ExecuteChangeSet", {{"ChangeSetName", change_set_id}});
  if (!body) return fail(body.error());
  return {};
}

Result<void> CloudFormationClient::delete_change_set(const std::string& change_set_id) {
  auto body = send("DeleteChangeSet", {{"ChangeSetName", change_set_id}});
  if (!body) return fail(body.error());
  return {};
}

Result<std::string> CloudFormationClient::get_template(const std::string& stack_name, const std::string& stage) {
  auto body = send("GetTemplate", {{"StackName", stack_name}, {"TemplateStage", stage}});
  if (!body) return fail(body.error());
  return parse_get_template(*body);
}

Result<std::string> CloudFormationClient::detect_stack_drift(const std::string& stack_name) {
  auto body = send("DetectStackDrift", {{"StackName", stack_name}});
  if (!body) return fail(body.error());
  auto result = result_element(*body, "DetectStackDrift");
  if (!result) return fail(result.error());
  std::string id = result->child_text("StackDriftDetectionId");
  if (id.empty()) return fail(ErrorKind::invalid, "DetectStackDrift: response has no StackDriftDetectionId");
  return id;
}

Result<DriftDetectionStatus> CloudFormationClient::describe_stack_drift_detection_status(const std::string& detection_id) {
  auto body = send("DescribeStackDriftDetectionStatus", {{"StackDriftDetectionId", detection_id}});
  if (!body) return fail(body.error());
  return parse_drift_detection_status(*body);
}

Result<std::vector<ResourceDrift>> CloudFormationClient::describe_stack_resource_drifts(const std::string& stack_name) {
  std::vector<ResourceDrift> all;
  std::string token;
  for (int page = 0; page < k_max_pages; ++page) {
    Params params{{"StackName", stack_name}};
    if (!token.empty()) params.emplace_back("NextToken", token);
    auto body = send("DescribeStackResourceDrifts", params);
    if (!body) return fail(body.error());
    std::string next;
    auto drifts = parse_resource_drifts(*body, next);
    if (!drifts) return fail(drifts.error());
    all.insert(all.end(), drifts->begin(), drifts->end());
    if (next.empty()) return all;
    if (next == token) return fail(ErrorKind::invalid, "DescribeStackResourceDrifts: NextToken did not advance");
    token = next;
  }
  return fail(ErrorKind::internal, "DescribeStackResourceDrifts: too many pages");
}

}  // namespace lcd::clients
