#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/drift_check.hpp"
#include "cli/outcome_json.hpp"
#include "pipeline/traffic_shift.hpp"
#include "util/duration.hpp"
#include "util/strings.hpp"

namespace lcd::cli {
namespace {

void print_backups(const pipeline::BackupsStatus& b, size_t max_builds) {
  if (!b.configured) return;
  if (!b.error.empty()) {
    std::printf("\nbacked-up builds in s3://%s: could not be listed: %s\n", b.bucket.c_str(), b.error.c_str());
    return;
  }
  std::printf("\nbacked-up builds in s3://%s (%zu)\n", b.bucket.c_str(), b.builds.size());
  if (b.builds.empty()) std::printf("  (none: `publish` backs up each build)\n");
  size_t from = b.builds.size() > max_builds ? b.builds.size() - max_builds : 0;
  if (from > 0) std::printf("  ... %zu older builds (use --all)\n", from);
  for (size_t i = from; i < b.builds.size(); ++i) {
    const auto& m = b.builds[i];
    std::string version = m.version.empty() ? "-" : m.version;
    std::string commit = m.git_commit.empty() ? "-" : m.git_commit.substr(0, 12);
    std::printf("  build %-8s version %-6s %-46s %10s  %-24s commit %s\n", m.build.c_str(), version.c_str(),
                m.code_sha256.c_str(), format_mib(static_cast<uint64_t>(m.zip_size)).c_str(), m.created_at.c_str(), commit.c_str());
  }
}

void print_code_storage(const pipeline::StatusReport& s) {
  if (s.code_storage) {
    std::printf("\n%s\n", pipeline::describe(*s.code_storage).c_str());
  } else {
    std::printf("\ncode storage: could not be read: %s\n", s.code_storage_error.c_str());
  }
}

void print_status(const pipeline::StatusReport& s, size_t max_versions) {
  if (!s.exists) {
    std::printf("function %s does not exist yet (run `lambda-cd deploy` or `lambda-cd pipeline --build N`)\n",
                s.function_name.c_str());
    print_backups(s.backups, max_versions);
    print_code_storage(s);
    std::fflush(stdout);
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
    if (a.shift) std::printf("  %-10s   %s\n", "", pipeline::describe_shift(a.name, *a.shift, a.shift_percent).c_str());
    if (a.metrics) {
      const auto& m = *a.metrics;
      std::printf("  %-10s   last %s: %.0f invocations, %.0f errors", "",
                  format_duration(s.metrics_window).c_str(), m.invocations, m.errors);
      if (m.invocations > 0) std::printf(" (%s)", pipeline::format_percent(m.error_rate()).c_str());
      std::printf("\n");
    }
  }
  if (!s.aliases.empty() && !s.metrics_error.empty()) {
    std::printf("  (invocations and error rates unavailable: %s)\n", s.metrics_error.c_str());
  }
  print_backups(s.backups, max_versions);
  print_code_storage(s);
  std::fflush(stdout);
}

}  // namespace

void add_status_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string function;
    bool all = false;
    std::string window = "15m";
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("status", "$LATEST, versions with their builds, aliases with version, history, shift in progress and recent error rate, backed-up builds");
  cmd->add_option("--function", opts->function, "Function name (default [function] name)");
  cmd->add_flag("--all", opts->all, "List every version and backed-up build (default: the 20 newest)");
  cmd->add_option("--window", opts->window, "How far back each alias's invocations and errors are summed (e.g. 15m, 1h)")
      ->capture_default_str();
  cmd->callback([&globals, &exit_code, opts] {
    auto window = parse_duration(opts->window);
    if (!window || window->count() <= 0) {
      exit_code = finish_error(globals, "status",
                               Error{ErrorKind::invalid, "--window '" + opts->window + "' is not a duration (e.g. 15m, 1h)",
                                     pipeline::k_config_error});
      return;
    }
    RunNeeds needs;
    needs.config_file = opts->function.empty();
    needs.function_override = opts->function;
    auto run = CommandRun::open(globals, needs);
    if (!run) {
      exit_code = finish_error(globals, "status", run.error());
      return;
    }
    auto& r = **run;
    // CloudWatch periods are whole minutes.
    const auto minutes = std::chrono::ceil<std::chrono::minutes>(*window);
    auto report = pipeline::run_status(r.ctx(), minutes);
    if (!report) {
      exit_code = finish_error(globals, "status", report.error());
      return;
    }
    // Drift needs the project's own description: not with --function and no lambda-cd.toml.
    std::optional<DriftReport> drift;
    if (!r.config.config_file.empty() && opts->function.empty()) {
      auto checked = check_config_drift(r.config, r.lambda());
      if (!checked) {
        exit_code = finish_error(globals, "status", checked.error());
        return;
      }
      drift = std::move(*checked);
    }
    if (globals.output == OutputFormat::text) {
      print_status(*report, opts->all ? SIZE_MAX : 20);
      if (drift) {
        std::printf("\nconfiguration drift (lambda-cd.toml is what deploy applies)\n");
        for (const auto& line : drift_lines(*drift)) std::printf("  %s\n", line.c_str());
      }
      std::fflush(stdout);
    }
    nlohmann::json result = to_json(*report);
    if (drift) result["drift"] = drift_json(*drift);
    exit_code = finish_ok(globals, "status", r.target_description, result);
  });
}

}  // namespace lcd::cli
