#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/outcome_json.hpp"

namespace lcd::cli {

void add_package_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  auto* cmd = app.add_subcommand("package", "Build the deterministic zip; prints its size and CodeSha256");
  cmd->callback([&globals, &exit_code] {
    RunNeeds needs;
    needs.endpoint = false;
    needs.function_name = false;
    auto run = CommandRun::open(globals, needs);
    if (!run) {
      exit_code = finish_error(globals, "package", run.error());
      return;
    }
    auto& r = **run;
    auto packager = r.make_packager();
    std::optional<pipeline::PackageOutput> out;
    auto done = pipeline::observed_step(r.ctx(), "package", [&]() -> Result<std::string> {
      auto p = packager->build();
      if (!p) return fail(p.error());
      out = *p;
      for (const auto& left : p->left_out) r.observer.message("left out: " + left);
      for (const auto& note : p->notes) r.observer.message(note);
      return pipeline::summarize(*p);
    });
    if (!done) {
      exit_code = finish_error(globals, "package", done.error());
      return;
    }
    r.observer.line(out->zip_path.string());
    exit_code = finish_ok(globals, "package", r.target_description, to_json(*out));
  });
}

}  // namespace lcd::cli
