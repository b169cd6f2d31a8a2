#pragma once
// Internal to lcd_local_cloudformation (not included outside this folder): the stack and change
// set records the service's actions and the background operations share, and the service's Impl.

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "local/cloudformation/change_planner.hpp"
#include "local/cloudformation/drift.hpp"
#include "local/cloudformation/intrinsics.hpp"
#include "local/cloudformation/resource_provisioning.hpp"
#include "local/cloudformation/stack_service.hpp"
#include "local/protocol/query_request.hpp"
#include "local/sqlite_db.hpp"

namespace lcd::local::cloudformation {

struct StackEvent {
  std::string event_id;
  std::string logical_id;
  std::string physical_id;
  std::string resource_type;
  std::string timestamp;
  std::string status;
  std::string reason;
  std::string properties;  // JSON text of the resource properties, when relevant
};

struct StackResourceRecord {
  std::string logical_id;
  std::string type;
  std::string physical_id;
  std::string status;
  std::string reason;
  std::string timestamp;
  nlohmann::json properties;  // as evaluated when created/updated
  ResourceState state;
  std::string deletion_policy = "Delete";        // Delete | Retain | RetainExceptOnCreate | Snapshot
  std::string update_replace_policy = "Delete";  // Delete | Retain | Snapshot
};

struct StackOutput {
  std::string key, value, description, export_name;
};

struct Stack {
  std::string id, name;
  std::string region, account_id;  // where it lives (from the request that created it)
  std::string description;
  std::string status, reason;
  std::string creation_time, last_updated_time, deletion_time;
  std::string template_body;       // as submitted ("" while REVIEW_IN_PROGRESS)
  std::string processed_template;  // JSON text after a transform; "" when the template declares none
  std::map<std::string, std::string> given_parameters;  // as passed (UsePreviousValue resolved)
  std::vector<std::pair<std::string, std::string>> parameters;  // resolved, for DescribeStacks
  std::vector<std::string> no_echo;
  std::vector<std::string> capabilities;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<StackOutput> outputs;
  bool disable_rollback = false;
  std::string on_failure = "ROLLBACK";
  std::string change_set_id;  // the change set last executed on it
  std::map<std::string, StackResourceRecord> resources;
  std::vector<std::string> resource_order;  // creation order of the current resources
  std::vector<StackEvent> events;           // chronological
  StackDriftRecord drift;                   // the last drift detection
  std::string save_error;                   // not persisted: why the last state write failed, if it did
};

struct ChangeSet {
  std::string id, name;
  std::string stack_id, stack_name;
  std::string description;
  std::string type;  // CREATE | UPDATE
  std::string status = "CREATE_PENDING";
  std::string status_reason;
  std::string execution_status = "UNAVAILABLE";
  std::string creation_time;
  std::string template_body;
  std::string processed_template;
  std::map<std::string, std::string> given_parameters;
  std::vector<std::pair<std::string, std::string>> parameters;
  std::vector<std::string> no_echo;
  std::vector<std::string> capabilities;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<ResourceChange> changes;
  bool listed = true;  // false once the stack moved on (executed, or the stack was deleted)
};

nlohmann::json stack_to_json(const Stack& stack);
Stack stack_from_json(const nlohmann::json& j);
nlohmann::json change_set_to_json(const ChangeSet& change_set);
ChangeSet change_set_from_json(const nlohmann::json& j);

bool is_in_progress(const std::string& status);

// A background stack operation; a request that started one may wait a little for it (settle).
struct Operation {
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  std::thread thread;
};

// What an action answers: the inner XML of <{Action}Result> (none for actions without output),
// and the operation it started, if any.
struct Answer {
  std::string xml;
  bool empty_result = false;
  std::shared_ptr<Operation> started;
};

class StackService::Impl {
 public:
  Impl(StackServiceOptions options, LambdaProvisioner* lambda, s3::S3Service* s3)
      : m_options(std::move(options)), m_provisioning(lambda, s3, m_options.iam), m_s3(s3) {}
  ~Impl();

