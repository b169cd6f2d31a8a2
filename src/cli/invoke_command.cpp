#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "util/file_io.hpp"

namespace lcd::cli {

void add_invoke_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string function;
    std::string qualifier;
    std::string payload;
    std::string payload_file;
    bool log = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("invoke", "Invoke the function (synchronously) and print its result");
  cmd->add_option("--function", opts->function, "Function name (default [function] name)");
  cmd->add_option("--qualifier", opts->qualifier, "Version or alias (default $LATEST)");
  auto* payload = cmd->add_option("--payload", opts->payload, "JSON event");
  auto* file = cmd->add_option("--payload-file", opts->payload_file, "File holding the JSON event");
  payload->excludes(file);
  cmd->add_flag("--log", opts->log, "Also print the end of the function's log (last 4 KB)");
  cmd->callback([&globals, &exit_code, opts] {
    auto usage = [&](const std::string& m) {
      exit_code = finish_error(globals, "invoke", Error{ErrorKind::invalid, m, pipeline::k_config_error});
    };
    std::string body = opts->payload.empty() ? "{}" : opts->payload;
    if (!opts->payload_file.empty()) {
      auto text = read_file(opts->payload_file);
      if (!text) return usage("cannot read --payload-file " + opts->payload_file + ": " + text.error().message);
      body = *text;
    }
    if (nlohmann::json::parse(body, nullptr, false).is_discarded()) return usage("the payload is not valid JSON");
    RunNeeds needs;
    needs.config_file = opts->function.empty();
    needs.function_override = opts->function;
    auto run = CommandRun::open(globals, needs);
    if (!run) {
      exit_code = finish_error(globals, "invoke", run.error());
      return;
    }
    auto& r = **run;
    clients::InvokeRequest req;
    req.function_name = r.config.project.function.name;
    req.qualifier = opts->qualifier;
    req.payload = body;
    req.tail_log = opts->log;
    auto result = r.lambda().invoke(req);
    if (!result) {
      exit_code = finish_error(globals, "invoke", result.error());
      return;
    }
    nlohmann::json doc{{"status_code", result->status_code}, {"executed_version", result->executed_version}};
    auto parsed = nlohmann::json::parse(result->payload, nullptr, false);
    doc["payload"] = parsed.is_discarded() ? nlohmann::json(result->payload) : parsed;
    if (!result->function_error.empty()) doc["function_error"] = result->function_error;
    if (opts->log) doc["log"] = result->log_tail;
    if (globals.output == OutputFormat::text) {
      std::printf("%s\n", result->payload.c_str());
      std::fprintf(stderr, "executed version %s%s\n", result->executed_version.c_str(),
                   result->function_error.empty() ? "" : (", function error: " + result->function_error).c_str());
      if (opts->log) std::fprintf(stderr, "--- log (tail) ---\n%s", result->log_tail.c_str());
      std::fflush(stdout);
    }
    if (!result->function_error.empty()) {
      exit_code = finish_error(globals, "invoke",
                               Error{ErrorKind::invalid, "the function failed (" + result->function_error + ")"}, &doc);
      return;
    }
    exit_code = finish_ok(globals, "invoke", r.target_description, doc);
  });
}

}  // namespace lcd::cli
