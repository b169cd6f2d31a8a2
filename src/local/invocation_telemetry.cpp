#include "local/invocation_telemetry.hpp"

#include <chrono>

#include "util/clock.hpp"

namespace lcd::local {
namespace {

std::string account_key(const runtime::FunctionSnapshot& f) { return f.region + "\n" + f.account_id; }
std::string function_key(const runtime::FunctionSnapshot& f) {
  return f.region + "\n" + f.account_id + "\n" + f.function_name;
}

}  // namespace

std::string invoked_qualifier(const std::string& invoked_arn) {
  // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
  size_t colons = 0;
  for (size_t i = 0; i < invoked_arn.size(); ++i) {
    if (invoked_arn[i] == ':' && ++colons == 7) return invoked_arn.substr(i + 1);
  }
  return {};
}

void InvocationTelemetry::started(const runtime::InvokeRequest& request) {
  if (!m_metrics) return;
  std::lock_guard lock(m_mutex);
  ++m_in_flight[account_key(request.function)];
  ++m_in_flight[function_key(request.function)];
}

void InvocationTelemetry::finished(const runtime::InvocationRecord& record) {
  const runtime::FunctionSnapshot& f = record.request.function;
  int64_t start_ms = to_epoch_ms(record.started);
  if (m_metrics) {
    cloudwatch::LambdaInvocation inv;
    {
      std::lock_guard lock(m_mutex);
      int& account = m_in_flight[account_key(f)];
      int& function = m_in_flight[function_key(f)];
      inv.account_concurrent_executions = account;
      inv.concurrent_executions = function;
      account = account > 0 ? account - 1 : 0;
      function = function > 0 ? function - 1 : 0;
    }
    inv.region = f.region;
    inv.account = f.account_id;
    inv.function_name = f.function_name;
    inv.qualifier = invoked_qualifier(record.request.invoked_arn);
    inv.executed_version = f.version;
    inv.start_ms = start_ms;
    inv.duration_ms = record.duration_ms;
    inv.function_error = record.function_error;
    inv.throttled = record.throttled;
    if (record.ran || record.throttled) m_metrics->record_invocation(std::move(inv));
  }
  if (m_logs && record.ran && !record.log.empty()) {
    logs::LambdaOutput out;
    out.region = f.region;
    out.account = f.account_id;
    out.function_name = f.function_name;
    out.log_stream = std::string(record.log_stream);
    out.log = std::string(record.log);
    out.start_ms = start_ms;
    out.end_ms = start_ms + static_cast<int64_t>(record.duration_ms);
    m_logs->record_lambda(std::move(out));
  }
}

}  // namespace lcd::local
