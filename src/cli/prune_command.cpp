// `lambda-cd prune`: delete old published versions (and, with --backups, their backups) that no
// alias references, keeping the newest N.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/outcome_json.hpp"
#include "cli/prune_wiring.hpp"
#include "pipeline/pipeline_runner.hpp"
#include "util/duration.hpp"

namespace lcd::cli {

Result<pipeline::PruneOutcome> run_observed_prune(CommandRun& run, const pipeline::PruneOptions& options) {
  std::optional<pipeline::PruneOutcome> outcome;
  auto done = pipeline::observed_step(run.ctx(), "prune", [&]() -> Result<std::string> {
    auto o = pipeline::run_prune(run.ctx(), options);
    if (!o) return fail(o.error());
    outcome = std::move(*o);
    return pipeline::summarize(*outcome);
  });
  if (!done) return fail(done.error());
  return std::move(*outcome);
}

void add_prune_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    int keep = 0;
    std::string older_than;
    bool dry_run = false;
    bool backups = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "prune", "Delete old published versions no alias references, keeping the newest N ([prune] keep, default 10)");
  cmd->add_option("--keep", opts->keep, "Newest versions to keep (default [prune] keep)")->check(CLI::Range(1, 100000));
  cmd->add_option("--older-than", opts->older_than, "Only delete versions older than this, e.g. 30d");
  cmd->add_flag("--dry-run", opts->dry_run, "Say what would be deleted and kept, and why, without deleting");
  cmd->add_flag("--backups", opts->backups, "Also delete the backups of builds whose versions are not kept");
  cmd->callback([&globals, &exit_code, opts] {
    pipeline::PruneOptions options;
    options.dry_run = opts->dry_run;
    options.backups = opts->backups;
    if (!opts->older_than.empty()) {
      auto d = parse_duration(opts->older_than);
      if (!d) {
        exit_code = finish_error(globals, "prune",
                                 Error{ErrorKind::invalid, "--older-than: " + d.error().message, pipeline::k_config_error});
        return;
      }
      options.older_than = *d;
    }
    auto run = CommandRun::open(globals, RunNeeds{.lock_command = opts->dry_run ? "" : "prune"});
    if (!run) {
      exit_code = finish_error(globals, "prune", run.error());
      return;
    }
    auto& r = **run;
    options.keep = opts->keep > 0 ? opts->keep : r.config.project.prune.keep;
    auto outcome = run_observed_prune(r, options);
    if (!outcome) {
      exit_code = finish_error(globals, "prune", outcome.error());
      return;
    }
    exit_code = finish_ok(globals, "prune", r.target_description, to_json(*outcome));
  });
}

}  // namespace lcd::cli
