// `lambda-cd lock status` and `lambda-cd unlock --force`: who holds the function's deploy lock, and
// breaking a lock whose holder is known to be gone.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "pipeline/deploy_lock.hpp"

namespace lcd::cli {
namespace {

nlohmann::json lock_json(const pipeline::LockSettings& settings, const std::optional<pipeline::LockView>& view,
                         std::chrono::system_clock::time_point now) {
  nlohmann::json j{{"bucket", settings.bucket}, {"key", settings.key}, {"held", view.has_value()}};
  if (!view) return j;
  const auto& r = view->record;
  j["readable"] = view->readable;
  j["holder"] = {{"host", r.owner.host}, {"pid", r.owner.pid}, {"ci_job", r.owner.ci_job}};
  j["command"] = r.command;
  j["build"] = r.build;
  j["since"] = format_iso8601_ms(r.acquired);
  j["expires"] = format_iso8601_ms(r.expires);
  j["expired"] = now > r.expires;
  j["description"] = pipeline::describe_holder(r);
  return j;
}

struct LockRun {
  std::unique_ptr<CommandRun> run;
  pipeline::LockSettings settings;
};

Result<LockRun> open_lock_run(const GlobalOptions& globals) {
  auto run = CommandRun::open(globals, RunNeeds{});
  if (!run) return fail(run.error());
  auto settings = CommandRun::lock_settings((*run)->config, (*run)->lock_caller());
  if (!settings) return fail(settings.error());
  return LockRun{std::move(*run), std::move(*settings)};
}

}  // namespace

void add_lock_commands(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  auto* lock = app.add_subcommand("lock", "The function's deploy lock ([lock] bucket, else [backup] bucket)");
  lock->require_subcommand(1);
  auto* status = lock->add_subcommand("status", "Who holds the deploy lock, since when, until when");
  status->callback([&globals, &exit_code] {
    auto l = open_lock_run(globals);
    if (!l) {
      exit_code = finish_error(globals, "lock status", l.error());
      return;
    }
    auto view = pipeline::read_lock(l->run->lock_s3(), l->settings);
    if (!view) {
      exit_code = finish_error(globals, "lock status", view.error());
      return;
    }
    const auto now = system_clock().now();
    if (globals.output == OutputFormat::text) {
      const std::string where = "s3://" + l->settings.bucket + "/" + l->settings.key;
      if (!*view) {
        std::printf("deploy lock %s: free\n", where.c_str());
      } else {
        const auto& r = (*view)->record;
        std::printf("deploy lock %s: held by %s\n  lease %s %s\n", where.c_str(), pipeline::describe_holder(r).c_str(),
                    now > r.expires ? "expired at" : "until", format_iso8601_ms(r.expires).c_str());
      }
      std::fflush(stdout);
    }
    exit_code = finish_ok(globals, "lock status", l->run->target_description, lock_json(l->settings, *view, now));
  });

  auto force = std::make_shared<bool>(false);
  auto* unlock = app.add_subcommand("unlock", "Break the function's deploy lock (its holder must be gone)");
  unlock->add_flag("--force", *force, "Required: breaking a live holder's lock lets two runs change the function");
  unlock->callback([&globals, &exit_code, force] {
    if (!*force) {
      exit_code = finish_error(globals, "unlock",
                               Error{ErrorKind::invalid,
                                     "unlock breaks another run's lock; pass --force if its holder is gone "
                                     "(see `lambda-cd lock status`)",
                                     pipeline::k_config_error});
      return;
    }
    auto l = open_lock_run(globals);
    if (!l) {
      exit_code = finish_error(globals, "unlock", l.error());
      return;
    }
    auto broken = pipeline::break_lock(l->run->lock_s3(), l->settings);
    if (!broken) {
      exit_code = finish_error(globals, "unlock", broken.error());
      return;
    }
    if (*broken) {
      l->run->observer.warning("broke the deploy lock held by " + pipeline::describe_holder((*broken)->record));
    } else {
      l->run->observer.message("the deploy lock was not held");
    }
    exit_code = finish_ok(globals, "unlock", l->run->target_description,
                          lock_json(l->settings, *broken, system_clock().now()));
  });
}

}  // namespace lcd::cli
