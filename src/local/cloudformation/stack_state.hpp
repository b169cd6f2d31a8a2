#pragma once
// Internal to lcd_local_cloudformation (not included outside this folder): the stack record the
// service and the background operations share, with its JSON persistence.

#include <nlohmann/json.hpp>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "local/cloudformation/intrinsics.hpp"
#include "local/cloudformation/resource_provisioning.hpp"
#include "local/cloudformation/stack_service.hpp"
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
};

struct StackOutput {
  std::string key, value, description, export_name;
};

struct Stack {
  std::string id, name, description;
  std::string status, reason;
  std::string creation_time, last_updated_time, deletion_time;
  std::string template_body;
  std::map<std::string, std::string> given_parameters;  // as passed (UsePreviousValue resolved)
  std::vector<std::pair<std::string, std::string>> parameters;  // resolved, for DescribeStacks
  std::vector<std::string> no_echo;
  std::vector<std::string> capabilities;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<StackOutput> outputs;
  bool disable_rollback = false;
  std::string on_failure = "ROLLBACK";
  std::map<std::string, StackResourceRecord> resources;
  std::vector<std::string> resource_order;  // creation order of the current resources
  std::vector<StackEvent> events;           // chronological
};

nlohmann::json stack_to_json(const Stack& stack);
Stack stack_from_json(const nlohmann::json& j);

bool is_in_progress(const std::string& status);

class StackService::Impl {
 public:
  Impl(StackServiceOptions options, LambdaProvisioner* lambda, s3::S3Service* s3)
      : m_options(std::move(options)), m_provisioning(lambda, s3), m_s3(s3) {}
  ~Impl();

  Result<void> load();
  HttpResponse handle(const HttpRequest& request, const RequestContext& context);

  // Operations (stack_operations.cpp), run on a worker thread.
  void run_create(std::string stack_id);
  void run_update(std::string stack_id, Stack previous);
  void run_delete(std::string stack_id);
  void start(std::function<void()> work);

  // Under m_mutex: appends an event and persists the stack.
  void emit(Stack& stack, const std::string& logical_id, const std::string& type, const std::string& physical_id,
            const std::string& status, const std::string& reason, const std::string& properties = "");
  void set_stack_status(Stack& stack, const std::string& status, const std::string& reason);
  // A failed write is kept in m_state_error: from then on every request is refused (below).
  void persist(const Stack& stack);
  // The 500 every request gets once a stack could not be saved (a state the endpoint acknowledged
  // but could not keep): nullopt while every write has succeeded.
  std::optional<HttpResponse> refusal_after_lost_write(const RequestContext& context);
  Stack* find_by_id(const std::string& id);
  // Live stack by name, or any stack by id.
  Stack* find(const std::string& name_or_id);
  StackIdentity identity_of(const Stack& stack) const;
  std::string now() const;

  StackServiceOptions m_options;
  ResourceProvisioning m_provisioning;
  s3::S3Service* m_s3;
  std::unique_ptr<SqliteDb> m_db;
  std::mutex m_mutex;
  std::map<std::string, Stack> m_stacks;  // by id
  std::vector<std::string> m_order;       // ids in creation order
  std::mutex m_state_error_mutex;
  std::string m_state_error;  // the first failed stack write (guarded by m_state_error_mutex)
  std::mutex m_threads_mutex;
  std::vector<std::thread> m_threads;
};

}  // namespace lcd::local::cloudformation
