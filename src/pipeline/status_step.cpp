#include "pipeline/status_step.hpp"

#include <cmath>

#include "clients/cloudwatch_client.hpp"
#include "pipeline/alias_history.hpp"
#include "pipeline/build_registry.hpp"

namespace lcd::pipeline {
namespace {

BackupsStatus backups_of(StepContext& ctx, const std::string& function_name) {
  BackupsStatus out;
  if (!ctx.artifacts || ctx.artifacts->bucket.empty()) return out;
  out.configured = true;
  out.bucket = ctx.artifacts->bucket;
  auto listed = list_backups(*ctx.artifacts, function_name);
  if (listed) {
    out.builds = std::move(*listed);
  } else if (listed.error().code == "NoSuchBucket") {
    out.error = "bucket " + out.bucket + " does not exist yet (the first publish creates it)";
  } else {
    out.error = listed.error().describe();
  }
  return out;
}

// Fills each alias's metrics (one GetMetricData call per 250 aliases); returns why not, or "".
std::string read_alias_metrics(StepContext& ctx, StatusReport& report, std::chrono::minutes window) {
  if (!ctx.cloudwatch) return "no CloudWatch client";
  const auto& name = report.function_name;
  const auto now = ctx.clock.now();
  constexpr size_t k_aliases_per_call = 250;  // two queries each, 500 per call
  for (size_t from = 0; from < report.aliases.size(); from += k_aliases_per_call) {
    clients::GetMetricDataRequest request;
    request.end_time = std::chrono::floor<std::chrono::minutes>(now) + std::chrono::minutes(1);
    request.start_time = request.end_time - window;
    const size_t to = std::min(report.aliases.size(), from + k_aliases_per_call);
    for (size_t i = from; i < to; ++i) {
      const std::vector<clients::MetricDimension> dims{{"FunctionName", name},
                                                       {"Resource", name + ":" + report.aliases[i].name}};
      const int period = static_cast<int>(std::chrono::seconds(window).count());
      request.queries.push_back({"inv" + std::to_string(i), "AWS/Lambda", "Invocations", dims, period, "Sum", ""});
      request.queries.push_back({"err" + std::to_string(i), "AWS/Lambda", "Errors", dims, period, "Sum", ""});
    }
    auto results = ctx.cloudwatch->get_metric_data(request);
    if (!results) return results.error().describe();
    for (size_t i = from; i < to; ++i) report.aliases[i].metrics = AliasMetrics{};
    for (const auto& r : *results) {
      const bool inv = r.id.rfind("inv", 0) == 0;
      const size_t i = std::stoul(r.id.substr(3));
      if (inv) report.aliases[i].metrics->invocations = r.sum();
      else report.aliases[i].metrics->errors = r.sum();
    }
  }
  return {};
}

void read_storage(StepContext& ctx, StatusReport& report) {
  auto storage = read_code_storage(ctx.lambda);
  if (!storage) {
    report.code_storage_error = storage.error().describe();
    return;
  }
  report.code_storage = *storage;
  if (auto warning = storage_warning(*storage)) ctx.observer.warning(*warning);
}

}  // namespace

Result<StatusReport> run_status(StepContext& ctx, std::chrono::minutes metrics_window) {
  const auto& name = ctx.config.function.name;
  if (name.empty()) return config_error("no function name: set [function] name in lambda-cd.toml");
  StatusReport report;
  report.function_name = name;
  auto latest = ctx.lambda.get_function_configuration(name);
  if (!latest) {
    if (latest.error().kind != ErrorKind::not_found) return fail(latest.error());
    // A deleted function's builds can still be restored from the bucket: list them.
    report.backups = backups_of(ctx, name);
    read_storage(ctx, report);
    return report;
  }
  report.exists = true;
  report.function_arn = unqualified_arn(latest->function_arn);
  report.latest_code_sha256 = latest->code_sha256;
  report.latest_revision_id = latest->revision_id;
  report.latest_last_modified = latest->last_modified;
  report.state = latest->state;
  report.last_update_status = latest->last_update_status;

  auto builds = load_version_builds(ctx.lambda, name);
  if (!builds) return fail(builds.error());
  for (const auto& v : builds->versions) {
    VersionStatus vs;
    vs.version = v.version;
    vs.code_sha256 = v.code_sha256;
    vs.description = v.description;
    vs.last_modified = v.last_modified;
    if (auto it = builds->builds_by_version.find(v.version); it != builds->builds_by_version.end()) {
      vs.builds = it->second;
    }
    report.versions.push_back(std::move(vs));
  }
  auto aliases = ctx.lambda.list_aliases(name);
  if (!aliases) return fail(aliases.error());
  for (const auto& a : *aliases) {
    AliasStatus as;
    as.name = a.name;
    as.version = a.function_version;
    auto h = parse_alias_description(a.description);
    as.build = h.build;
    if (as.build.empty()) {
      if (auto it = builds->builds_by_version.find(a.function_version);
          it != builds->builds_by_version.end() && !it->second.empty()) {
        as.build = it->second.front();
      }
    }
    as.history = h.previous;
    as.additional_version_weights = a.additional_version_weights;
    if (h.shift && h.shift->to_version != a.function_version) {
      as.shift = h.shift;
      if (auto w = a.additional_version_weights.find(h.shift->to_version); w != a.additional_version_weights.end()) {
        as.shift_percent = static_cast<int>(std::lround(w->second * 100.0));
      }
    }
    report.aliases.push_back(std::move(as));
  }
  if (!report.aliases.empty()) {
    report.metrics_window = metrics_window;
    report.metrics_error = read_alias_metrics(ctx, report, metrics_window);
  }
  report.backups = backups_of(ctx, name);
  read_storage(ctx, report);
  return report;
}

}  // namespace lcd::pipeline
