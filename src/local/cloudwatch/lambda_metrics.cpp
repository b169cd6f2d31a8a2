#include "local/cloudwatch/lambda_metrics.hpp"

#include <algorithm>

namespace lcd::local::cloudwatch {
namespace {

bool is_version(const std::string& qualifier) {
  return !qualifier.empty() && std::all_of(qualifier.begin(), qualifier.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::vector<MetricSample> lambda_metric_samples(const LambdaInvocation& inv) {
  const std::string& fn = inv.function_name;
  std::vector<Dimensions> sets = {{}, {{"FunctionName", fn}}};
  bool alias = !inv.qualifier.empty() && inv.qualifier != "$LATEST" && !is_version(inv.qualifier);
  if (is_version(inv.qualifier) || alias) sets.push_back({{"FunctionName", fn}, {"Resource", fn + ":" + inv.qualifier}});
  if (alias) {
    sets.push_back(sorted_dimensions(
        {{"FunctionName", fn}, {"Resource", fn + ":" + inv.qualifier}, {"ExecutedVersion", inv.executed_version}}));
  }

  std::vector<MetricSample> out;
  auto add = [&](const Dimensions& dims, const char* name, const char* unit, double value) {
    MetricSample s;
    s.key.region = inv.region;
    s.key.account = inv.account;
    s.key.metric_namespace = "AWS/Lambda";
    s.key.metric_name = name;
    s.key.dimensions = dims;
    s.key.unit = unit;
    s.timestamp_ms = inv.start_ms;
    s.values.add_value(value);
    out.push_back(std::move(s));
  };
  for (size_t i = 0; i < sets.size(); ++i) {
    const Dimensions& dims = sets[i];
    if (inv.throttled) {
      add(dims, "Throttles", "Count", 1);
      continue;
    }
    add(dims, "Invocations", "Count", 1);
    add(dims, "Errors", "Count", inv.function_error ? 1 : 0);
    add(dims, "Duration", "Milliseconds", inv.duration_ms);
    bool executed_version_set = alias && i == sets.size() - 1;
    if (!executed_version_set) {
      add(dims, "ConcurrentExecutions", "Count",
          dims.empty() ? inv.account_concurrent_executions : inv.concurrent_executions);
    }
  }
  return out;
}

}  // namespace lcd::local::cloudwatch
