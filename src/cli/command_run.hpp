#pragma once
// One command's run: merged configuration, the target (starting an embedded local endpoint when
// needed), the Lambda client, the observer, and the StepContext the pipeline steps take.

#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "cli/cli_config.hpp"
#include "cli/console_observer.hpp"
#include "cli/embedded_endpoint.hpp"
#include "clients/lambda_client.hpp"
#include "pipeline/package_builder.hpp"
#include "pipeline/step_context.hpp"

namespace lcd::clients {
class S3Client;
class CloudWatchClient;
}
namespace lcd::pipeline {
class DeployLock;
struct LockSettings;
}

namespace lcd::cli {

class InterruptGuard;  // cli/interrupt_guard.hpp

struct RunNeeds {
  bool config_file = true;    // lambda-cd.toml must exist
  bool endpoint = true;       // talks to Lambda
  bool function_name = true;  // [function] name (or --function) must be set
  bool role = false;          // creates or configures the function: a role name becomes its ARN (STS)
  std::string function_override;  // --function
  // Commands that change the function hold the deploy lock for their whole run: the command's
  // name (and build, when it has one) go into the lock object. Empty: no lock.
  std::string lock_command;
  std::string lock_build;
};

class CommandRun {
 public:
  static Result<std::unique_ptr<CommandRun>> open(const GlobalOptions& globals, const RunNeeds& needs);
  ~CommandRun();

  CliConfig config;
  ConsoleObserver observer;
  std::string target_description;  // "local endpoint http://... (state DIR)" or "AWS eu-west-1, profile default"
  pipeline::StepContext& ctx() { return *m_ctx; }
  clients::LambdaClient& lambda() { return *m_lambda; }
  // The signed AWS request layer every client of this run shares (other services: Logs, ...).
  aws::ServiceCaller& caller() { return *m_caller; }
  // The [backup] bucket over the same endpoint and credentials; null when no bucket is configured
  // (or the command talks to no endpoint). Also set as ctx().artifacts.
  pipeline::BackupContext* artifacts() { return m_artifacts.get(); }
  bool embedded() const { return m_embedded != nullptr; }
  // Where this function's deploy lock lives (bucket, key, wait, lease). With neither [lock] nor
  // [backup] bucket configured, the bucket is default_lock_bucket(account, region), the account
  // asked of STS through `caller`.
  static Result<pipeline::LockSettings> lock_settings(const CliConfig& config, aws::ServiceCaller& caller);
  // An S3 client over its own connection, for lock commands and the lock itself (not null after open
  // for commands with an endpoint).
  clients::S3Client& lock_s3() { return *m_lock_s3; }
  aws::ServiceCaller& lock_caller() { return *m_lock_caller; }
  std::unique_ptr<pipeline::PackageBuilder> make_packager();

 private:
  explicit CommandRun(const GlobalOptions& globals);
  const GlobalOptions& m_globals;
  std::unique_ptr<EmbeddedEndpoint> m_embedded;
  std::unique_ptr<aws::ServiceCaller> m_caller;
  std::unique_ptr<clients::LambdaClient> m_lambda;
  std::unique_ptr<clients::S3Client> m_s3;
  std::unique_ptr<clients::CloudWatchClient> m_cloudwatch;
  std::unique_ptr<pipeline::BackupContext> m_artifacts;
  // The lock has its own request layer: it renews on a background thread.
  pipeline::NullObserver m_lock_observer;
  std::unique_ptr<aws::ServiceCaller> m_lock_caller;
  std::unique_ptr<clients::S3Client> m_lock_s3;
  std::unique_ptr<pipeline::DeployLock> m_lock;
  std::unique_ptr<InterruptGuard> m_interrupt_guard;
  pipeline::SystemProcessLauncher m_launcher;
  std::unique_ptr<pipeline::StepContext> m_ctx;
};

// The AWS request layer for this configuration (src/aws), pointed at the endpoint or region;
// retries are reported to the observer at -v, every request at -vv (redacted by src/aws).
Result<std::unique_ptr<aws::ServiceCaller>> make_service_caller(const CliConfig& config, pipeline::Observer& observer,
                                                                int verbosity);

// A second caller for another thread (the deploy lock's renewals): its own connection and retry
// budget, the same endpoint and the same credentials (resolved once: an MFA code or an AssumeRole
// is not asked for twice).
Result<std::unique_ptr<aws::ServiceCaller>> make_sibling_caller(aws::ServiceCaller& caller, pipeline::Observer& observer,
                                                                int verbosity, std::chrono::milliseconds retry_budget);

// Final output. Text mode prints nothing more here; json mode prints one document on stdout:
// {"command": ..., "ok": true, "target": ..., "result": ...}. Returns exit status 0.
int finish_ok(const GlobalOptions& globals, const std::string& command, const std::string& target,
              const nlohmann::json& result);
// Prints "lambda-cd: error: ..." once on stderr (and the json document); returns 2 for usage or
// configuration errors, 1 otherwise.
int finish_error(const GlobalOptions& globals, const std::string& command, const Error& error,
                 const nlohmann::json* partial = nullptr);

}  // namespace lcd::cli
