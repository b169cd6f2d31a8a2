#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/outcome_json.hpp"

namespace lcd::cli {

void add_rollback_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string alias;
    bool dry_run = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("rollback", "Put ALIAS back where it was before its last move");
  cmd->add_option("alias", opts->alias, "Alias to roll back")->required();
  cmd->add_flag("--dry-run", opts->dry_run, "Say what would change without changing it");
  cmd->callback([&globals, &exit_code, opts] {
    auto run = CommandRun::open(globals, RunNeeds{.lock_command = opts->dry_run ? "" : "rollback " + opts->alias});
    if (!run) {
      exit_code = finish_error(globals, "rollback", run.error());
      return;
    }
    auto& r = **run;
    std::optional<pipeline::AliasMove> outcome;
    auto done = pipeline::observed_step(r.ctx(), "rollback", [&]() -> Result<std::string> {
      auto m = pipeline::run_rollback(r.ctx(), opts->alias, opts->dry_run);
      if (!m) return fail(m.error());
      outcome = *m;
      return pipeline::summarize(*m);
    });
    if (!done) {
      exit_code = finish_error(globals, "rollback", done.error());
      return;
    }
    exit_code = finish_ok(globals, "rollback", r.target_description, to_json(*outcome));
  });
}

}  // namespace lcd::cli
