#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/outcome_json.hpp"
#include "util/strings.hpp"

namespace lcd::cli {
namespace {

void print_status(const pipeline::StatusReport& s, size_t max_versions) {
  if (!s.exists) {
    std::printf("function %s does not exist yet (run `lambda-cd deploy` or `lambda-cd pipeline --build N`)\n",
                s.function_name.c_str());
    return;
  }
  std::printf("function %s\n  $LATEST  CodeSha256 %s  %s%s%s\n", s.function_arn.c_str(), s.latest_code_sha256.c_str(),
              s.latest_last_modified.c_str(), s.last_update_status.empty() ? "" : "  update ",
              s.last_update_status.c_str());
  std::printf("\nversions (%zu)\n", s.versions.size());
  if (s.versions.empty()) std::printf("  (none published)\n");
  size_t from = s.versions.size() > max_versions ? s.versions.size() - max_versions : 0;
  if (from > 0) std::printf("  ... %zu older versions (use --all)\n", from);
  for (size_t i = from; i < s.versions.size(); ++i) {
    const auto& v = s.versions[i];
    std::string builds = v.builds.empty() ? "-" : "build " + join(v.builds, ", build ");
    std::printf("  %-6s %-24s %s\n", v.version.c_str(), builds.c_str(), v.code_sha256.c_str());
  }
  std::printf("\naliases (%zu)\n", s.aliases.size());
  if (s.aliases.empty()) std::printf("  (none)\n");
  for (const auto& a : s.aliases) {
    std::string history = a.history.empty() ? "-" : join(a.history, " <- ");
    std::printf("  %-10s version %-6s build %-10s history %s\n", a.name.c_str(), a.version.c_str(),
                a.build.empty() ? "?" : a.build.c_str(), history.c_str());
    for (const auto& [v, w] : a.additional_version_weights) {
      std::printf("  %-10s   + %.0f%% to version %s\n", "", w * 100.0, v.c_str());
    }
  }
  std::fflush(stdout);
}

}  // namespace

void add_status_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string function;
    bool all = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("status", "$LATEST, versions with their builds, aliases with version and history");
  cmd->add_option("--function", opts->function, "Function name (default [function] name)");
  cmd->add_flag("--all", opts->all, "List every version (default: the 20 newest)");
  cmd->callback([&globals, &exit_code, opts] {
    RunNeeds needs;
    needs.config_file = opts->function.empty();
    needs.function_override = opts->function;
    auto run = CommandRun::open(globals, needs);
    if (!run) {
      exit_code = finish_error(globals, "status", run.error());
      return;
    }
    auto& r = **run;
    auto report = pipeline::run_status(r.ctx());
    if (!report) {
      exit_code = finish_error(globals, "status", report.error());
      return;
    }
    if (globals.output == OutputFormat::text) print_status(*report, opts->all ? SIZE_MAX : 20);
    exit_code = finish_ok(globals, "status", r.target_description, to_json(*report));
  });
}

}  // namespace lcd::cli
