#pragma once
// `prune`: deletes old published versions so the account's code storage never fills up. Never
// `$LATEST`, never a version any alias references (primary or routing weight), never the `keep`
// newest, never one younger than `older_than`; says what it kept and why. A version an alias starts
// to reference between listing and deleting makes Lambda answer 409: it is skipped, not an error.
// With `backups`, the backed-up builds in the artifact bucket go by the same rules.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "clients/lambda_types.hpp"
#include "pipeline/backup_store.hpp"
#include "pipeline/step_context.hpp"

namespace lcd::pipeline {

struct PruneOptions {
  int keep = 10;                                         // newest versions always kept
  std::optional<std::chrono::milliseconds> older_than;   // only versions older than this go
  bool dry_run = false;
  bool backups = false;  // also delete the backups of builds whose versions are not kept
};

struct PruneDecision {
  std::string version;
  std::vector<std::string> builds;
  int64_t code_size = 0;
  std::string last_modified;
  bool remove = false;
  std::vector<std::string> kept_because;  // "alias PROD", "alias STAGE (routing 10%)", "newest 5", "younger than 30d"
};

// Pure: `versions` are the published versions (any order), `aliases` every alias of the function.
std::vector<PruneDecision> plan_prune(const std::vector<clients::FunctionConfiguration>& versions,
                                      const std::map<std::string, std::vector<std::string>>& builds_by_version,
                                      const std::vector<clients::AliasConfiguration>& aliases,
                                      const PruneOptions& options, std::chrono::system_clock::time_point now);

// Pure: the backups that go when the versions in `kept_versions` stay (same rules: the backups of
// kept versions stay, the `keep` newest builds stay, and with `older_than` younger ones stay).
std::vector<BackupManifest> plan_backup_prune(const std::vector<BackupManifest>& backups,
                                              const std::vector<std::string>& kept_versions,
                                              const PruneOptions& options, std::chrono::system_clock::time_point now);

struct PruneOutcome {
  bool dry_run = false;
  std::vector<PruneDecision> decisions;                      // ascending by version
  std::vector<std::string> deleted;                          // versions actually deleted
  std::vector<std::pair<std::string, std::string>> skipped;  // version, why (409, already gone)
  int64_t bytes_freed = 0;
  std::vector<std::string> backups_deleted;                  // builds whose backups were deleted
  std::string backups_error;                                 // non-empty: backups were not pruned
};

Result<PruneOutcome> run_prune(StepContext& ctx, const PruneOptions& options);

// "deleted 12 versions (3.2 MB), kept 8: ..." for the step line.
std::string summarize(const PruneOutcome& outcome);

// Lambda's LastModified ("2019-08-14T22:26:11.234+0000"); nullopt when unreadable.
std::optional<std::chrono::system_clock::time_point> parse_lambda_time(const std::string& text);

}  // namespace lcd::pipeline
