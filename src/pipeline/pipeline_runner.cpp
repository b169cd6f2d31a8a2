#include "pipeline/pipeline_runner.hpp"

#include "pipeline/build_registry.hpp"
#include "pipeline/deploy_lock.hpp"

namespace lcd::pipeline {
namespace {

std::string mb(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f MB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

const char* to_string(StepStatus status) {
  switch (status) {
    case StepStatus::ok: return "ok";
    case StepStatus::failed: return "failed";
    case StepStatus::skipped: break;
  }
  return "skipped";
}

Result<std::string> observed_step(StepContext& ctx, const std::string& name,
                                  const std::function<Result<std::string>()>& body, StepRecord* record) {
  ctx.observer.step_started(name);
  const auto start = ctx.clock.monotonic();
  Result<std::string> result = ctx.lock ? ctx.lock->check().and_then(body) : body();
  const auto duration = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.clock.monotonic() - start);
  const StepStatus status = result ? StepStatus::ok : StepStatus::failed;
  const std::string summary = result ? *result : result.error().describe();
  ctx.observer.step_finished(name, status, duration, summary);
  if (record) *record = StepRecord{name, status, duration, summary};
  return result;
}

std::string summarize(const TestOutcome& o) {
  std::string s = o.passed ? "passed" : (o.timed_out ? "timed out" : "failed (exit code " + std::to_string(o.exit_code) + ")");
  s += ", report " + o.junit_path.filename().string();
  if (o.install_configured) {
    s += o.install_ran ? ", [test] install ran (" + std::to_string(o.install_duration.count()) + " ms)"
                       : ", [test] install skipped (inputs unchanged)";
  }
  return s;
}

std::string summarize(const PackageOutput& p) {
  return mb(p.zip_size) + " zipped (" + mb(p.unzipped_size) + " unzipped), CodeSha256 " + p.code_sha256;
}

std::string summarize(const DeployOutcome& o) {
  std::string s;
  if (o.dry_run) s = "dry run: ";
  if (o.created) {
    s += o.dry_run ? "would create the function" : "created the function";
  } else {
    s += o.code_uploaded ? (o.dry_run ? "would upload code" : "code uploaded") : "code unchanged (upload skipped)";
  }
  if (o.via_s3) s += " through " + o.s3_location;
  if (!o.config_changes.empty()) {
    s += ", " + std::to_string(o.config_changes.size()) + " configuration change(s)";
  }
  return s;
}

std::string summarize(const PublishOutcome& o) {
  if (o.dry_run) return "dry run: would publish build " + o.build;
  if (o.already_published) return "build " + o.build + " already published as version " + o.version;
  if (o.reused_version) return "build " + o.build + " -> existing version " + o.version + " (code unchanged)";
  return "build " + o.build + " -> version " + o.version;
}

std::string summarize(const AliasMove& m) {
  std::string s = m.dry_run ? "dry run: " : "";
  if (m.unchanged) return s + m.alias + " already at version " + m.to_version;
  if (m.undid_shift) return s + "undid the traffic shift of " + m.alias + "; on version " + m.to_version;
  s += m.alias + " " + (m.from_version.empty() ? std::string("(new)") : m.from_version) + " -> " + m.to_version;
  if (!m.build.empty()) s += " (build " + m.build + ")";
  if (m.shift && !m.shift->percents.empty() && m.shift->percents.front() < 100) {
    s += m.shift->resumed ? ", resumed " : ", ";
    s += m.strategy;
  }
  return s;
}

PipelineReport run_pipeline(StepContext& ctx, PackageBuilder& packager, const PipelineOptions& options) {
  PipelineReport report;
  for (const auto& n : pipeline_step_names()) report.steps.push_back(StepRecord{n, StepStatus::skipped, {}, ""});
  const std::string alias = options.to_alias.empty() ? ctx.config.aliases.stage : options.to_alias;

  auto stop = [&](size_t index, const Error& e) {
    report.failed_step = report.steps[index].name;
    report.error = e;
    return report;
  };
  if (!valid_build_id(options.build)) {
    Error e{ErrorKind::invalid, "'" + options.build + "' is not a build id (1-64 of A-Z a-z 0-9 . _ -)"};
    e.code = k_config_error;
    return stop(0, e);
  }

  size_t i = 0;
  // test
  auto tested = observed_step(ctx, "test", [&]() -> Result<std::string> {
    auto o = run_unit_tests(ctx);
    if (!o) return fail(o.error());
    if (!o->passed) return step_failed("unit tests " + summarize(*o));
    return summarize(*o);
  }, &report.steps[i]);
  if (!tested) return stop(i, tested.error());

  // package
  ++i;
  auto packaged = observed_step(ctx, "package", [&]() -> Result<std::string> {
    auto p = packager.build();
    if (!p) return fail(p.error());
    report.package = *p;
    for (const auto& left : p->left_out) ctx.observer.message("left out: " + left);
    for (const auto& note : p->notes) ctx.observer.message(note);
    return summarize(*p);
  }, &report.steps[i]);
  if (!packaged) return stop(i, packaged.error());

  // deploy
  ++i;
  auto deployed = observed_step(ctx, "deploy", [&]() -> Result<std::string> {
    auto d = run_deploy(ctx, *report.package, false);
    if (!d) return fail(d.error());
    report.deploy = *d;
    return summarize(*d);
  }, &report.steps[i]);
  if (!deployed) return stop(i, deployed.error());

  // itest
  ++i;
  auto itested = observed_step(ctx, "itest", [&]() -> Result<std::string> {
    auto o = run_integration_tests(ctx);
    if (!o) return fail(o.error());
    if (!o->passed) return step_failed("integration tests " + summarize(*o));
    return summarize(*o);
  }, &report.steps[i]);
  if (!itested) return stop(i, itested.error());

  // publish
  ++i;
  auto published = observed_step(ctx, "publish", [&]() -> Result<std::string> {
    auto p = run_publish(ctx, options.build, false);
    if (!p) return fail(p.error());
    report.publish = *p;
    return summarize(*p);
  }, &report.steps[i]);
  if (!published) return stop(i, published.error());

  // promote
  ++i;
  auto promoted = observed_step(ctx, "promote", [&]() -> Result<std::string> {
    PromoteTarget target;
    target.version = report.publish->version;
    auto m = run_promote(ctx, alias, target, false);
    if (!m) return fail(m.error());
    report.promote = *m;
    return summarize(*m);
  }, &report.steps[i]);
  if (!promoted) return stop(i, promoted.error());

  report.ok = true;
  return report;
}

}  // namespace lcd::pipeline
