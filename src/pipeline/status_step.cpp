#include "pipeline/status_step.hpp"

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

}  // namespace

Result<StatusReport> run_status(StepContext& ctx) {
  const auto& name = ctx.config.function.name;
  if (name.empty()) return config_error("no function name: set [function] name in lambda-cd.toml");
  StatusReport report;
  report.function_name = name;
  auto latest = ctx.lambda.get_function_configuration(name);
  if (!latest) {
    if (latest.error().kind != ErrorKind::not_found) return fail(latest.error());
    // A deleted function's builds can still be restored from the bucket: list them.
    report.backups = backups_of(ctx, name);
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
    report.aliases.push_back(std::move(as));
  }
  report.backups = backups_of(ctx, name);
  return report;
}

}  // namespace lcd::pipeline
