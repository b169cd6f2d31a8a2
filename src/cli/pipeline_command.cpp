#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/backup_wiring.hpp"
#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/outcome_json.hpp"
#include "cli/prune_wiring.hpp"

namespace lcd::cli {
namespace {

void print_summary(const pipeline::PipelineReport& report) {
  std::printf("\n%-9s %-8s %10s  %s\n", "STEP", "RESULT", "DURATION", "DETAIL");
  std::chrono::milliseconds total{0};
  for (const auto& s : report.steps) {
    total += s.duration;
    std::string detail = s.summary;
    if (detail.size() > 100) detail = detail.substr(0, 97) + "...";
    std::printf("%-9s %-8s %10s  %s\n", s.name.c_str(), pipeline::to_string(s.status),
                s.status == pipeline::StepStatus::skipped ? "-" : format_duration(s.duration).c_str(),
                detail.c_str());
  }
  std::printf("%-9s %-8s %10s\n", "total", report.ok ? "ok" : "failed", format_duration(total).c_str());
  std::fflush(stdout);
}

}  // namespace

void add_pipeline_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string build;
    std::string to;
    bool prune = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "pipeline", "test, package, deploy, itest, publish, promote (default: the stage alias); stops at the first failure");
  cmd->add_option("--build", opts->build, "Build number")->required();
  cmd->add_option("--to", opts->to, "Alias to promote to (default [aliases] stage)");
  cmd->add_flag("--prune", opts->prune, "After a successful promote, delete old versions as `prune` does ([prune] keep)");
  cmd->callback([&globals, &exit_code, opts] {
    RunNeeds needs;
    needs.role = true;
    needs.lock_command = "pipeline";
    needs.lock_build = opts->build;
    auto run = CommandRun::open(globals, needs);
    if (!run) {
      exit_code = finish_error(globals, "pipeline", run.error());
      return;
    }
    auto& r = **run;
    auto packager = r.make_packager();
    auto report = pipeline::run_pipeline(r.ctx(), *packager, {opts->build, opts->to});
    if (globals.output == OutputFormat::text) print_summary(report);
    auto doc = to_json(report);
    if (!report.ok) {
      Error e = report.error.value_or(Error{ErrorKind::internal, "pipeline failed"});
      if (e.code != pipeline::k_config_error) e.message = "step " + report.failed_step + " failed: " + e.message;
      exit_code = finish_error(globals, "pipeline", e, &doc);
      return;
    }
    if (report.publish) {
      auto backup = back_up_published_build(r, *report.publish);
      if (!backup) {
        exit_code = finish_error(globals, "pipeline", backup.error(), &doc);
        return;
      }
      if (*backup) doc["backup"] = pipeline::s3_url((*backup)->bucket, (*backup)->zip_key);
    }
    if (opts->prune) {
      pipeline::PruneOptions options;
      options.keep = r.config.project.prune.keep;
      auto pruned = run_observed_prune(r, options);
      if (!pruned) {
        exit_code = finish_error(globals, "pipeline", pruned.error(), &doc);
        return;
      }
      doc["prune"] = to_json(*pruned);
    }
    exit_code = finish_ok(globals, "pipeline", r.target_description, doc);
  });
}

}  // namespace lcd::cli
