#pragma once
// Typed CloudFormation operations (query protocol: form-encoded POST, XML responses,
// apiVersion 2010-05-15) over aws::ServiceCaller. Errors arrive already parsed by the caller
// ("Stack with id X does not exist" is ErrorKind::not_found).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/service_caller.hpp"
#include "util/result.hpp"

namespace lcd::clients {

struct StackParameter {
  std::string key;
  std::string value;
};

struct StackOutput {
  std::string key;
  std::string value;
  std::string description;
  std::string export_name;
};

struct Stack {
  std::string stack_id;
  std::string stack_name;
  std::string description;
  std::string status;
  std::string status_reason;
  std::string creation_time;
  std::string last_updated_time;
  std::string deletion_time;
  std::vector<StackParameter> parameters;
  std::vector<std::string> capabilities;
  std::vector<StackOutput> outputs;
};

struct StackEvent {
  std::string event_id;
  std::string stack_id;
  std::string stack_name;
  std::string logical_resource_id;
  std::string physical_resource_id;
  std::string resource_type;
  std::string timestamp;
  std::string resource_status;
  std::string resource_status_reason;
};

struct StackResource {
  std::string logical_resource_id;
  std::string physical_resource_id;
  std::string resource_type;
  std::string timestamp;
  std::string resource_status;
  std::string resource_status_reason;
};

struct TemplateParameter {
  std::string key;
  std::string default_value;
  bool no_echo = false;
  std::string description;
};

struct TemplateValidation {
  std::string description;
  std::vector<TemplateParameter> parameters;
  std::vector<std::string> capabilities;
  std::string capabilities_reason;
};

struct CreateStackRequest {
  std::string stack_name;
  std::string template_body;
  std::vector<StackParameter> parameters;
  std::vector<std::string> capabilities;
  std::vector<std::pair<std::string, std::string>> tags;
  std::optional<std::string> on_failure;  // DO_NOTHING | ROLLBACK | DELETE
};

struct UpdateStackRequest {
  std::string stack_name;
  std::string template_body;
  std::vector<StackParameter> parameters;
  std::vector<std::string> capabilities;
};

struct UpdateStackResult {
  std::string stack_id;
  bool no_updates = false;  // "No updates are to be performed.": the stack already matches
};

struct ChangeDetail {
  std::string attribute;            // Properties, Metadata, ...
  std::string name;                 // the property
  std::string requires_recreation;  // Never | Conditionally | Always
  std::string evaluation;           // Static | Dynamic
  std::string change_source;        // DirectModification, ParameterReference, ResourceReference, ...
  std::string causing_entity;
};

struct ResourceChange {
  std::string action;  // Add | Modify | Remove | Import | Dynamic
  std::string logical_resource_id;
  std::string physical_resource_id;
  std::string resource_type;
  std::string replacement;  // True | False | Conditional; empty for Add/Remove
  std::vector<std::string> scope;
  std::vector<ChangeDetail> details;
};

struct ChangeSet {
  std::string change_set_id;
  std::string change_set_name;
  std::string stack_id;
  std::string stack_name;
  std::string status;            // CREATE_PENDING | CREATE_IN_PROGRESS | CREATE_COMPLETE | FAILED | ...
  std::string status_reason;
  std::string execution_status;  // UNAVAILABLE | AVAILABLE | EXECUTE_* | OBSOLETE
  std::vector<ResourceChange> changes;  // every page
};

struct CreateChangeSetRequest {
  std::string stack_name;
  std::string change_set_name;
  std::string change_set_type;  // CREATE | UPDATE
  std::string template_body;
  std::vector<StackParameter> parameters;
  std::vector<std::string> capabilities;
  std::string description;
};

struct ChangeSetRef {
  std::string change_set_id;
  std::string stack_id;
};

// One resource's drift as DescribeStackResourceDrifts reports it.
struct PropertyDifference {
  std::string path;            // e.g. "/MemorySize"
  std::string expected_value;  // JSON text
  std::string actual_value;
  std::string difference_type;  // ADD | REMOVE | NOT_EQUAL
};

struct ResourceDrift {
  std::string logical_resource_id;
  std::string physical_resource_id;
  std::string resource_type;
  std::string drift_status;  // IN_SYNC | MODIFIED | DELETED | NOT_CHECKED
  std::vector<PropertyDifference> differences;
};

struct DriftDetectionStatus {
  std::string detection_status;  // DETECTION_IN_PROGRESS | DETECTION_COMPLETE | DETECTION_FAILED
  std::string detection_status_reason;
  std::string stack_drift_status;  // DRIFTED | IN_SYNC | NOT_CHECKED | UNKNOWN
};

struct StackEventsPage {
  std::vector<StackEvent> events;  // newest first, as CloudFormation returns them
  std::string next_token;
};

class CloudFormationClient {
 public:
  explicit CloudFormationClient(aws::ServiceCaller& caller) : m_caller(caller) {}

