#pragma once
// `status`: $LATEST, the published versions with their builds, each alias with its version,
// build and recent history, and (with an artifact bucket) the backed-up builds. Read-only.

#include <string>
#include <vector>

#include "pipeline/backup_store.hpp"
#include "pipeline/step_context.hpp"

namespace lcd::pipeline {

struct VersionStatus {
  std::string version;
  std::vector<std::string> builds;
  std::string code_sha256;
  std::string description;
  std::string last_modified;
};

struct AliasStatus {
  std::string name;
  std::string version;
  std::string build;
  std::vector<std::string> history;  // previous versions, most recent first
  std::map<std::string, double> additional_version_weights;
};

// The backed-up builds in the artifact bucket. Listing them never fails `status`: when it cannot
// be done, `error` says why and the rest of the report stands.
struct BackupsStatus {
  bool configured = false;  // a bucket is configured
  std::string bucket;
  std::vector<BackupManifest> builds;
  std::string error;        // non-empty: the builds could not be listed
};

struct StatusReport {
  std::string function_name;
  bool exists = false;
  std::string function_arn;
  std::string latest_code_sha256;
  std::string latest_revision_id;
  std::string latest_last_modified;
  std::string state;
  std::string last_update_status;
  std::vector<VersionStatus> versions;
  std::vector<AliasStatus> aliases;
  BackupsStatus backups;
};

Result<StatusReport> run_status(StepContext& ctx);

}  // namespace lcd::pipeline
