#include "cli/backup_wiring.hpp"

#include "cli/command_run.hpp"

namespace lcd::cli {

Result<std::optional<pipeline::BackupManifest>> back_up_published_build(CommandRun& run,
                                                                         const pipeline::PublishOutcome& published) {
  if (published.dry_run || !run.artifacts()) return std::nullopt;
  auto manifest = pipeline::backup_published_build(run.ctx(), *run.artifacts(), published,
                                                   run.config.project.state_dir() / "package.zip");
  if (!manifest) {
    Error e = manifest.error();
    e.message = "version " + published.version + " is published, but its backup failed: " + e.message;
    return fail(e);
  }
  run.observer.line("backed up build " + published.build + " to " + pipeline::s3_url(manifest->bucket, manifest->zip_key));
  return std::optional<pipeline::BackupManifest>(*manifest);
}

}  // namespace lcd::cli
