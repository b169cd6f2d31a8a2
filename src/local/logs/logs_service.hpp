#pragma once
// CloudWatch Logs (service `logs`, JSON 1.1, `X-Amz-Target: Logs_20140328.<Op>`; aws-api-notes-2
// §15): log groups and streams per region and account, PutLogEvents, GetLogEvents with tokens that
// repeat at the end of the stream, FilterLogEvents with stable eventIds and an inclusive startTime
// (what `aws logs tail --follow` relies on), retention policies. Every error is a 400 with
// {"__type", "message"}. Lambda invocations' output arrives through record_lambda() and is written
// behind the invoke path in batches; a background thread applies retention and the per-group cap.

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "local/logs/log_store.hpp"
#include "local/protocol/api_error.hpp"
#include "local/protocol/request_context.hpp"
#include "local/protocol/rpc_input.hpp"
#include "util/batch_writer.hpp"
#include "util/clock.hpp"

namespace lcd::local::logs {

inline constexpr const char* k_json_target_prefix = "Logs_20140328";

struct LogsOptions {
  std::filesystem::path state_dir;
  LogStoreOptions store;
  BatchWriterOptions ingest;
  bool background = true;  // retention sweeps; unit tests call apply_retention() themselves
  std::chrono::milliseconds retention_every{std::chrono::minutes(1)};
};

struct LambdaOutput {
  std::string region;
  std::string account;
  std::string function_name;
  std::string log_stream;
  std::string log;  // the invocation's framed output
  int64_t start_ms = 0;
  int64_t end_ms = 0;
};

class LogsService final : public Service {
 public:
  static Result<std::unique_ptr<LogsService>> open(LogsOptions options, Clock& clock);
  ~LogsService() override;

  HttpResponse handle(const HttpRequest& request, const RequestContext& context) override;

  // Called on the invoke path: queues and returns.
  void record_lambda(LambdaOutput output);
  Result<void> flush() { return m_ingest->flush(); }
  Result<int64_t> apply_retention(int64_t now_ms);

 private:
  LogsService(LogsOptions options, Clock& clock) : m_options(std::move(options)), m_clock(clock) {}
  using OpResult = ApiResult<nlohmann::json>;

  OpResult dispatch(const std::string& operation, const RpcInput& input, const RequestContext& context);
  // The group named by logGroupName or logGroupIdentifier (a name or an ARN).
  ApiResult<GroupInfo> require_group(const RpcInput& input, const RequestContext& context);

  // logs_operations.cpp
  OpResult create_log_group(const RpcInput& input, const RequestContext& context);
  OpResult describe_log_groups(const RpcInput& input, const RequestContext& context);
  OpResult delete_log_group(const RpcInput& input, const RequestContext& context);
  OpResult put_retention_policy(const RpcInput& input, const RequestContext& context);
  OpResult delete_retention_policy(const RpcInput& input, const RequestContext& context);
  OpResult create_log_stream(const RpcInput& input, const RequestContext& context);
  OpResult describe_log_streams(const RpcInput& input, const RequestContext& context);
  OpResult delete_log_stream(const RpcInput& input, const RequestContext& context);
  OpResult put_log_events(const RpcInput& input, const RequestContext& context);
  // log_reads.cpp
  OpResult get_log_events(const RpcInput& input, const RequestContext& context);
  OpResult filter_log_events(const RpcInput& input, const RequestContext& context);

  void background_loop();

  LogsOptions m_options;
  Clock& m_clock;
  std::unique_ptr<LogStore> m_store;
  std::unique_ptr<BatchWriter<LambdaOutput>> m_ingest;

  std::mutex m_background_mutex;
  std::condition_variable m_background_cv;
  bool m_stop = false;
  std::thread m_background;
};

}  // namespace lcd::local::logs
