#pragma once
// The invoke engine's observer (runtime/invocation_observer.hpp) that feeds CloudWatch: every
// invocation becomes AWS/Lambda metrics (with the function's and the account's invocations in
// flight as ConcurrentExecutions) and its output goes to /aws/lambda/<function> in the
// environment's stream. Both services only queue here; their writers store in the background.

#include <map>
#include <mutex>
#include <string>

#include "local/cloudwatch/cloudwatch_service.hpp"
#include "local/logs/logs_service.hpp"
#include "local/runtime/invocation_observer.hpp"

namespace lcd::local {

class InvocationTelemetry final : public runtime::InvocationObserver {
 public:
  // Either may be null (that half is not recorded). Both must outlive the engine.
  InvocationTelemetry(cloudwatch::CloudWatchService* metrics, logs::LogsService* logs)
      : m_metrics(metrics), m_logs(logs) {}

  void started(const runtime::InvokeRequest& request) override;
  void finished(const runtime::InvocationRecord& record) override;

 private:
  cloudwatch::CloudWatchService* m_metrics;
  logs::LogsService* m_logs;
  std::mutex m_mutex;
  std::map<std::string, int> m_in_flight;  // "<region>\n<account>" and "<region>\n<account>\n<function>"
};

// The qualifier of an invoked ARN ("arn:aws:lambda:r:a:function:name:live" -> "live"), "" if none.
std::string invoked_qualifier(const std::string& invoked_arn);

}  // namespace lcd::local
