#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/outcome_json.hpp"

namespace lcd::cli {
namespace {

// `test` and `itest` share their shape: one observed step running a suite.
void add_suite_command(CLI::App& app, GlobalOptions& globals, int& exit_code, const std::string& name,
                       const std::string& help, bool integration) {
  auto* cmd = app.add_subcommand(name, help);
  cmd->callback([&globals, &exit_code, name, integration] {
    RunNeeds needs;
    needs.endpoint = integration;
    needs.function_name = integration;
    auto run = CommandRun::open(globals, needs);
    if (!run) {
      exit_code = finish_error(globals, name, run.error());
      return;
    }
    auto& r = **run;
    std::optional<pipeline::TestOutcome> outcome;
    auto done = pipeline::observed_step(r.ctx(), name, [&]() -> Result<std::string> {
      auto o = integration ? pipeline::run_integration_tests(r.ctx()) : pipeline::run_unit_tests(r.ctx());
      if (!o) return fail(o.error());
      outcome = *o;
      if (!o->passed) return pipeline::step_failed((integration ? "integration tests " : "unit tests ") +
                                                   pipeline::summarize(*o));
      return pipeline::summarize(*o);
    });
    if (!done) {
      nlohmann::json partial = outcome ? to_json(*outcome) : nlohmann::json();
      exit_code = finish_error(globals, name, done.error(), outcome ? &partial : nullptr);
      return;
    }
    exit_code = finish_ok(globals, name, r.target_description, to_json(*outcome));
  });
}

}  // namespace

void add_test_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  add_suite_command(app, globals, exit_code, "test", "Run the unit tests ([test] unit); JUnit XML under reports/",
                    false);
}

void add_itest_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  add_suite_command(app, globals, exit_code, "itest",
                    "Run the integration tests ([test] integration) against $LATEST on the target", true);
}

}  // namespace lcd::cli
