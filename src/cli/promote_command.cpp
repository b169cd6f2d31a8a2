#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/outcome_json.hpp"

namespace lcd::cli {

void add_promote_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string alias;
    pipeline::PromoteTarget target;
    pipeline::PromoteOptions promote;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("promote",
                                 "Point ALIAS at a build, a version or another alias's version, at once or by a gated "
                                 "traffic shift that rolls back on the first tripped gate");
  cmd->add_option("alias", opts->alias, "Alias to create or move (e.g. STAGE, PROD)")->required();
  auto* build = cmd->add_option("--build", opts->target.build, "Build number, resolved across all versions");
  auto* version = cmd->add_option("--version", opts->target.version, "Published version number");
  auto* from = cmd->add_option("--from", opts->target.from_alias, "Another alias: move to its version");
  build->excludes(version)->excludes(from);
  version->excludes(from);
  cmd->add_option("--strategy", opts->promote.strategy,
                  "all-at-once, canary:PCT:WAIT, linear:PCT:EVERY or a CodeDeploy name such as "
                  "Canary10Percent5Minutes (default: [release] strategy)");
  cmd->add_flag("--dry-run", opts->promote.dry_run, "Say what would change without changing it");
  cmd->callback([&globals, &exit_code, opts] {
    if (opts->target.build.empty() && opts->target.version.empty() && opts->target.from_alias.empty()) {
      exit_code = finish_error(globals, "promote",
                               Error{ErrorKind::invalid, "promote needs one of --build N, --version V, --from ALIAS",
                                     pipeline::k_config_error});
      return;
    }
    auto run = CommandRun::open(globals, RunNeeds{.lock_command = opts->promote.dry_run ? "" : "promote " + opts->alias, .lock_build = opts->target.build});
    if (!run) {
      exit_code = finish_error(globals, "promote", run.error());
      return;
    }
    auto& r = **run;
    std::optional<pipeline::AliasMove> outcome;
    auto done = pipeline::observed_step(r.ctx(), "promote", [&]() -> Result<std::string> {
      auto m = pipeline::run_promote(r.ctx(), opts->alias, opts->target, opts->promote);
      if (!m) return fail(m.error());
      outcome = *m;
      return pipeline::summarize(*m);
    });
    if (!done) {
      exit_code = finish_error(globals, "promote", done.error());
      return;
    }
    exit_code = finish_ok(globals, "promote", r.target_description, to_json(*outcome));
  });
}

}  // namespace lcd::cli
