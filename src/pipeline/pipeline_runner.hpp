#pragma once
// Steps with timing reported to the observer, and `pipeline`: test, package, deploy, itest,
// publish, promote, stopping at the first failure.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/deploy_step.hpp"
#include "pipeline/package_builder.hpp"
#include "pipeline/promote_step.hpp"
#include "pipeline/publish_step.hpp"
#include "pipeline/step_context.hpp"
#include "pipeline/test_steps.hpp"

namespace lcd::pipeline {

struct StepRecord {
  std::string name;
  StepStatus status = StepStatus::skipped;
  std::chrono::milliseconds duration{0};
  std::string summary;
};

// Runs `body` as step `name`: tells the observer it started and finished (with duration and the
// summary the body returns, or the error's description).
Result<std::string> observed_step(StepContext& ctx, const std::string& name,
                                  const std::function<Result<std::string>()>& body, StepRecord* record = nullptr);

struct PipelineOptions {
  std::string build;
  std::string to_alias;  // empty: the configured stage alias
};

struct PipelineReport {
  std::vector<StepRecord> steps;
  bool ok = false;
  std::string failed_step;   // empty when ok
  std::optional<Error> error;
  std::optional<PackageOutput> package;
  std::optional<DeployOutcome> deploy;
  std::optional<PublishOutcome> publish;
  std::optional<AliasMove> promote;
};

inline const std::vector<std::string>& pipeline_step_names() {
  static const std::vector<std::string> names{"test", "package", "deploy", "itest", "publish", "promote"};
  return names;
}

PipelineReport run_pipeline(StepContext& ctx, PackageBuilder& packager, const PipelineOptions& options);

// One-line summaries shared by the pipeline and the single-step commands.
std::string summarize(const TestOutcome& outcome);
std::string summarize(const PackageOutput& package);
std::string summarize(const DeployOutcome& outcome);
std::string summarize(const PublishOutcome& outcome);
std::string summarize(const AliasMove& move);

}  // namespace lcd::pipeline
