#include "pipeline/traffic_shift_gates.hpp"

#include <cmath>

#include "clients/cloudwatch_client.hpp"
#include "pipeline/test_steps.hpp"
#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {

using std::chrono::system_clock;

system_clock::time_point floor_minute(system_clock::time_point t) {
  return std::chrono::floor<std::chrono::minutes>(t);
}

std::string figure(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

// The last `n` lines of command output, for an error message.
std::string tail_lines(const std::string& output, size_t n) {
  auto lines = split(output, '\n');
  while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
  size_t from = lines.size() > n ? lines.size() - n : 0;
  std::vector<std::string> kept(lines.begin() + static_cast<long>(from), lines.end());
  return join(kept, "\n");
}

}  // namespace

std::string format_percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", fraction * 100.0);
  return buf;
}

Result<ErrorRateReading> read_error_rate(clients::CloudWatchClient& cloudwatch, const std::string& function_name,
                                         const std::string& alias, const std::string& version,
                                         system_clock::time_point since, system_clock::time_point now) {
  clients::GetMetricDataRequest request;
  const std::vector<clients::MetricDimension> dimensions{
      {"FunctionName", function_name}, {"Resource", function_name + ":" + alias}, {"ExecutedVersion", version}};
  for (const char* metric : {"Invocations", "Errors", "Throttles"}) {
    clients::MetricStatQuery q;
    q.id = to_lower(metric);
    q.metric_namespace = "AWS/Lambda";
    q.metric_name = metric;
    q.dimensions = dimensions;
    q.period = 60;
    q.stat = "Sum";
    request.queries.push_back(std::move(q));
  }
  request.start_time = floor_minute(since);
  request.end_time = floor_minute(now) + std::chrono::minutes(1);
  auto results = cloudwatch.get_metric_data(request);
  if (!results) return fail(results.error());
  ErrorRateReading reading;
  for (const auto& r : *results) {
    if (r.id == "invocations") reading.invocations = r.sum();
    if (r.id == "errors") reading.errors = r.sum();
    if (r.id == "throttles") reading.throttles = r.sum();
  }
  return reading;
}

ShiftGates::ShiftGates(StepContext& ctx, ReleaseGates gates, std::string alias, std::string version,
                       std::string version_arn)
    : m_ctx(ctx),
      m_gates(std::move(gates)),
      m_alias(std::move(alias)),
      m_version(std::move(version)),
      m_version_arn(std::move(version_arn)) {}

std::string ShiftGates::describe() const {
  std::vector<std::string> parts;
  if (error_rate_enabled()) {
    parts.push_back("error rate over " + format_percent(m_gates.max_error_rate) + " after " +
                    std::to_string(m_gates.min_invocations) + " requests");
  }
  if (!m_gates.alarms.empty()) parts.push_back("alarms " + join(m_gates.alarms, ", "));
  if (!m_gates.before_traffic.empty()) parts.push_back("before_traffic");
  if (!m_gates.after_traffic.empty()) parts.push_back("after_traffic");
  return parts.empty() ? "none" : join(parts, "; ");
}

std::optional<GateTrip> ShiftGates::check_alarms() {
  if (m_gates.alarms.empty()) return std::nullopt;
  if (!m_ctx.cloudwatch) return GateTrip{"alarm", "alarms cannot be read: no CloudWatch client"};
  auto alarms = m_ctx.cloudwatch->describe_alarms(m_gates.alarms);
  if (!alarms) return GateTrip{"alarm", "alarms could not be read: " + alarms.error().describe()};
  for (const auto& name : m_gates.alarms) {
    const clients::MetricAlarm* found = nullptr;
    for (const auto& a : *alarms) {
      if (a.name == name) found = &a;
    }
    if (!found) return GateTrip{"alarm", "alarm " + name + " does not exist (named in [release] alarms)"};
    if (found->state_value == "ALARM") {
      std::string detail = "alarm " + name + " is in ALARM";
      if (!found->state_reason.empty()) detail += ": " + found->state_reason;
      return GateTrip{"alarm", detail};
    }
  }
  return std::nullopt;
}

std::optional<GateTrip> ShiftGates::check_error_rate(system_clock::time_point since) {
  if (!error_rate_enabled()) return std::nullopt;
  if (!m_ctx.cloudwatch) return GateTrip{"error rate", "metrics cannot be read: no CloudWatch client"};
  auto reading = read_error_rate(*m_ctx.cloudwatch, m_ctx.config.function.name, m_alias, m_version, since,
                                 m_ctx.clock.now());
  if (!reading) {
    return GateTrip{"error rate", "CloudWatch metrics could not be read: " + reading.error().describe()};
  }
  m_last = *reading;
  if (reading->requests() < m_gates.min_invocations) return std::nullopt;
  if (reading->rate() <= m_gates.max_error_rate) return std::nullopt;
  std::string detail = format_percent(reading->rate()) + " of " + figure(reading->requests()) +
                       " requests to version " + m_version + " through " + m_alias + " failed (" +
                       figure(reading->errors) + " errors, " + figure(reading->throttles) +
                       " throttles), over max_error_rate " + format_percent(m_gates.max_error_rate);
  return GateTrip{"error rate", detail};
}

std::optional<GateTrip> ShiftGates::run_hook(bool before) {
  const std::string& command = before ? m_gates.before_traffic : m_gates.after_traffic;
  const std::string name = before ? "before_traffic" : "after_traffic";
  if (command.empty()) return std::nullopt;
  ProcessSpec spec = shell_command(command);
  spec.cwd = m_ctx.config.root;
  spec.env_set = target_environment(m_ctx.config);
  spec.env_set["LAMBDA_CD_QUALIFIER"] = m_version;
  spec.env_set["LAMBDA_CD_ALIAS"] = m_alias;
  spec.env_set["LAMBDA_CD_FUNCTION_ARN"] = m_version_arn;
  spec.capture_output = true;
  spec.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(k_hook_timeout);
  spec.on_output = [this](std::string_view chunk) { m_ctx.observer.command_output("promote", chunk); };
  m_ctx.observer.message("running " + name + ": " + command);
  auto result = m_ctx.launcher.run(spec);
  if (!result) return GateTrip{name, "'" + command + "' could not be started: " + result.error().describe()};
  if (result->ok()) return std::nullopt;
  std::string how = result->timed_out ? "timed out after " + std::to_string(k_hook_timeout.count()) + " minutes"
                    : result->signal != 0 ? "was killed by signal " + std::to_string(result->signal)
                                          : "exited with " + std::to_string(result->exit_code);
  std::string detail = "'" + command + "' " + how;
  if (auto tail = tail_lines(result->output, 5); !tail.empty()) detail += ":\n" + tail;
  return GateTrip{name, detail};
}

}  // namespace lcd::pipeline
