#pragma once
// `publish --build N`: $LATEST -> an immutable version with Description "build N", only if $LATEST
// is still exactly what deploy left (CodeSha256 and RevisionId recorded in the deploy state) and
// integration tests did not fail on it. Re-publishing a build that already resolves to this code
// publishes nothing; a version handed back by AWS for unchanged code gets the build recorded as
// the function tag lambda-cd:build:N.

#include <string>

#include "pipeline/step_context.hpp"

namespace lcd::pipeline {

struct PublishOutcome {
  std::string build;
  std::string version;
  std::string code_sha256;
  bool already_published = false;  // build N already resolved to this code; no call made
  bool reused_version = false;     // AWS returned an existing version; mapping recorded as a tag
  bool dry_run = false;
};

Result<PublishOutcome> run_publish(StepContext& ctx, const std::string& build, bool dry_run);

}  // namespace lcd::pipeline
