// Drift detection (DetectStackDrift, DescribeStackDriftDetectionStatus,
// DescribeStackResourceDrifts): each resource as the stack applied it against what it is now. The
// detection runs within the DetectStackDrift request (in-process reads, no waiting), so its status
// is DETECTION_COMPLETE by the time a client asks.
#include <nlohmann/json.hpp>

#include "local/cloudformation/stack_state.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "local/protocol/xml_writer.hpp"
#include "util/crypto.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

Error detection_missing(const std::string& id) {
  return validation_error("No drift detection results are available for the stack drift detection id: " + id);
}

}  // namespace

Result<Answer> StackService::Impl::detect_stack_drift(const QueryRequest& form, const RequestContext& ctx) {
  std::vector<StackResourceRecord> resources;
  StackIdentity identity;
  std::string stack_id;
  auto only = form.list("LogicalResourceIds");
  {
    std::lock_guard lock(m_mutex);
    Stack* s = find(form.get("StackName"), ctx);
    if (!s) return fail(validation_error("Stack with id " + form.get("StackName") + " does not exist"));
    if (is_in_progress(s->status)) {
      return fail(validation_error("Drift detection is not supported for stack [" + s->name + "] in status " + s->status));
    }
    for (const auto& logical : s->resource_order) {
      if (only.empty() || std::find(only.begin(), only.end(), logical) != only.end()) {
        resources.push_back(s->resources.at(logical));
      }
    }
    identity = identity_of(*s);
    stack_id = s->id;
  }
  StackDriftRecord record;
  record.detection_id = random_uuid();
  record.timestamp = now();
  bool drifted = false;
  for (const auto& r : resources) {
    ResourceDrift drift{r.logical_id, r.physical_id, r.type, "IN_SYNC", r.properties, json::object(), {}, record.timestamp};
    auto seen = m_provisioning.observe(r.type, r.physical_id, r.properties, identity);
    if (!seen) {
      record.status = "UNKNOWN";
      drift.status = "NOT_CHECKED";
    } else if (!seen->checked) {
      drift.status = "NOT_CHECKED";
      drift.expected = json();
    } else if (!seen->exists) {
      drift.status = "DELETED";
      drifted = true;
    } else {
      drift.actual = seen->actual;
      drift.differences = property_differences(r.properties, seen->actual);
      if (!drift.differences.empty()) {
        drift.status = "MODIFIED";
        drifted = true;
      }
    }
    record.resources.push_back(std::move(drift));
  }
  if (record.status.empty()) record.status = drifted ? "DRIFTED" : "IN_SYNC";
  std::lock_guard lock(m_mutex);
  Stack* s = find_by_id(stack_id);
  if (!s) return fail(validation_error("Stack with id " + form.get("StackName") + " does not exist"));
  s->drift = std::move(record);
  if (auto saved = persist(*s); !saved) {
    return fail(cfn_error("InternalFailure", "lambda-cd local could not save the drift detection: " +
                                                 saved.error().message, 500));
  }
  XmlWriter x;
  x.leaf("StackDriftDetectionId", s->drift.detection_id);
  return Answer{x.str()};
}

Result<Answer> StackService::Impl::describe_stack_drift_detection_status(const QueryRequest& form,
                                                                          const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  std::string id = form.get("StackDriftDetectionId");
  for (const auto& [stack_id, s] : m_stacks) {
    if (s.drift.detection_id != id || s.region != ctx.region || s.account_id != ctx.account_id) continue;
    size_t drifted = 0;
    for (const auto& r : s.drift.resources) drifted += r.status == "MODIFIED" || r.status == "DELETED";
    XmlWriter x;
    x.leaf("StackId", s.id).leaf("StackDriftDetectionId", id).leaf("StackDriftStatus", s.drift.status);
    x.leaf("DetectionStatus", s.drift.status == "UNKNOWN" ? "DETECTION_FAILED" : "DETECTION_COMPLETE");
    if (s.drift.status == "UNKNOWN") x.leaf("DetectionStatusReason", "Some resources could not be read");
    x.leaf("DriftedStackResourceCount", std::to_string(drifted)).leaf("Timestamp", s.drift.timestamp);
    return Answer{x.str()};
  }
  return fail(detection_missing(id));
}

Result<Answer> StackService::Impl::describe_stack_resource_drifts(const QueryRequest& form, const RequestContext& ctx) {
  std::lock_guard lock(m_mutex);
  Stack* s = find(form.get("StackName"), ctx);
  if (!s) return fail(validation_error("Stack with id " + form.get("StackName") + " does not exist"));
  auto filters = form.list("StackResourceDriftStatusFilters");
  XmlWriter x;
  x.open("StackResourceDrifts");
  for (const auto& r : s->drift.resources) {
    if (!filters.empty() && std::find(filters.begin(), filters.end(), r.status) == filters.end()) continue;
    x.open("member").leaf("StackId", s->id).leaf("LogicalResourceId", r.logical_id);
    x.leaf("PhysicalResourceId", r.physical_id).leaf("ResourceType", r.type);
    if (!r.expected.is_null()) x.leaf("ExpectedProperties", r.expected.dump());
    if (r.status != "NOT_CHECKED" && r.status != "DELETED") x.leaf("ActualProperties", r.actual.dump());
    x.open("PropertyDifferences");
    for (const auto& d : r.differences) {
      x.open("member").leaf("PropertyPath", d.path).leaf("ExpectedValue", d.expected).leaf("ActualValue", d.actual);
      x.leaf("DifferenceType", d.type).close("member");
    }
    x.close("PropertyDifferences");
    x.leaf("StackResourceDriftStatus", r.status).leaf("Timestamp", r.timestamp).close("member");
  }
  x.close("StackResourceDrifts");
  return Answer{x.str()};
}

}  // namespace lcd::local::cloudformation
