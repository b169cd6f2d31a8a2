#include "cli/command_run.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "cli/interrupt_guard.hpp"
#include "clients/cloudwatch_client.hpp"
#include "clients/s3_client.hpp"
#include "clients/sts_client.hpp"
#include "pipeline/function_role.hpp"
#include "pipeline/backup_store.hpp"
#include "pipeline/deploy_lock.hpp"

namespace lcd::cli {

CommandRun::CommandRun(const GlobalOptions& globals)
    : observer(globals.output, globals.verbosity), m_globals(globals) {}

CommandRun::~CommandRun() {
  m_interrupt_guard.reset();
  if (m_lock) {
    if (auto released = m_lock->release(); !released) {
      observer.warning("could not release the deploy lock (it expires on its own after its lease): " +
                       released.error().describe());
    }
  }
}

Result<pipeline::LockSettings> CommandRun::lock_settings(const CliConfig& config, aws::ServiceCaller& caller) {
  pipeline::LockSettings settings;
  settings.bucket = config.lock_bucket.empty() ? config.backup_bucket : config.lock_bucket;
  if (settings.bucket.empty()) {
    clients::StsClient sts(caller);
    auto identity = sts.get_caller_identity();
    if (!identity) {
      Error e = identity.error();
      e.message = "cannot name the default deploy-lock bucket without the account (STS GetCallerIdentity): " +
                  e.message + " (set [lock] bucket in lambda-cd.toml, or pass --no-lock)";
      return fail(std::move(e));
    }
    settings.bucket = pipeline::default_lock_bucket(identity->account, config.region);
  }
  settings.key = pipeline::lock_key(config.project.function.name, config.region);
  settings.region = config.region;
  settings.wait = config.lock_wait;
  settings.lease = config.lock_lease;
  return settings;
}

Result<std::unique_ptr<CommandRun>> CommandRun::open(const GlobalOptions& globals, const RunNeeds& needs) {
  std::error_code ec;
  auto cwd = std::filesystem::current_path(ec);
  if (ec) return fail(ErrorKind::io, "cannot read the current directory: " + ec.message());
  auto loaded = load_cli_config(globals, process_env(), cwd, needs.config_file);
  if (!loaded) return fail(loaded.error());
  std::unique_ptr<CommandRun> run(new CommandRun(globals));
  run->config = std::move(*loaded);
  auto& config = run->config;
  if (!needs.function_override.empty()) config.project.function.name = needs.function_override;
  if (needs.function_name && config.project.function.name.empty()) {
    return pipeline::config_error("no function name: set [function] name in lambda-cd.toml (or --function)");
  }

  std::string target_id;
  if (config.local) {
    if (needs.endpoint && !endpoint_listening(config.endpoint_url)) {
      if (config.endpoint_from_user) {
        Error e{ErrorKind::network, "no local endpoint is listening at " + config.endpoint_url +
                                        "; start one with `lambda-cd local --port " +
                                        config.endpoint_url.substr(config.endpoint_url.rfind(':') + 1) +
                                        "` (or drop --endpoint-url to let lambda-cd start one for this command)"};
        return fail(std::move(e));
      }
      auto started = EmbeddedEndpoint::start(config.local_state_dir);
      if (!started) return fail(started.error());
      run->m_embedded = std::move(*started);
      config.endpoint_url = run->m_embedded->url();
      config.project.target.endpoint_url = config.endpoint_url;
    }
    // One endpoint holds every region and account: each is a target of its own.
    const std::string where = " " + config.region + " " + config.project.target.local_access_key_id;
    if (!needs.endpoint) {
      run->target_description = "local (state " + config.local_state_dir.string() + ")";
      target_id = "local state:" + config.local_state_dir.string() + where;
    } else if (run->m_embedded) {
      run->target_description = "local endpoint " + config.endpoint_url + " (state " +
                                config.local_state_dir.string() + ", started for this command)";
      target_id = "local state:" + config.local_state_dir.string() + where;
    } else {
      run->target_description = "local endpoint " + config.endpoint_url;
      target_id = "local " + config.endpoint_url + where;
    }
  } else {
    run->target_description = "AWS " + config.region + ", profile " +
                              (config.profile.empty() ? std::string("default") : config.profile);
    if (!config.endpoint_url.empty()) run->target_description += ", endpoint " + config.endpoint_url;
    target_id = "aws " + config.region + " " + config.endpoint_url;
  }
  run->observer.line(run->target_description);

  if (needs.endpoint) {
    auto caller = make_service_caller(config, run->observer, globals.verbosity);
    if (!caller) return fail(caller.error());
    run->m_caller = std::move(*caller);
  } else {
    struct NoCaller : aws::ServiceCaller {
      Result<aws::ServiceResponse> call(const aws::ServiceRequest& r) override {
        return fail(ErrorKind::internal, "command made an AWS call (" + r.operation + ") it declared it would not");
      }
    };
    run->m_caller = std::make_unique<NoCaller>();
  }
  if (needs.role && needs.endpoint && !config.project.function.role.empty() &&
      !pipeline::is_arn(config.project.function.role)) {
    clients::StsClient sts(*run->m_caller);
    auto arn = pipeline::resolve_role(config.project.function.role, sts);
    if (!arn) return fail(arn.error());
    if (globals.verbosity > 0) run->observer.message("role " + config.project.function.role + " is " + *arn);
    config.project.function.role = *arn;
  }
  run->m_lambda = std::make_unique<clients::LambdaClient>(*run->m_caller);
  run->m_ctx = std::make_unique<pipeline::StepContext>(pipeline::StepContext{
      config.project, *run->m_lambda, system_clock(), run->observer, run->m_launcher, {}, {}, target_id});
  if (needs.endpoint) {
    run->m_cloudwatch = std::make_unique<clients::CloudWatchClient>(*run->m_caller);
    run->m_ctx->cloudwatch = run->m_cloudwatch.get();
  }
  if (needs.endpoint && !config.backup_bucket.empty()) {
    run->m_s3 = std::make_unique<clients::S3Client>(*run->m_caller);
    run->m_artifacts = std::make_unique<pipeline::BackupContext>(
        pipeline::BackupContext{*run->m_s3, system_clock(), run->observer, config.backup_bucket, config.region});
    run->m_ctx->artifacts = run->m_artifacts.get();
  }
  if (needs.endpoint) {
    auto lock_caller = make_sibling_caller(*run->m_caller, run->m_lock_observer, 0, config.retry_budget);
    if (!lock_caller) return fail(lock_caller.error());
    run->m_lock_caller = std::move(*lock_caller);
    run->m_lock_s3 = std::make_unique<clients::S3Client>(*run->m_lock_caller);
  }
  // A stack command in a project without a function has nothing to lock.
  if (needs.endpoint && !needs.lock_command.empty() && !config.lock_disabled && !config.project.function.name.empty()) {
    auto settings = lock_settings(config, *run->m_lock_caller);
    if (!settings) return fail(settings.error());
    pipeline::LockRecord me;
    me.owner = pipeline::current_lock_owner();
    me.command = needs.lock_command;
    me.build = needs.lock_build;
    auto lock = pipeline::DeployLock::acquire(*run->m_lock_s3, system_clock(), run->observer, *settings, me);
    if (!lock) return fail(lock.error());
    run->m_lock = std::move(*lock);
    run->m_lock->start_renewing(std::chrono::duration_cast<std::chrono::milliseconds>(settings->lease) / 3);
    run->m_ctx->lock = run->m_lock.get();
    pipeline::DeployLock* held = run->m_lock.get();
    run->m_interrupt_guard = std::make_unique<InterruptGuard>([held] { (void)held->release(); });
    run->observer.message("holding the deploy lock s3://" + settings->bucket + "/" + settings->key);
  }
  return run;
}

int finish_ok(const GlobalOptions& globals, const std::string& command, const std::string& target,
              const nlohmann::json& result) {
  if (globals.output == OutputFormat::json) {
    nlohmann::json doc{{"command", command}, {"ok", true}, {"result", result}};
    if (!target.empty()) doc["target"] = target;
    std::printf("%s\n", doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fflush(stdout);
  }
  return 0;
}

int finish_error(const GlobalOptions& globals, const std::string& command, const Error& error,
                 const nlohmann::json* partial) {
  const bool usage = error.code == pipeline::k_config_error;
  std::string text = usage ? error.message : error.describe();
  std::fprintf(stderr, "lambda-cd: error: %s\n", text.c_str());
  std::fflush(stderr);
  if (globals.output == OutputFormat::json) {
    nlohmann::json e{{"message", text}, {"kind", to_string(error.kind)}};
    if (!error.code.empty() && !usage) e["code"] = error.code;
    if (error.http_status) e["http_status"] = error.http_status;
    nlohmann::json doc{{"command", command}, {"ok", false}, {"error", e}};
    if (partial) doc["result"] = *partial;
    std::printf("%s\n", doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fflush(stdout);
  }
  return usage ? 2 : 1;
}

}  // namespace lcd::cli
