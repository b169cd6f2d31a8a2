#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "clients/cloudwatch_client.hpp"
#include "clients/logs_client.hpp"
#include "pipeline/log_tail.hpp"
#include "pipeline/step_context.hpp"
#include "util/duration.hpp"

namespace lcd::cli {
namespace {

// "10m", "1h30m" back from now, or an ISO 8601 UTC time.
Result<std::chrono::system_clock::time_point> parse_since(const std::string& text, Clock& clock) {
  if (auto t = clients::parse_iso8601(text)) return *t;
  auto d = parse_duration(text);
  if (!d) {
    return pipeline::config_error("--since '" + text + "' is neither a duration (10m, 1h, 2h30m) nor an ISO 8601 "
                                  "UTC time (2026-11-26T12:00:00Z)");
  }
  return clock.now() - *d;
}

// The versions whose streams --qualifier selects: a version, $LATEST, or an alias (its version
// and any version it routes a share to).
Result<std::vector<std::string>> qualifier_versions(CommandRun& r, const std::string& qualifier) {
  if (qualifier.empty()) return std::vector<std::string>{};
  if (qualifier == "$LATEST" || std::all_of(qualifier.begin(), qualifier.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::vector<std::string>{qualifier};
  }
  auto alias = r.lambda().get_alias(r.config.project.function.name, qualifier);
  if (!alias) {
    if (alias.error().kind == ErrorKind::not_found) {
      return pipeline::step_failed("--qualifier " + qualifier + ": no such version or alias of " +
                                   r.config.project.function.name, ErrorKind::not_found);
    }
    return fail(alias.error());
  }
  std::vector<std::string> versions{alias->function_version};
  for (const auto& [v, w] : alias->additional_version_weights) versions.push_back(v);
  return versions;
}

nlohmann::json event_json(const clients::LogEvent& e) {
  std::string message = e.message;
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
  return nlohmann::json{{"timestamp", e.timestamp},
                        {"time", format_iso8601_ms(std::chrono::system_clock::time_point(std::chrono::milliseconds(e.timestamp)))},
                        {"stream", e.log_stream_name},
                        {"version", pipeline::stream_version(e.log_stream_name)},
                        {"message", message},
                        {"event_id", e.event_id}};
}

void print_event(const clients::LogEvent& e, OutputFormat format) {
  auto j = event_json(e);
  if (format == OutputFormat::json) {
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return;
  }
  const std::string version = j["version"].get<std::string>();
  const std::string where = version.empty() ? e.log_stream_name : "[" + version + "]";
  std::printf("%s %s %s\n", j["time"].get<std::string>().c_str(), where.c_str(),
              j["message"].get<std::string>().c_str());
}

}  // namespace

void add_logs_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string function;
    std::string since = "10m";
    std::string filter;
    std::string qualifier;
    bool follow = false;
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("logs", "Print the function's CloudWatch Logs (/aws/lambda/<function>), on AWS and "
                                         "on the local endpoint alike");
  cmd->add_option("--function", opts->function, "Function name (default [function] name)");
  cmd->add_option("--since", opts->since, "From this long ago (10m, 1h) or this UTC time (2026-11-26T12:00:00Z)")
      ->capture_default_str();
  cmd->add_option("--filter", opts->filter, "CloudWatch Logs filter pattern, e.g. ERROR, \"?ERROR ?timed\"");
  cmd->add_option("--qualifier", opts->qualifier, "Only the streams of this version, or of the versions an alias serves");
  cmd->add_flag("-f,--follow", opts->follow, "Keep printing new events until interrupted");
  cmd->callback([&globals, &exit_code, opts] {
    RunNeeds needs;
    needs.config_file = opts->function.empty();
    needs.function_override = opts->function;
    auto since = parse_since(opts->since, system_clock());
    if (!since) {
      exit_code = finish_error(globals, "logs", since.error());
      return;
    }
    auto run = CommandRun::open(globals, needs);
    if (!run) {
      exit_code = finish_error(globals, "logs", run.error());
      return;
    }
    auto& r = **run;
    const std::string& name = r.config.project.function.name;
    auto versions = qualifier_versions(r, opts->qualifier);
    if (!versions) {
      exit_code = finish_error(globals, "logs", versions.error());
      return;
    }
    clients::LogsClient logs(r.caller());
    pipeline::LogQuery query{clients::lambda_log_group(name), *since, opts->filter, *versions};
    pipeline::LogTail tail(logs, query);
    auto explain = [&](Error e) {
      if (e.kind == ErrorKind::not_found) {
        e.message = "log group " + query.log_group + " does not exist yet: " + name +
                    " has not been invoked since its logs were last deleted (" + e.message + ")";
      }
      return e;
    };
    if (opts->follow) {
      auto followed = pipeline::follow_logs(
          tail, system_clock(), std::chrono::seconds(2),
          [&](const std::vector<clients::LogEvent>& events) {
            for (const auto& e : events) print_event(e, globals.output);
            std::fflush(stdout);
          },
          [] { return false; });
      exit_code = followed ? 0 : finish_error(globals, "logs", explain(followed.error()));
      return;
    }
    auto events = tail.poll();
    if (!events) {
      exit_code = finish_error(globals, "logs", explain(events.error()));
      return;
    }
    if (globals.output == OutputFormat::text) {
      for (const auto& e : *events) print_event(e, globals.output);
      std::fflush(stdout);
    }
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : *events) list.push_back(event_json(e));
    exit_code = finish_ok(globals, "logs", r.target_description,
                          nlohmann::json{{"log_group", query.log_group}, {"since", format_iso8601_ms(*since)},
                                         {"filter", opts->filter}, {"versions", *versions}, {"events", list}});
  });
}

}  // namespace lcd::cli
