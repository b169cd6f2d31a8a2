#pragma once
// `deploy`: the package -> $LATEST. Creates the function when missing (then waits Active), skips
// the upload when $LATEST already has the package's CodeSha256, applies configuration only where
// it differs, waits LastUpdateStatus=Successful after every mutation and retries 409 "update in
// progress". Records CodeSha256 and RevisionId for publish's guard. A package over
// k_direct_upload_limit is staged in ctx.artifacts' bucket and created/updated from S3; without
// a bucket that is a configuration error.

#include <string>
#include <vector>

#include "pipeline/package_builder.hpp"
#include "pipeline/step_context.hpp"

namespace lcd::pipeline {

struct DeployOutcome {
  bool created = false;
  bool code_uploaded = false;        // false: skipped, $LATEST already had this CodeSha256
  std::vector<std::string> config_changes;  // "memory 128 -> 256", ...
  std::string code_sha256;
  std::string revision_id;
  std::string function_arn;
  bool dry_run = false;
  // The package was over the direct-upload limit: staged in the artifact bucket and handed to
  // Lambda as an S3 location (would be, for a dry run). False when the upload was skipped.
  bool via_s3 = false;
  std::string s3_location;  // s3://bucket/key when via_s3
};

Result<DeployOutcome> run_deploy(StepContext& ctx, const PackageOutput& package, bool dry_run);

// The configuration changes deploy would make to `current` (empty request when none).
clients::UpdateFunctionConfigurationRequest configuration_changes(const FunctionSettings& wanted,
                                                                  const clients::FunctionConfiguration& current,
                                                                  std::vector<std::string>& described);

}  // namespace lcd::pipeline