  Result<void> load();
  HttpResponse handle(const HttpRequest& request, const RequestContext& context);

  // Actions (stack_actions.cpp, change_set_actions.cpp), one per API operation.
  using Action = Result<Answer> (Impl::*)(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> create_stack(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> update_stack(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> delete_stack(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> describe_stacks(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> describe_stack_events(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> describe_stack_resources(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> list_stack_resources(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> describe_stack_resource(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> list_stacks(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> get_template(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> get_template_summary(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> validate_template(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> create_change_set(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> describe_change_set(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> list_change_sets(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> execute_change_set(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> delete_change_set(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> detect_stack_drift(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> describe_stack_drift_detection_status(const QueryRequest& form, const RequestContext& ctx);
  Result<Answer> describe_stack_resource_drifts(const QueryRequest& form, const RequestContext& ctx);

  // Background operations (stack_operations.cpp).
  void run_create(std::string stack_id);
  void run_update(std::string stack_id, Stack previous);
  void run_delete(std::string stack_id, std::vector<std::string> retain);
  void run_plan(std::string change_set_id);
  std::shared_ptr<Operation> start(std::function<void()> work);
  // Waits up to options.settle for `operation` to finish.
  void settle(const std::shared_ptr<Operation>& operation);

  // Under m_mutex. Record changes persist the stack; a failed write is kept in Stack::save_error
  // (shown in its StackStatusReason) until a later write succeeds.
  void emit(Stack& stack, const std::string& logical_id, const std::string& type, const std::string& physical_id,
            const std::string& status, const std::string& reason, const std::string& properties = "");
  void set_stack_status(Stack& stack, const std::string& status, const std::string& reason);
  // A failed write is also kept in m_state_error: from then on every request is refused (below).
  Result<void> persist(Stack& stack);
  Result<void> persist(const ChangeSet& change_set);
  void note_lost_write(const std::string& what);
  // The 500 every request gets once a stack or change set could not be saved (a state the
  // endpoint acknowledged but could not keep): nullopt while every write has succeeded.
  std::optional<HttpResponse> refusal_after_lost_write(const RequestContext& context);
  Stack* find_by_id(const std::string& id);
  // A live stack by name in the request's region and account, or any of theirs by id.
  Stack* find(const std::string& name_or_id, const RequestContext& ctx);
  ChangeSet* find_change_set(const std::string& name_or_id, const std::string& stack_name,
                             const RequestContext& ctx);
  // Marks the stack's other change sets unusable (a stack operation makes their plans stale).
  void retire_change_sets(const std::string& stack_id, const std::string& executed_id);
  StackIdentity identity_of(const Stack& stack) const;
  // The template a stack operation runs (the processed one when a transform ran).
  Result<PreparedTemplate> prepared_for(const Stack& stack) const;
  Result<std::string> template_from(const QueryRequest& form);
  std::string now() const;

  StackServiceOptions m_options;
  ResourceProvisioning m_provisioning;
  s3::S3Service* m_s3;
  std::unique_ptr<SqliteDb> m_db;
  std::mutex m_mutex;
  std::map<std::string, Stack> m_stacks;  // by id
  std::vector<std::string> m_order;       // ids in creation order
  std::map<std::string, ChangeSet> m_change_sets;  // by id
  std::vector<std::string> m_change_set_order;
  std::mutex m_state_error_mutex;
  std::string m_state_error;  // the first failed write (guarded by m_state_error_mutex)
  std::mutex m_operations_mutex;
  std::vector<std::shared_ptr<Operation>> m_operations;
};

// Error helpers shared by the action files.
Error cfn_error(std::string code, std::string message, int status = 400);
// Parameters.member.N; with `previous`, UsePreviousValue takes the value that stack has.
std::map<std::string, std::string> given_parameters(const QueryRequest& form, const Stack* previous = nullptr);
std::vector<std::pair<std::string, std::string>> tags_of(const QueryRequest& form);

}  // namespace lcd::local::cloudformation
