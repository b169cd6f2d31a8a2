#pragma once
// `test` and `itest`: run the project's test commands, write JUnit XML under reports/.

#include <filesystem>
#include <string>

#include "pipeline/step_context.hpp"

namespace lcd::pipeline {

struct TestOutcome {
  bool passed = false;
  int exit_code = 0;
  bool timed_out = false;
  std::filesystem::path junit_path;
  bool junit_from_command = false;  // the command wrote its own report, which was kept
  std::chrono::milliseconds duration{0};
  // [test] install: whether it is configured and whether it ran (false: inputs unchanged, skipped).
  bool install_configured = false;
  bool install_ran = false;
  std::chrono::milliseconds install_duration{0};
};

// Fails (Error) when the command is not configured or cannot start, or [test] install fails; a
// failing suite is a successful Result with passed=false, so callers decide how to stop. Both run
// [test] install first when it is configured and its inputs changed.
Result<TestOutcome> run_unit_tests(StepContext& ctx);

// Runs the integration command with the target in its environment (AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_LAMBDA, AWS_REGION, AWS_DEFAULT_REGION, local credentials, LAMBDA_CD_TARGET,
// LAMBDA_CD_BIN (this lambda-cd), LAMBDA_CD_FUNCTION_NAME, LAMBDA_CD_QUALIFIER=$LATEST,
// LAMBDA_CD_FUNCTION_ARN) and records the result in the deploy state.
Result<TestOutcome> run_integration_tests(StepContext& ctx);

// The PATH test commands run with: the project's node_modules/.bin first when it exists (as `npm run`
// does, so `mocha ...` works without npm's start-up), then `inherited`.
std::string test_command_path(const std::filesystem::path& root, const std::string& inherited);

// Where the target is, for commands lambda-cd runs against it (integration tests, release hooks):
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_LAMBDA when an endpoint is set, AWS_REGION,
// AWS_DEFAULT_REGION, the local endpoint's dummy credentials or AWS_PROFILE, LAMBDA_CD_FUNCTION_NAME.
std::map<std::string, std::string> target_environment(const ProjectConfig& config);

// The environment given to integration tests (exposed for tests and `--dry-run`).
Result<std::map<std::string, std::string>> integration_environment(StepContext& ctx);

}  // namespace lcd::pipeline
