#pragma once
// Everything a pipeline step needs, passed explicitly (I/O seams are interfaces).

#include <cstdint>

#include "clients/lambda_client.hpp"
#include "clients/lambda_waiters.hpp"
#include "pipeline/observer.hpp"
#include "pipeline/process_launcher.hpp"
#include "pipeline/project_config.hpp"
#include "util/clock.hpp"

namespace lcd::clients {
class CloudWatchClient;  // clients/cloudwatch_client.hpp
}

namespace lcd::pipeline {

struct BackupContext;  // pipeline/backup_store.hpp
class DeployLock;      // pipeline/deploy_lock.hpp

// Lambda's limit for a zip sent in the request body (ZipFile); larger packages go through S3.
inline constexpr int64_t k_direct_upload_limit = 50LL * 1024 * 1024;

struct StepContext {
  const ProjectConfig& config;
  clients::LambdaClient& lambda;
  Clock& clock;
  Observer& observer;
  ProcessLauncher& launcher;
  clients::WaitPolicy wait{};
  clients::ConflictRetry conflict_retry{};
  // Identifies the target in the state file: a deploy to one target never guards another's publish.
  std::string target_id;
  // The artifact bucket ([backup] bucket): large packages are staged there and `status` lists the
  // backed-up builds from it. Null when no bucket is configured.
  BackupContext* artifacts = nullptr;
  // CloudWatch over the same endpoint and credentials: release gates and `status` metrics. Null
  // when the command does not read metrics.
  clients::CloudWatchClient* cloudwatch = nullptr;
  // The deploy lock this run holds, checked before every step (observed_step): a run that lost it
  // stops instead of changing the function beside another. Null when the command takes none.
  DeployLock* lock = nullptr;
};

// A step failed for a reason that is not a configuration error: exit status 1.
inline tl::unexpected<Error> step_failed(std::string message, ErrorKind kind = ErrorKind::invalid) {
  return fail(kind, std::move(message));
}
inline tl::unexpected<Error> config_error(std::string message) {
  Error e{ErrorKind::invalid, std::move(message)};
  e.code = k_config_error;
  return fail(std::move(e));
}

}  // namespace lcd::pipeline
