// `lambda-cd restore --build N`: a backed-up build back to $LATEST and published as a version,
// even when the function was deleted. `restore --list` shows the backed-up builds.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/outcome_json.hpp"
#include "pipeline/backup_store.hpp"
#include "pipeline/pipeline_runner.hpp"

namespace lcd::cli {

namespace {

nlohmann::json to_json(const pipeline::RestoreOutcome& o) {
  return {{"build", o.build},
          {"version", o.version},
          {"code_sha256", o.code_sha256},
          {"function_created", o.function_created},
          {"code_uploaded", o.code_uploaded},
          {"via_s3", o.via_s3},
          {"reused_version", o.reused_version}};
}

}  // namespace

void add_restore_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string build;
    std::string function;
    bool list = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("restore", "Bring a backed-up build back to $LATEST and publish it as a version");
  auto* build = cmd->add_option("--build", opts->build, "The build to restore");
  auto* list = cmd->add_flag("--list", opts->list, "List the backed-up builds instead");
  build->excludes(list);
  cmd->add_option("--function", opts->function, "Function name (default [function] name)");
  cmd->callback([&globals, &exit_code, opts] {
    const std::string command = "restore";
    if (opts->build.empty() && !opts->list) {
      exit_code = finish_error(globals, command, pipeline::config_error("restore needs --build N (or --list)").value());
      return;
    }
    RunNeeds needs;
    needs.function_override = opts->function;
    needs.role = !opts->list;
    if (!opts->list) {
      needs.lock_command = "restore";
      needs.lock_build = opts->build;
    }
    auto run = CommandRun::open(globals, needs);
    if (!run) {
      exit_code = finish_error(globals, command, run.error());
      return;
    }
    auto& r = **run;
    if (!r.artifacts()) {
      exit_code = finish_error(globals, command,
                               pipeline::config_error("restore reads backups from the backup bucket: set [backup] "
                                                      "bucket in lambda-cd.toml (or LAMBDA_CD_BACKUP_BUCKET)")
                                   .value());
      return;
    }
    auto& backup = *r.artifacts();

    if (opts->list) {
      auto all = pipeline::list_backups(backup, r.config.project.function.name);
      if (!all) {
        exit_code = finish_error(globals, command, all.error());
        return;
      }
      nlohmann::json builds = nlohmann::json::array();
      for (const auto& m : *all) {
        builds.push_back(to_json(m));
        if (globals.output == OutputFormat::text) {
          r.observer.line("build " + m.build + "  version " + m.version + "  " + m.created_at + "  " + m.code_sha256 +
                          (m.git_commit.empty() ? "" : "  commit " + m.git_commit.substr(0, 12)));
        }
      }
      if (all->empty() && globals.output == OutputFormat::text) {
        r.observer.line("no builds of " + r.config.project.function.name + " are backed up in s3://" + backup.bucket);
      }
      exit_code = finish_ok(globals, command, r.target_description, nlohmann::json{{"builds", builds}});
      return;
    }

    std::optional<pipeline::RestoreOutcome> outcome;
    auto done = pipeline::observed_step(r.ctx(), "restore", [&]() -> Result<std::string> {
      auto o = pipeline::run_restore(r.ctx(), backup, opts->build);
      if (!o) return fail(o.error());
      outcome = *o;
      return "build " + o->build + " is version " + o->version + " and $LATEST" +
             (o->function_created ? " (function re-created)" : "");
    });
    if (!done) {
      exit_code = finish_error(globals, command, done.error());
      return;
    }
    exit_code = finish_ok(globals, command, r.target_description, to_json(*outcome));
  });
}

}  // namespace lcd::cli
