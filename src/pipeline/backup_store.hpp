#pragma once
// Backups of published builds in S3, and packages too large to send to Lambda directly.
//
// Layout in the configured bucket:
//   <function>/builds/<N>/package.zip    the exact zip published as build N
//   <function>/builds/<N>/manifest.json  written last: a manifest means the backup is complete
//   <function>/packages/<sha256 hex>.zip large packages staged for CreateFunction/UpdateFunctionCode
// `restore --build N` brings a backed-up build back to $LATEST (creating the function from the
// configuration if it was deleted) and publishes it as a version for build N.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "clients/s3_client.hpp"
#include "pipeline/publish_step.hpp"
#include "pipeline/step_context.hpp"

namespace lcd::pipeline {

struct BackupManifest {
  std::string function_name;
  std::string build;
  std::string version;
  std::string code_sha256;  // base64(sha256(zip)), as Lambda reports it
  int64_t zip_size = 0;
  std::string created_at;   // ISO 8601 UTC, e.g. 2026-11-26T12:00:00.000Z
  std::string git_commit;   // empty when unknown
  std::string bucket;
  std::string zip_key;
};

std::string backup_prefix(const std::string& function_name, const std::string& build);  // "<fn>/builds/<N>/"
std::string backup_zip_key(const std::string& function_name, const std::string& build);
std::string backup_manifest_key(const std::string& function_name, const std::string& build);
std::string staged_package_key(const std::string& function_name, const std::string& code_sha256);
std::string s3_url(const std::string& bucket, const std::string& key);  // "s3://bucket/key"

std::string manifest_to_json(const BackupManifest& manifest);
Result<BackupManifest> parse_manifest(const std::string& json);

// base64(sha256(bytes)), Lambda's CodeSha256.
std::string lambda_code_sha256(std::string_view bytes);

struct BackupContext {
  clients::S3Client& s3;
  Clock& clock;
  Observer& observer;
  std::string bucket;
  std::string region;  // for CreateBucket when the bucket does not exist yet
};

// HeadBucket; creates the bucket when it does not exist.
Result<void> ensure_bucket(BackupContext& backup);

struct BackupRequest {
  std::string function_name;
  std::string build;
  std::string version;
  std::string code_sha256;  // what was published; the zip must hash to it
  std::filesystem::path zip_path;
  std::string git_commit;
};
// Uploads the zip (multipart when large, progress through the observer), then the manifest.
// Refuses a zip whose CodeSha256 is not the published one.
Result<BackupManifest> store_backup(BackupContext& backup, const BackupRequest& request);

// After `publish`: backs up the package deploy left at `zip_path` (normally
// <project>/.lambda-cd/package.zip) as build `published.build`, with the git commit of the project.
Result<BackupManifest> backup_published_build(StepContext& ctx, BackupContext& backup, const PublishOutcome& published,
                                              const std::filesystem::path& zip_path);

// Every backed-up build of the function (those with a manifest), ordered by build (numerically when numbers).
Result<std::vector<BackupManifest>> list_backups(BackupContext& backup, const std::string& function_name);
// not_found naming the backed-up builds when build N has no backup.
Result<BackupManifest> load_backup(BackupContext& backup, const std::string& function_name, const std::string& build);

// For a package over the direct-upload limit: uploads it (multipart, progress through the
// observer) to <function>/packages/<sha>.zip in the bucket and returns the S3 code location to
// put in CreateFunctionRequest::code / UpdateFunctionCodeRequest::code. Skips the upload when an
// object of the same size is already there. Errors with the config code when no bucket is set.
Result<clients::FunctionCode> stage_large_package(BackupContext& backup, const std::string& function_name,
                                                  const std::filesystem::path& zip_path,
                                                  const std::string& code_sha256);

// `git rev-parse HEAD` in `dir`; empty when not a repository or git is missing.
std::string git_head_commit(ProcessLauncher& launcher, const std::filesystem::path& dir);

struct RestoreOutcome {
  std::string build;
  std::string version;
  std::string code_sha256;
  bool function_created = false;  // the function was gone and was created from the configuration
  bool code_uploaded = false;     // false: $LATEST already had this code
  bool via_s3 = false;            // the zip was handed to Lambda as an S3 location
  bool reused_version = false;    // Lambda returned an existing version for this code; recorded as a tag
};

Result<RestoreOutcome> run_restore(StepContext& ctx, BackupContext& backup, const std::string& build);

}  // namespace lcd::pipeline
