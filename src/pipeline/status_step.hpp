#pragma once
// `status`: $LATEST, the published versions with their builds, each alias with its version,
// build and recent history, a traffic shift in progress, its recent invocations and error rate
// from CloudWatch, and (with an artifact bucket) the backed-up builds. Read-only.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "pipeline/alias_history.hpp"
#include "pipeline/backup_store.hpp"
#include "pipeline/code_storage.hpp"
#include "pipeline/step_context.hpp"

namespace lcd::pipeline {

struct VersionStatus {
  std::string version;
  std::vector<std::string> builds;
  std::string code_sha256;
  std::string description;
  std::string last_modified;
};

// AWS/Lambda Invocations and Errors summed over the status window for Resource=<fn>:<alias>.
struct AliasMetrics {
  double invocations = 0;
  double errors = 0;
  double error_rate() const { return invocations > 0 ? errors / invocations : 0.0; }
};

struct AliasStatus {
  std::string name;
  std::string version;
  std::string build;
  std::vector<std::string> history;  // previous versions, most recent first
  std::map<std::string, double> additional_version_weights;
  std::optional<ShiftRecord> shift;  // a traffic shift in progress
  int shift_percent = 0;             // the share the shift's version has now
  std::optional<AliasMetrics> metrics;
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
  std::chrono::minutes metrics_window{0};
  std::string metrics_error;  // non-empty: metrics could not be read, and why (the rest stands)
  BackupsStatus backups;
  // The account's code storage in this region (GetAccountSettings); like backups, never fails `status`.
  std::optional<CodeStorage> code_storage;
  std::string code_storage_error;
};

inline constexpr std::chrono::minutes k_status_metrics_window{15};

// Metrics are read only when ctx.cloudwatch is set; `metrics_window` is how far back they go.
Result<StatusReport> run_status(StepContext& ctx, std::chrono::minutes metrics_window = k_status_metrics_window);

}  // namespace lcd::pipeline
