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

}  // namespace lcd::clients
