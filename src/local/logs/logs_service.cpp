#include "local/logs/logs_service.hpp"

#include <nlohmann/json.hpp>

#include <set>

#include "local/logs/lambda_log_events.hpp"
#include "local/logs/logs_errors.hpp"
#include "local/protocol/error_response.hpp"
#include "local/protocol/json_rpc.hpp"
#include "local/protocol/rpc_document.hpp"
#include "util/strings.hpp"

namespace lcd::local::logs {
namespace {

using nlohmann::json;

// The rest of the Logs model: known, not served here -> 501 (aws-api-notes-2 §21 item 17).
bool is_known_unserved(const std::string& operation) {
  static const std::set<std::string> known = {
      "AssociateKmsKey", "CancelExportTask", "CreateDelivery", "CreateExportTask", "CreateLogAnomalyDetector",
      "DeleteDataProtectionPolicy", "DeleteDestination", "DeleteMetricFilter", "DeleteQueryDefinition",
      "DeleteResourcePolicy", "DeleteSubscriptionFilter", "DescribeDestinations", "DescribeExportTasks",
      "DescribeMetricFilters", "DescribeQueries", "DescribeQueryDefinitions", "DescribeResourcePolicies",
      "DescribeSubscriptionFilters", "DisassociateKmsKey", "GetLogGroupFields", "GetLogRecord", "GetQueryResults",
      "ListTagsForResource", "ListTagsLogGroup", "PutDataProtectionPolicy", "PutDestination", "PutDestinationPolicy",
      "PutMetricFilter", "PutQueryDefinition", "PutResourcePolicy", "PutSubscriptionFilter", "StartLiveTail",
      "StartQuery", "StopQuery", "TagLogGroup", "TagResource", "TestMetricFilter", "UntagLogGroup", "UntagResource",
      "DescribeAccountPolicies", "PutAccountPolicy", "DeleteAccountPolicy", "DescribeConfigurationTemplates",
      "GetLogAnomalyDetector", "ListLogAnomalyDetectors", "ListAnomalies"};
  return known.count(operation) > 0;
}

}  // namespace

Result<std::unique_ptr<LogsService>> LogsService::open(LogsOptions options, Clock& clock) {
  std::unique_ptr<LogsService> service(new LogsService(std::move(options), clock));
  auto store = LogStore::open(service->m_options.state_dir, service->m_options.store);
  if (!store) return fail(store.error());
  service->m_store = std::move(*store);
  LogStore* raw = service->m_store.get();
  Clock* clock_ptr = &clock;
  service->m_ingest = std::make_unique<BatchWriter<LambdaOutput>>(
      [raw, clock_ptr](std::vector<LambdaOutput>& outputs) -> Result<void> {
        std::vector<AppendBatch> batches;
        batches.reserve(outputs.size());
        for (auto& o : outputs) {
          AppendBatch b;
          b.region = std::move(o.region);
          b.account = std::move(o.account);
          b.group = lambda_log_group(o.function_name);
          b.stream = std::move(o.log_stream);
          b.events = lambda_log_events(o.log, o.start_ms, o.end_ms);
          b.create_missing = true;
          batches.push_back(std::move(b));
        }
        return raw->append(batches, to_epoch_ms(clock_ptr->now()));
      },
      service->m_options.ingest);
  if (service->m_options.background) {
    service->m_background = std::thread([s = service.get()] { s->background_loop(); });
  }
  return service;
}

LogsService::~LogsService() {
  {
    std::lock_guard lock(m_background_mutex);
    m_stop = true;
  }
  m_background_cv.notify_all();
  if (m_background.joinable()) m_background.join();
  m_ingest.reset();  // writes what is queued
}

void LogsService::record_lambda(LambdaOutput output) { m_ingest->push(std::move(output)); }

Result<int64_t> LogsService::apply_retention(int64_t now_ms) {
  if (auto flushed = m_ingest->flush(); !flushed) return fail(flushed.error());
  return m_store->retain(now_ms);
}

void LogsService::background_loop() {
  std::unique_lock lock(m_background_mutex);
  while (!m_stop) {
    m_background_cv.wait_for(lock, m_options.retention_every);
    if (m_stop) break;
    lock.unlock();
    (void)apply_retention(to_epoch_ms(m_clock.now()));
    lock.lock();
  }
}

HttpResponse LogsService::handle(const HttpRequest& request, const RequestContext& context) {
  WireProtocol protocol = context.protocol == WireProtocol::json_1_0 ? WireProtocol::json_1_0 : WireProtocol::json_1_1;
  auto target = parse_json_rpc_target(request.header("X-Amz-Target"));
  if (!target || target->prefix != k_json_target_prefix) {
    return json_rpc_error(make_api_error(400, "UnknownOperationException",
                                         "CloudWatch Logs takes X-Amz-Target: Logs_20140328.<Operation>"),
                          context.request_id, protocol);
  }
  auto input = RpcInput::decode(request, protocol);
  if (!input) return json_rpc_error(input.error(), context.request_id, protocol);
  auto result = dispatch(target->operation, *input, context);
  if (!result) return json_rpc_error(result.error(), context.request_id, protocol);
  if (!input->problem().empty()) {
    return json_rpc_error(invalid_parameter(input->problem()), context.request_id, protocol);
  }
  return json_rpc_response(rpc_document_json(*result), context.request_id, protocol);
}

LogsService::OpResult LogsService::dispatch(const std::string& op, const RpcInput& in, const RequestContext& context) {
  if (op == "CreateLogGroup") return create_log_group(in, context);
  if (op == "DescribeLogGroups") return describe_log_groups(in, context);
  if (op == "DeleteLogGroup") return delete_log_group(in, context);
  if (op == "PutRetentionPolicy") return put_retention_policy(in, context);
  if (op == "DeleteRetentionPolicy") return delete_retention_policy(in, context);
  if (op == "CreateLogStream") return create_log_stream(in, context);
  if (op == "DescribeLogStreams") return describe_log_streams(in, context);
  if (op == "DeleteLogStream") return delete_log_stream(in, context);
  if (op == "PutLogEvents") return put_log_events(in, context);
  if (op == "GetLogEvents") return get_log_events(in, context);
  if (op == "FilterLogEvents") return filter_log_events(in, context);
  if (is_known_unserved(op)) {
    return api_fail(make_api_error(501, "NotImplemented", "lambda-cd local does not implement the CloudWatch Logs operation " + op));
  }
  return api_fail(make_api_error(400, "UnknownOperationException", "Unknown operation " + op));
}

ApiResult<GroupInfo> LogsService::require_group(const RpcInput& in, const RequestContext& context) {
  std::string name = in.string("logGroupName");
  std::string identifier = in.string("logGroupIdentifier");
  if (!name.empty() && !identifier.empty()) {
    return api_fail(invalid_parameter("LogGroup name and LogGroup ARN are mutually exclusive parameters."));
  }
  if (name.empty()) {
    name = identifier;
    // arn:aws:logs:<region>:<account>:log-group:<name>[:*]
    if (starts_with(name, "arn:")) {
      auto at = name.find(":log-group:");
      if (at == std::string::npos) return api_fail(invalid_parameter("The logGroupIdentifier " + identifier + " is not valid."));
      name = name.substr(at + 11);
      if (ends_with(name, ":*")) name.resize(name.size() - 2);
    }
  }
  if (name.empty()) return api_fail(invalid_parameter("Either logGroupName or logGroupIdentifier must be specified."));
  if (auto flushed = m_ingest->flush(); !flushed) return api_fail(service_unavailable(flushed.error().message));
  auto group = m_store->group(context.region, context.account_id, name);
  if (!group) return api_fail(service_unavailable(group.error().message));
  if (!*group) return api_fail(group_not_found());
  return **group;
}

}  // namespace lcd::local::logs