  Result<std::string> create_stack(const CreateStackRequest& request);  // the StackId
  Result<UpdateStackResult> update_stack(const UpdateStackRequest& request);
  Result<void> delete_stack(const std::string& stack_name);
  // The named stack; not_found when it does not exist (deleted stacks are found only by id).
  Result<Stack> describe_stack(const std::string& stack_name);
  Result<StackEventsPage> describe_stack_events_page(const std::string& stack_name, const std::string& next_token = "");
  // Newest first, following NextToken; stops early (excluding it) at the event `stop_at_event_id`.
  Result<std::vector<StackEvent>> describe_stack_events(const std::string& stack_name,
                                                        const std::string& stop_at_event_id = "");
  Result<std::vector<StackResource>> describe_stack_resources(const std::string& stack_name);
  Result<TemplateValidation> validate_template(const std::string& template_body);

  Result<ChangeSetRef> create_change_set(const CreateChangeSetRequest& request);
  // By id, or by name with the stack; the changes of every page.
  Result<ChangeSet> describe_change_set(const std::string& change_set, const std::string& stack_name = "");
  Result<void> execute_change_set(const std::string& change_set_id);
  Result<void> delete_change_set(const std::string& change_set_id);
  // The template as deployed: "Original" (as submitted) or "Processed" (after transforms).
  Result<std::string> get_template(const std::string& stack_name, const std::string& stage = "Original");
  // Drift detection: starts one, reports its status, lists what drifted.
  Result<std::string> detect_stack_drift(const std::string& stack_name);  // the detection id
  Result<DriftDetectionStatus> describe_stack_drift_detection_status(const std::string& detection_id);
  Result<std::vector<ResourceDrift>> describe_stack_resource_drifts(const std::string& stack_name);

  static constexpr int k_max_pages = 1000;

 private:
  Result<std::string> send(const std::string& action, const std::vector<std::pair<std::string, std::string>>& params);
  aws::ServiceCaller& m_caller;
};

inline constexpr const char* k_cloudformation_api_version = "2010-05-15";
inline constexpr const char* k_no_updates_message = "No updates are to be performed.";

// "Action=X&Version=2010-05-15&k=v..." with every name and value percent-encoded.
std::string build_query_body(const std::string& action,
                             const std::vector<std::pair<std::string, std::string>>& params);
// True for the ValidationError UpdateStack returns when nothing would change.
bool is_no_updates_error(const Error& error);

// Response bodies (pure).
Result<std::string> parse_stack_id_response(std::string_view xml, std::string_view action);
Result<std::vector<Stack>> parse_describe_stacks(std::string_view xml);
Result<StackEventsPage> parse_describe_stack_events(std::string_view xml);
Result<std::vector<StackResource>> parse_describe_stack_resources(std::string_view xml);
Result<TemplateValidation> parse_validate_template(std::string_view xml);
Result<ChangeSetRef> parse_create_change_set(std::string_view xml);
// One page; `next_token` gets the NextToken ("" on the last page).
Result<ChangeSet> parse_describe_change_set(std::string_view xml, std::string& next_token);
Result<std::string> parse_get_template(std::string_view xml);
Result<DriftDetectionStatus> parse_drift_detection_status(std::string_view xml);
Result<std::vector<ResourceDrift>> parse_resource_drifts(std::string_view xml, std::string& next_token);

// True for a change set that FAILED only because it had nothing to change ("The submitted
// information didn't contain changes." / "No updates are to be performed.").
bool is_empty_change_set(const ChangeSet& change_set);

}  // namespace lcd::clients
