#pragma once
// Backups of published builds in the configured bucket ([backup] bucket in lambda-cd.toml).

#include <optional>
#include <string>

#include "cli/cli_config.hpp"
#include "pipeline/backup_store.hpp"
#include "pipeline/publish_step.hpp"
#include "util/result.hpp"

namespace lcd::cli {

class CommandRun;

// [backup] bucket of lambda-cd.toml; empty when not configured.
Result<std::string> load_backup_bucket(const CliConfig& config);

// After a successful publish: stores the published package and its manifest in the configured bucket.
// nullopt when no bucket is configured or the publish was a dry run.
Result<std::optional<pipeline::BackupManifest>> back_up_published_build(CommandRun& run, int verbosity,
                                                                         const pipeline::PublishOutcome& published);

}  // namespace lcd::cli
