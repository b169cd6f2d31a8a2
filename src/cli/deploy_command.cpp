#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/drift_check.hpp"
#include "cli/outcome_json.hpp"

namespace lcd::cli {

void add_deploy_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  auto* cmd = app.add_subcommand("deploy", "Package and update $LATEST (create the function if missing)");
  auto dry_run = std::make_shared<bool>(false);
  cmd->add_flag("--dry-run", *dry_run, "Say what would change without changing it");
  cmd->callback([&globals, &exit_code, dry_run] {
    RunNeeds needs;
    needs.role = true;
    if (!*dry_run) needs.lock_command = "deploy";
    auto run = CommandRun::open(globals, needs);
    if (!run) {
      exit_code = finish_error(globals, "deploy", run.error());
      return;
    }
    auto& r = **run;
    auto packager = r.make_packager();
    std::optional<pipeline::PackageOutput> package;
    auto packaged = pipeline::observed_step(r.ctx(), "package", [&]() -> Result<std::string> {
      auto p = packager->build();
      if (!p) return fail(p.error());
      package = *p;
      for (const auto& left : p->left_out) r.observer.message("left out: " + left);
      return pipeline::summarize(*p);
    });
    if (!packaged) {
      exit_code = finish_error(globals, "deploy", packaged.error());
      return;
    }
    // lambda-cd.toml is what deploy applies; say where the function or the template disagree first.
    auto drift = check_config_drift(r.config, r.lambda());
    if (!drift) {
      exit_code = finish_error(globals, "deploy", drift.error());
      return;
    }
    if (!drift->lines.empty()) {
      for (const auto& line : drift_lines(*drift)) r.observer.message("drift: " + line);
    }
    std::optional<pipeline::DeployOutcome> outcome;
    auto deployed = pipeline::observed_step(r.ctx(), "deploy", [&]() -> Result<std::string> {
      auto d = pipeline::run_deploy(r.ctx(), *package, *dry_run);
      if (!d) return fail(d.error());
      outcome = *d;
      return pipeline::summarize(*d);
    });
    if (!deployed) {
      exit_code = finish_error(globals, "deploy", deployed.error());
      return;
    }
    nlohmann::json result = to_json(*outcome);
    result["package"] = to_json(*package);
    result["drift"] = drift_json(*drift);
    result["applied_from"] = "lambda-cd.toml";
    for (const auto& line : drift->lines) {
      if (!line.toml) continue;
      std::string kept = line.stack && *line.stack != *line.toml
                             ? " (" + drift->template_name + " says " + *line.stack + ": make them agree)"
                             : "";
      r.observer.message(std::string(*dry_run ? "would apply" : "applied") + " lambda-cd.toml's " + line.setting +
                         " " + *line.toml + kept);
    }
    exit_code = finish_ok(globals, "deploy", r.target_description, result);
  });
}

}  // namespace lcd::cli
