#include "pipeline/test_steps.hpp"

#include <cstdlib>
#include <system_error>

#include "pipeline/deploy_state.hpp"
#include "pipeline/junit.hpp"
#include "pipeline/test_install.hpp"
#include "util/file_io.hpp"

namespace lcd::pipeline {
namespace {

namespace fs = std::filesystem;

fs::path resolve(const ProjectConfig& config, const std::string& path) {
  fs::path p(path);
  return p.is_absolute() ? p : config.root / p;
}

// Whether `path` was (re)written at or after `since`.
bool written_since(const fs::path& path, fs::file_time_type since) {
  std::error_code ec;
  auto t = fs::last_write_time(path, ec);
  return !ec && t >= since;
}

Result<TestOutcome> run_suite(StepContext& ctx, const std::string& step, const std::string& command,
                              const std::string& own_junit, const std::string& report_name,
                              std::map<std::string, std::string> env) {
  const auto& config = ctx.config;
  auto installed = ensure_test_dependencies(ctx, step);
  if (!installed) return fail(installed.error());
  ProcessSpec spec = shell_command(command);
  spec.cwd = config.root;
  const char* inherited = std::getenv("PATH");
  env["PATH"] = test_command_path(config.root, inherited ? inherited : "/usr/local/bin:/usr/bin:/bin");
  spec.env_set = std::move(env);
  spec.capture_output = true;
  spec.on_output = [&ctx, &step](std::string_view chunk) { ctx.observer.command_output(step, chunk); };

  // Coarse file-system clocks: allow a small margin for "written by this run".
  const auto started_fs = fs::file_time_type::clock::now() - std::chrono::seconds(2);
  auto result = ctx.launcher.run(spec);
  if (!result) return step_failed("cannot run " + step + " command '" + command + "': " + result.error().describe(),
                                  ErrorKind::io);
  TestOutcome out;
  out.passed = result->ok();
  out.exit_code = result->exit_code;
  out.timed_out = result->timed_out;
  out.duration = result->duration;
  out.install_configured = installed->configured;
  out.install_ran = installed->ran;
  out.install_duration = installed->duration;

  if (!own_junit.empty() && written_since(resolve(config, own_junit), started_fs)) {
    out.junit_path = resolve(config, own_junit);
    out.junit_from_command = true;
    return out;
  }
  if (!own_junit.empty()) {
    ctx.observer.warning(step + ": the command did not write " + own_junit + "; writing a one-case report instead");
  }
  CommandTestCase tc;
  tc.suite = report_name;
  tc.name = command;
  tc.passed = out.passed;
  tc.output = result->output;
  tc.duration = result->duration;
  if (result->timed_out) {
    tc.failure = "timed out";
  } else if (result->signal != 0) {
    tc.failure = "killed by signal " + std::to_string(result->signal);
  } else if (!out.passed) {
    tc.failure = "exit code " + std::to_string(result->exit_code);
  }
  if (auto made = ensure_directory(config.reports_dir()); !made) return fail(made.error());
  out.junit_path = config.reports_dir() / (report_name + ".xml");
  if (auto written = write_file_atomic(out.junit_path, junit_xml(tc)); !written) return fail(written.error());
  return out;
}

}  // namespace

std::string test_command_path(const fs::path& root, const std::string& inherited) {
  std::error_code ec;
  const fs::path bin = root / "node_modules" / ".bin";
  if (!fs::is_directory(bin, ec)) return inherited;
  return inherited.empty() ? bin.string() : bin.string() + ":" + inherited;
}

Result<TestOutcome> run_unit_tests(StepContext& ctx) {
  if (ctx.config.tests.unit.empty()) {
    return config_error("no unit-test command: set [test] unit in lambda-cd.toml (e.g. unit = \"npm test\")");
  }
  return run_suite(ctx, "test", ctx.config.tests.unit, ctx.config.tests.unit_junit, "unit-tests", {});
}

std::map<std::string, std::string> target_environment(const ProjectConfig& config) {
  std::map<std::string, std::string> env;
  if (!config.target.endpoint_url.empty()) {
    env["AWS_ENDPOINT_URL"] = config.target.endpoint_url;
    env["AWS_ENDPOINT_URL_LAMBDA"] = config.target.endpoint_url;
  }
  env["AWS_REGION"] = config.target.region;
  env["AWS_DEFAULT_REGION"] = config.target.region;
  if (config.target.local) {
    env["AWS_ACCESS_KEY_ID"] = config.target.local_access_key_id;
    env["AWS_SECRET_ACCESS_KEY"] = config.target.local_secret_access_key;
  } else if (!config.target.profile.empty()) {
    env["AWS_PROFILE"] = config.target.profile;
  }
  env["LAMBDA_CD_TARGET"] = config.target.local ? "local" : "aws";
  // So tests can call `lambda-cd invoke` with the same target and credentials (lambda-cd init's do).
  if (auto self = current_executable()) env["LAMBDA_CD_BIN"] = self->string();
  env["LAMBDA_CD_FUNCTION_NAME"] = config.function.name;
  return env;
}

Result<std::map<std::string, std::string>> integration_environment(StepContext& ctx) {
  const auto& config = ctx.config;
  std::map<std::string, std::string> env = target_environment(config);
  env["LAMBDA_CD_QUALIFIER"] = "$LATEST";
  auto fn = ctx.lambda.get_function_configuration(config.function.name);
  if (!fn) {
    if (fn.error().kind == ErrorKind::not_found) {
      return step_failed("function " + config.function.name + " does not exist: run `lambda-cd deploy` first");
    }
    return fail(fn.error());
  }
  env["LAMBDA_CD_FUNCTION_ARN"] = fn->function_arn;
  return env;
}

Result<TestOutcome> run_integration_tests(StepContext& ctx) {
  if (ctx.config.tests.integration.empty()) {
    return config_error(
        "no integration-test command: set [test] integration in lambda-cd.toml (e.g. integration = \"npm run itest\")");
  }
  auto env = integration_environment(ctx);
  if (!env) return fail(env.error());
  // Record what the tests ran against, so publish can refuse code that was not tested.
  auto before = ctx.lambda.get_function_configuration(ctx.config.function.name);
  if (!before) return fail(before.error());
  auto outcome = run_suite(ctx, "itest", ctx.config.tests.integration, ctx.config.tests.integration_junit,
                           "integration-tests", std::move(*env));
  if (!outcome) return outcome;
  auto state = load_deploy_state(ctx.config.state_dir());
  if (!state) return fail(state.error());
  if (state->function_name == ctx.config.function.name && state->target == ctx.target_id &&
      state->revision_id == before->revision_id) {
    state->itest = outcome->passed ? ItestResult::passed : ItestResult::failed;
    state->itest_revision_id = before->revision_id;
    if (auto saved = save_deploy_state(ctx.config.state_dir(), *state); !saved) return fail(saved.error());
  } else {
    ctx.observer.warning("itest: $LATEST was not deployed by this project's last `lambda-cd deploy`; "
                         "the result is not recorded for publish");
  }
  return outcome;
}

}  // namespace lcd::pipeline
