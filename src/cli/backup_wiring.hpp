#pragma once
// Backups of published builds in the configured bucket ([backup] bucket in lambda-cd.toml).

#include <optional>

#include "pipeline/backup_store.hpp"
#include "pipeline/publish_step.hpp"
#include "util/result.hpp"

namespace lcd::cli {

class CommandRun;

// After a successful publish: stores the published package and its manifest in the configured bucket.
// nullopt when no bucket is configured or the publish was a dry run.
Result<std::optional<pipeline::BackupManifest>> back_up_published_build(CommandRun& run,
                                                                         const pipeline::PublishOutcome& published);

}  // namespace lcd::cli
