#pragma once
// CloudWatch metrics and alarms (service `monitoring`, API 2010-08-01; aws-api-notes-2 §14) in the
// three protocols clients send: query (AWS CLI 2.9, Debian's boto3), JSON 1.0 with
// `X-Amz-Target: GraniteServiceVersion20100801.<Op>` (boto3 1.43, the JavaScript SDK v3) and RPC v2
// CBOR at `/service/GraniteServiceVersion20100801/operation/<Op>`, each answered in its own shape
// (awsQueryCompatible: JSON and CBOR errors carry x-amzn-query-error). Everything is per region
// and account of the request. Lambda invocations arrive through record_invocation(); a background
// thread evaluates alarms on their period and applies retention, both on the injected clock.

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "local/cloudwatch/lambda_metrics.hpp"
#include "local/cloudwatch/metrics_ingest.hpp"
#include "local/cloudwatch/metrics_store.hpp"
#include "local/protocol/api_error.hpp"
#include "local/protocol/request_context.hpp"
#include "local/protocol/rpc_input.hpp"
#include "util/clock.hpp"

namespace lcd::local::cloudwatch {

inline constexpr const char* k_json_target_prefix = "GraniteServiceVersion20100801";
inline constexpr const char* k_query_xmlns = "http://monitoring.amazonaws.com/doc/2010-08-01/";

struct CloudWatchOptions {
  std::filesystem::path state_dir;
  BatchWriterOptions ingest;
  // Alarm evaluation and retention in a background thread (unit tests call evaluate_alarms() and
  // apply_retention() themselves instead).
  bool background = true;
  std::chrono::milliseconds tick{1000};
};

class CloudWatchService final : public Service {
 public:
  static Result<std::unique_ptr<CloudWatchService>> open(CloudWatchOptions options, Clock& clock);
  ~CloudWatchService() override;

  HttpResponse handle(const HttpRequest& request, const RequestContext& context) override;

  // Called on the invoke path: queues and returns (see MetricsIngest).
  void record_invocation(LambdaInvocation invocation) { m_ingest->record(std::move(invocation)); }

  // Evaluates every alarm whose evaluation time (each minute, or each period when it is shorter)
  // has come since it was last evaluated; returns how many changed state.
  int evaluate_alarms(int64_t now_ms);
  Result<void> apply_retention(int64_t now_ms, RetentionReport* report = nullptr);
  Result<void> flush() { return m_ingest->flush(); }

 private:
  CloudWatchService(CloudWatchOptions options, Clock& clock) : m_options(std::move(options)), m_clock(clock) {}
  using OpResult = ApiResult<nlohmann::json>;

  OpResult dispatch(const std::string& operation, const RpcInput& input, const RequestContext& context);

  // metric_operations.cpp
  OpResult get_metric_data(const RpcInput& input, const RequestContext& context);
  OpResult get_metric_statistics(const RpcInput& input, const RequestContext& context);
  OpResult list_metrics(const RpcInput& input, const RequestContext& context);
  OpResult put_metric_data(const RpcInput& input, const RequestContext& context);

  // alarm_operations.cpp
  OpResult put_metric_alarm(const RpcInput& input, const RequestContext& context);
  OpResult describe_alarms(const RpcInput& input, const RequestContext& context);
  OpResult delete_alarms(const RpcInput& input, const RequestContext& context);
  OpResult set_alarm_state(const RpcInput& input, const RequestContext& context);
  // One alarm at evaluation time `at_s`; true when its state changed.
  bool evaluate_alarm_at(AlarmRecord& alarm, int64_t at_s, int64_t now_ms);

  void background_loop();

  CloudWatchOptions m_options;
  Clock& m_clock;
  std::unique_ptr<MetricsStore> m_store;
  std::unique_ptr<MetricsIngest> m_ingest;

  std::mutex m_alarm_mutex;  // alarm read-modify-writes (API calls and the evaluator)
  std::map<std::string, int64_t> m_last_evaluated_s;  // "<region>\n<account>\n<name>" -> evaluation time

  std::mutex m_background_mutex;
  std::condition_variable m_background_cv;
  bool m_stop = false;
  int64_t m_last_retention_ms = 0;
  std::thread m_background;
};

}  // namespace lcd::local::cloudwatch
