#pragma once
// `status`: $LATEST, the published versions with their builds, each alias with its version,
// build and recent history. Read-only.

#include <string>
#include <vector>

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
};

Result<StatusReport> run_status(StepContext& ctx);

}  // namespace lcd::pipeline
