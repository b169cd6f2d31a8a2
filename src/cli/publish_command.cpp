#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/backup_wiring.hpp"
#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/outcome_json.hpp"

namespace lcd::cli {

void add_publish_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string build;
    bool dry_run = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("publish", "Publish the deployed and tested $LATEST as a version for build N");
  cmd->add_option("--build", opts->build, "Build number (the version's Description becomes \"build N\")")
      ->required();
  cmd->add_flag("--dry-run", opts->dry_run, "Say what would change without changing it");
  cmd->callback([&globals, &exit_code, opts] {
    auto run = CommandRun::open(globals, RunNeeds{.lock_command = opts->dry_run ? "" : "publish", .lock_build = opts->build});
    if (!run) {
      exit_code = finish_error(globals, "publish", run.error());
      return;
    }
    auto& r = **run;
    std::optional<pipeline::PublishOutcome> outcome;
    auto done = pipeline::observed_step(r.ctx(), "publish", [&]() -> Result<std::string> {
      auto p = pipeline::run_publish(r.ctx(), opts->build, opts->dry_run);
      if (!p) return fail(p.error());
      outcome = *p;
      return pipeline::summarize(*p);
    });
    if (!done) {
      exit_code = finish_error(globals, "publish", done.error());
      return;
    }
    auto doc = to_json(*outcome);
    auto backup = back_up_published_build(r, *outcome);
    if (!backup) {
      exit_code = finish_error(globals, "publish", backup.error(), &doc);
      return;
    }
    if (*backup) doc["backup"] = pipeline::s3_url((*backup)->bucket, (*backup)->zip_key);
    exit_code = finish_ok(globals, "publish", r.target_description, doc);
  });
}

}  // namespace lcd::cli
