#include "local/cloudwatch/cloudwatch_service.hpp"

#include <nlohmann/json.hpp>

#include <set>

#include "local/cloudwatch/cloudwatch_errors.hpp"
#include "local/protocol/cbor_rpc.hpp"
#include "local/protocol/error_response.hpp"
#include "local/protocol/json_rpc.hpp"
#include "local/protocol/query_request.hpp"
#include "local/protocol/rpc_document.hpp"
#include "util/clock.hpp"

namespace lcd::local::cloudwatch {
namespace {

using nlohmann::json;

constexpr int64_t k_retention_every_ms = 10 * 60 * 1000;

// Operations without output: the query protocol answers them without a <{Op}Result> element.
bool is_void(const std::string& operation) {
  return operation == "PutMetricData" || operation == "PutMetricAlarm" || operation == "DeleteAlarms" ||
         operation == "SetAlarmState";
}

// The rest of CloudWatch's model (2010-08-01): known, not served here -> 501 rather than a
// misleading "no such action" (aws-api-notes-2 §21 item 17).
bool is_known_unserved(const std::string& operation) {
  static const std::set<std::string> known = {
      "DeleteAnomalyDetector", "DeleteDashboards", "DeleteInsightRules", "DeleteMetricStream",
      "DescribeAlarmHistory", "DescribeAlarmsForMetric", "DescribeAnomalyDetectors", "DescribeInsightRules",
      "DisableAlarmActions", "DisableInsightRules", "EnableAlarmActions", "EnableInsightRules", "GetDashboard",
      "GetInsightRuleReport", "GetMetricStream", "GetMetricWidgetImage", "ListDashboards", "ListManagedInsightRules",
      "ListMetricStreams", "ListTagsForResource", "PutAnomalyDetector", "PutCompositeAlarm", "PutDashboard",
      "PutInsightRule", "PutManagedInsightRules", "PutMetricStream", "StartMetricStreams", "StopMetricStreams",
      "TagResource", "UntagResource", "DescribeAlarmContributors", "PutAlarmMuteRule", "GetAlarmMuteRule",
      "ListAlarmMuteRules", "DeleteAlarmMuteRule"};
  return known.count(operation) > 0;
}

HttpResponse error_response(WireProtocol protocol, const ApiError& error, const std::string& request_id) {
  if (protocol == WireProtocol::query) return query_error(error, request_id, k_query_xmlns);
  HttpResponse response = error_for_protocol(protocol, error, request_id);
  add_query_error_header(response, error);
  return response;
}

}  // namespace

Result<std::unique_ptr<CloudWatchService>> CloudWatchService::open(CloudWatchOptions options, Clock& clock) {
  std::unique_ptr<CloudWatchService> service(new CloudWatchService(std::move(options), clock));
  auto store = MetricsStore::open(service->m_options.state_dir);
  if (!store) return fail(store.error());
  service->m_store = std::move(*store);
  service->m_ingest = std::make_unique<MetricsIngest>(*service->m_store, service->m_options.ingest);
  if (service->m_options.background) {
    service->m_background = std::thread([s = service.get()] { s->background_loop(); });
  }
  return service;
}

CloudWatchService::~CloudWatchService() {
  {
    std::lock_guard lock(m_background_mutex);
    m_stop = true;
  }
  m_background_cv.notify_all();
  if (m_background.joinable()) m_background.join();
  m_ingest.reset();  // writes what is queued
}

void CloudWatchService::background_loop() {
  std::unique_lock lock(m_background_mutex);
  while (!m_stop) {
    m_background_cv.wait_for(lock, m_options.tick);
    if (m_stop) break;
    lock.unlock();
    int64_t now_ms = to_epoch_ms(m_clock.now());
    evaluate_alarms(now_ms);
    if (now_ms - m_last_retention_ms >= k_retention_every_ms) {
      (void)apply_retention(now_ms);
      m_last_retention_ms = now_ms;
    }
    lock.lock();
  }
}

Result<void> CloudWatchService::apply_retention(int64_t now_ms, RetentionReport* report) {
  if (auto flushed = m_ingest->flush(); !flushed) return flushed;
  return m_store->retain(now_ms, report);
}

HttpResponse CloudWatchService::handle(const HttpRequest& request, const RequestContext& context) {
  WireProtocol protocol = context.protocol;
  std::string operation;
  if (protocol == WireProtocol::rpc_v2_cbor) {
    auto target = parse_cbor_rpc_path(request.raw_path);
    if (target && target->service == k_json_target_prefix) operation = target->operation;
  } else if (protocol == WireProtocol::json_1_0 || protocol == WireProtocol::json_1_1) {
    auto target = parse_json_rpc_target(request.header("X-Amz-Target"));
    if (target && target->prefix == k_json_target_prefix) operation = target->operation;
  } else {
    protocol = WireProtocol::query;
    operation = QueryRequest(request).action();
  }
  if (operation.empty()) {
    return error_response(protocol,
                          make_api_error(400, protocol == WireProtocol::query ? "MissingAction" : "UnknownOperationException",
                                         "The request names no CloudWatch operation"),
                          context.request_id);
  }
  auto input = RpcInput::decode(request, protocol);
  if (!input) return error_response(protocol, input.error(), context.request_id);
  auto result = dispatch(operation, *input, context);
  if (!result) return error_response(protocol, result.error(), context.request_id);
  if (!input->problem().empty()) {
    return error_response(protocol, invalid_parameter(input->problem()), context.request_id);
  }
  return rpc_response(protocol, operation, *result, context.request_id, k_query_xmlns, is_void(operation));
}

CloudWatchService::OpResult CloudWatchService::dispatch(const std::string& operation, const RpcInput& input,
                                                        const RequestContext& context) {
  if (operation == "GetMetricData") return get_metric_data(input, context);
  if (operation == "GetMetricStatistics") return get_metric_statistics(input, context);
  if (operation == "ListMetrics") return list_metrics(input, context);
  if (operation == "PutMetricData") return put_metric_data(input, context);
  if (operation == "PutMetricAlarm") return put_metric_alarm(input, context);
  if (operation == "DescribeAlarms") return describe_alarms(input, context);
  if (operation == "DeleteAlarms") return delete_alarms(input, context);
  if (operation == "SetAlarmState") return set_alarm_state(input, context);
  if (is_known_unserved(operation)) {
    return api_fail(make_api_error(501, "NotImplemented",
                                   "lambda-cd local does not implement the CloudWatch operation " + operation));
  }
  if (context.protocol == WireProtocol::query) {
    return api_fail(make_api_error(400, "InvalidAction",
                                   "The action " + operation + " is not valid for this web service."));
  }
  return api_fail(make_api_error(400, "UnknownOperationException", "Unknown operation " + operation));
}

}  // namespace lcd::local::cloudwatch
