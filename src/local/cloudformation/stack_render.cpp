#include "local/cloudformation/stack_render.hpp"

#include <algorithm>

namespace lcd::local::cloudformation {
namespace {

void write_tags(XmlWriter& x, const std::vector<std::pair<std::string, std::string>>& tags) {
  x.open("Tags");
  for (const auto& [k, v] : tags) x.open("member").leaf("Key", k).leaf("Value", v).close("member");
  x.close("Tags");
}

void write_list(XmlWriter& x, const char* name, const std::vector<std::string>& values) {
  x.open(name);
  for (const auto& v : values) x.leaf("member", v);
  x.close(name);
}

}  // namespace

void write_parameters(XmlWriter& x, const std::vector<std::pair<std::string, std::string>>& parameters,
                      const std::vector<std::string>& no_echo) {
  x.open("Parameters");
  for (const auto& [k, v] : parameters) {
    bool hidden = std::find(no_echo.begin(), no_echo.end(), k) != no_echo.end();
    x.open("member").leaf("ParameterKey", k).leaf("ParameterValue", hidden ? "****" : v).close("member");
  }
  x.close("Parameters");
}

void write_stack(XmlWriter& x, const Stack& s) {
  x.open("member");
  x.leaf("StackId", s.id).leaf("StackName", s.name);
  x.optional_leaf("ChangeSetId", s.change_set_id);
  x.optional_leaf("Description", s.description);
  write_parameters(x, s.parameters, s.no_echo);
  x.leaf("CreationTime", s.creation_time);
  x.optional_leaf("LastUpdatedTime", s.last_updated_time);
  x.optional_leaf("DeletionTime", s.deletion_time);
  x.open("RollbackConfiguration").close("RollbackConfiguration");
  x.leaf("StackStatus", s.status);
  std::string reason = s.reason;
  if (!s.save_error.empty()) {
    reason += std::string(reason.empty() ? "" : " ") + "(lambda-cd local could not save this stack's state: " +
              s.save_error + "; it is lost if the endpoint restarts before the next successful save)";
  }
  x.optional_leaf("StackStatusReason", reason);
  x.leaf("DisableRollback", s.disable_rollback ? "true" : "false");
  x.open("NotificationARNs").close("NotificationARNs");
  write_list(x, "Capabilities", s.capabilities);
  x.open("Outputs");
  for (const auto& o : s.outputs) {
    x.open("member").leaf("OutputKey", o.key).leaf("OutputValue", o.value);
    x.optional_leaf("Description", o.description).optional_leaf("ExportName", o.export_name);
    x.close("member");
  }
  x.close("Outputs");
  write_tags(x, s.tags);
  x.leaf("EnableTerminationProtection", "false");
  x.open("DriftInformation").leaf("StackDriftStatus", s.drift.status.empty() ? "NOT_CHECKED" : s.drift.status);
  x.optional_leaf("LastCheckTimestamp", s.drift.timestamp).close("DriftInformation");
  x.close("member");
}

void write_event(XmlWriter& x, const Stack& s, const StackEvent& e) {
  x.open("member").leaf("StackId", s.id).leaf("EventId", e.event_id).leaf("StackName", s.name);
  x.leaf("LogicalResourceId", e.logical_id).optional_leaf("PhysicalResourceId", e.physical_id);
  x.leaf("ResourceType", e.resource_type).leaf("Timestamp", e.timestamp).leaf("ResourceStatus", e.status);
  x.optional_leaf("ResourceStatusReason", e.reason).optional_leaf("ResourceProperties", e.properties);
  x.close("member");
}

void write_stack_summary(XmlWriter& x, const Stack& s) {
  x.open("member").leaf("StackId", s.id).leaf("StackName", s.name).optional_leaf("TemplateDescription", s.description);
  x.leaf("CreationTime", s.creation_time).optional_leaf("LastUpdatedTime", s.last_updated_time);
  x.optional_leaf("DeletionTime", s.deletion_time).leaf("StackStatus", s.status);
  x.optional_leaf("StackStatusReason", s.reason);
  x.open("DriftInformation").leaf("StackDriftStatus", "NOT_CHECKED").close("DriftInformation");
  x.close("member");
}

void write_resource(XmlWriter& x, const Stack& s, const StackResourceRecord& r, ResourceShape shape) {
  if (shape != ResourceShape::detail) x.open("member");
  if (shape != ResourceShape::summary) x.leaf("StackName", s.name).leaf("StackId", s.id);
  x.leaf("LogicalResourceId", r.logical_id).leaf("PhysicalResourceId", r.physical_id);
  x.leaf("ResourceType", r.type).leaf(shape == ResourceShape::resource ? "Timestamp" : "LastUpdatedTimestamp", r.timestamp);
  x.leaf("ResourceStatus", r.status).optional_leaf("ResourceStatusReason", r.reason);
  x.open("DriftInformation").leaf("StackResourceDriftStatus", "NOT_CHECKED").close("DriftInformation");
  if (shape != ResourceShape::detail) x.close("member");
}

void write_change_set(XmlWriter& x, const ChangeSet& c) {
  x.leaf("ChangeSetName", c.name).leaf("ChangeSetId", c.id).leaf("StackId", c.stack_id).leaf("StackName", c.stack_name);
  x.optional_leaf("Description", c.description);
  write_parameters(x, c.parameters, c.no_echo);
  x.leaf("CreationTime", c.creation_time);
  x.leaf("ExecutionStatus", c.execution_status).leaf("Status", c.status);
  x.optional_leaf("StatusReason", c.status_reason);
  x.open("NotificationARNs").close("NotificationARNs");
  x.open("RollbackConfiguration").close("RollbackConfiguration");
  write_list(x, "Capabilities", c.capabilities);
  write_tags(x, c.tags);
  x.open("Changes");
  for (const auto& ch : c.changes) {
    x.open("member").leaf("Type", "Resource").open("ResourceChange");
    x.leaf("Action", ch.action).leaf("LogicalResourceId", ch.logical_id);
    x.optional_leaf("PhysicalResourceId", ch.physical_id);
    x.leaf("ResourceType", ch.type).optional_leaf("Replacement", ch.replacement);
    write_list(x, "Scope", ch.scope);
    x.open("Details");
    for (const auto& d : ch.details) {
      x.open("member").open("Target").leaf("Attribute", d.attribute).leaf("Name", d.name);
      x.leaf("RequiresRecreation", d.requires_recreation).close("Target");
      x.leaf("Evaluation", d.evaluation).leaf("ChangeSource", d.change_source);
      x.optional_leaf("CausingEntity", d.causing_entity);
      x.close("member");
    }
    x.close("Details").close("ResourceChange").close("member");
  }
  x.close("Changes");
  x.leaf("IncludeNestedStacks", "false");
}

void write_change_set_summary(XmlWriter& x, const ChangeSet& c) {
  x.open("member").leaf("StackId", c.stack_id).leaf("StackName", c.stack_name).leaf("ChangeSetId", c.id);
  x.leaf("ChangeSetName", c.name).leaf("ExecutionStatus", c.execution_status).leaf("Status", c.status);
  x.optional_leaf("StatusReason", c.status_reason).leaf("CreationTime", c.creation_time);
  x.optional_leaf("Description", c.description).leaf("IncludeNestedStacks", "false");
  x.close("member");
}

}  // namespace lcd::local::cloudformation
