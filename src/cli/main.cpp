#include "cli/main.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>

#include "cli/commands.hpp"
#include "cli/global_options.hpp"
#include "cli/local_command.hpp"
#include "cli/version.hpp"
#include "util/result.hpp"

namespace lcd::cli {

void add_stack_command(CLI::App& app, GlobalOptions& globals, int& exit_code);    // stack_command.cpp
void add_restore_command(CLI::App& app, GlobalOptions& globals, int& exit_code);  // restore_command.cpp

namespace {

// `lambda-cd help [COMMAND [SUBCOMMAND]]`: the same text as `lambda-cd COMMAND --help`.
void add_help_command(CLI::App& app, int& exit_code) {
  auto topic = std::make_shared<std::vector<std::string>>();
  auto* cmd = app.add_subcommand("help", "Show the help of a command (the same as COMMAND --help)");
  cmd->add_option("command", *topic, "Command (and subcommand) to explain");
  cmd->callback([&app, &exit_code, topic] {
    const CLI::App* at = &app;
    std::string prefix;
    for (const std::string& word : *topic) {
      const CLI::App* next = nullptr;
      for (const CLI::App* sub : at->get_subcommands([](const CLI::App*) { return true; }))
        if (sub->get_name() == word) next = sub;
      if (!next) {
        std::fprintf(stderr, "lambda-cd: error: no command '%s'; `lambda-cd --help` lists them\n", word.c_str());
        exit_code = 2;
        return;
      }
      prefix = prefix.empty() ? at->get_name() : prefix + " " + at->get_name();
      at = next;
    }
    // App::help() would describe the selected subcommand, i.e. `help` itself.
    std::string text = at == &app ? app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal)
                                  : at->help(prefix);
    std::fputs(text.c_str(), stdout);
    exit_code = 0;
  });
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"lambda-cd: continuous deployment for AWS Lambda through versions and aliases", "lambda-cd"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_line(), "Print the version and git commit, then exit");
  GlobalOptions globals;
  int exit_code = 0;
  app.add_option("--config", globals.config_path, "Project configuration (default ./lambda-cd.toml)");
  app.add_option("--target", globals.target, "local or aws")->check(CLI::IsMember({"local", "aws"}));
  app.add_option("--endpoint-url", globals.endpoint_url, "Send every AWS request to this URL");
  app.add_option("--profile", globals.profile, "AWS profile");
  app.add_option("--region", globals.region, "AWS region");
  app.add_option("--retry-budget", globals.retry_budget,
                 "How long each AWS call retries throttles, 5xx and dropped connections (default 3m; 0: 3 attempts)");
  app.add_option("--output", globals.output, "text or json")
      ->transform(CLI::CheckedTransformer(std::map<std::string, OutputFormat>{{"text", OutputFormat::text},
                                                                              {"json", OutputFormat::json}}));
  app.add_flag("-v,--verbose", [&globals](int64_t n) { globals.verbosity += static_cast<int>(n); }, "More detail");
  app.add_flag("-q,--quiet", [&globals](int64_t n) { globals.verbosity -= static_cast<int>(n); }, "Less detail");
  app.add_flag("--no-lock", globals.no_lock, "Change the function without taking the deploy lock (single-user setups)");
  app.add_option("--lock-timeout", globals.lock_timeout,
                 "How long to wait for another run's deploy lock, e.g. 10m (default [lock] wait, 10m)");

  add_init_command(app, globals, exit_code);
  add_test_command(app, globals, exit_code);
  add_package_command(app, globals, exit_code);
  add_deploy_command(app, globals, exit_code);
  add_itest_command(app, globals, exit_code);
  add_publish_command(app, globals, exit_code);
  add_promote_command(app, globals, exit_code);
  add_rollback_command(app, globals, exit_code);
  add_pipeline_command(app, globals, exit_code);
  add_status_command(app, globals, exit_code);
  add_invoke_command(app, globals, exit_code);
  add_logs_command(app, globals, exit_code);
  add_lock_commands(app, globals, exit_code);
  add_prune_command(app, globals, exit_code);
  add_stack_command(app, globals, exit_code);
  add_restore_command(app, globals, exit_code);
  add_local_command(app, globals, exit_code);
  add_help_command(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  } catch (const Fatal& e) {
    std::fprintf(stderr, "lambda-cd: error: %s\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lambda-cd: error: %s\n", e.what());
    return 1;
  }
  return exit_code;
}

}  // namespace lcd::cli
