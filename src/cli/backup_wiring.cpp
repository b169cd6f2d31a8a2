#include "cli/backup_wiring.hpp"

#include <toml++/toml.h>

#include "cli/command_run.hpp"
#include "clients/s3_client.hpp"

namespace lcd::cli {

// [backup] bucket of lambda-cd.toml; empty when not configured.
Result<std::string> load_backup_bucket(const CliConfig& config) {
  if (config.config_file.empty()) return std::string();
  const std::string source = config.config_file.string();
  // Debian's toml++ is built with exceptions: a syntax error is thrown, never returned.
  toml::table root;
  try {
    root = toml::parse_file(source);
  } catch (const toml::parse_error& err) {
    return pipeline::config_error(source + ": " + std::string(err.description()));
  }
  const toml::node* n = root.get("backup");
  if (!n) return std::string();
  const toml::table* t = n->as_table();
  if (!t) return pipeline::config_error(source + ": 'backup' must be a table");
  for (const auto& [key, value] : *t) {
    if (key.str() != "bucket") {
      return pipeline::config_error(source + ": unknown key '" + std::string(key.str()) + "' in [backup]");
    }
  }
  const toml::node* b = t->get("bucket");
  if (!b) return std::string();
  if (!b->is_string()) return pipeline::config_error(source + ": [backup] bucket must be a string");
  return b->value<std::string>().value();
}

Result<std::optional<pipeline::BackupManifest>> back_up_published_build(CommandRun& run, int verbosity,
                                                                         const pipeline::PublishOutcome& published) {
  if (published.dry_run) return std::nullopt;
  auto bucket = load_backup_bucket(run.config);
  if (!bucket) return fail(bucket.error());
  if (bucket->empty()) return std::nullopt;
  auto caller = make_service_caller(run.config, run.observer, verbosity);
  if (!caller) return fail(caller.error());
  clients::S3Client s3(**caller);
  pipeline::BackupContext backup{s3, run.ctx().clock, run.observer, *bucket, run.config.region};
  auto manifest = pipeline::backup_published_build(run.ctx(), backup, published,
                                                   run.config.project.state_dir() / "package.zip");
  if (!manifest) {
    Error e = manifest.error();
    e.message = "version " + published.version + " is published, but its backup failed: " + e.message;
    return fail(e);
  }
  run.observer.line("backed up build " + published.build + " to s3://" + manifest->bucket + "/" + manifest->zip_key);
  return std::optional<pipeline::BackupManifest>(*manifest);
}

}  // namespace lcd::cli
