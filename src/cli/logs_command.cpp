#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "local/endpoint.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::cli {

void add_logs_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string function;
    std::string state;
    size_t lines = 100;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("logs", "Print the function's log from the local endpoint (<state>/logs/<function>.log)");
  cmd->add_option("--function", opts->function, "Function name (default [function] name)");
  cmd->add_option("--state", opts->state, "The local endpoint's state directory");
  cmd->add_option("--lines", opts->lines, "How many of the last lines to print (0 = all)")->capture_default_str();
  cmd->callback([&globals, &exit_code, opts] {
    RunNeeds needs;
    needs.config_file = opts->function.empty();
    needs.endpoint = false;
    needs.function_override = opts->function;
    auto run = CommandRun::open(globals, needs);
    if (!run) {
      exit_code = finish_error(globals, "logs", run.error());
      return;
    }
    auto& r = **run;
    if (!r.config.local) {
      exit_code = finish_error(globals, "logs",
                               Error{ErrorKind::invalid,
                                     "logs reads the local endpoint's log files; for AWS use CloudWatch Logs "
                                     "(log group /aws/lambda/" + r.config.project.function.name + ")",
                                     pipeline::k_config_error});
      return;
    }
    const std::string file_name = r.config.project.function.name + ".log";
    std::vector<std::filesystem::path> candidates;
    if (!opts->state.empty()) {
      candidates.push_back(std::filesystem::path(opts->state) / "logs" / file_name);
    } else {
      candidates.push_back(r.config.local_state_dir / "logs" / file_name);
      candidates.push_back(local::default_state_dir() / "logs" / file_name);
    }
    std::error_code ec;
    for (const auto& path : candidates) {
      if (!std::filesystem::exists(path, ec)) continue;
      auto text = read_file(path);
      if (!text) {
        exit_code = finish_error(globals, "logs", text.error());
        return;
      }
      auto lines = split(*text, '\n');
      if (!lines.empty() && lines.back().empty()) lines.pop_back();
      size_t from = opts->lines > 0 && lines.size() > opts->lines ? lines.size() - opts->lines : 0;
      std::vector<std::string> shown(lines.begin() + static_cast<long>(from), lines.end());
      if (globals.output == OutputFormat::text) {
        for (const auto& l : shown) std::printf("%s\n", l.c_str());
        std::fflush(stdout);
      }
      exit_code = finish_ok(globals, "logs", r.target_description,
                            nlohmann::json{{"file", path.string()}, {"lines", shown}});
      return;
    }
    std::string looked;
    for (const auto& p : candidates) looked += (looked.empty() ? "" : ", ") + p.string();
    exit_code = finish_error(globals, "logs",
                             Error{ErrorKind::not_found, "no log for " + r.config.project.function.name + " (looked in " +
                                                             looked + "); invoke it first, or pass --state DIR"});
  });
}

}  // namespace lcd::cli
