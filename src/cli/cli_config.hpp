#pragma once
// The merged configuration of one run. Precedence, highest first: command-line flag >
// environment (LAMBDA_CD_*, AWS_*) > lambda-cd.toml > AWS shared config file > defaults.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/global_options.hpp"
#include "pipeline/project_config.hpp"
#include "pipeline/stack_step.hpp"
#include "util/result.hpp"

namespace lcd::cli {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_env();

inline constexpr const char* k_default_local_endpoint = "http://127.0.0.1:4566";
inline constexpr std::chrono::milliseconds k_default_retry_budget{180000};

struct CliConfig {
  pipeline::ProjectConfig project;
  std::filesystem::path config_file;  // empty when none was found
  bool local = true;
  std::string endpoint_url;           // local: always set; aws: only when overridden
  bool endpoint_from_user = false;    // flag, env or toml named it (never start an embedded endpoint then)
  std::string region;
  std::string profile;
  // The profile came from AWS_PROFILE alone: src/aws reads it as the SDKs do (environment keys still
  // win over it), rather than as an explicitly named profile (--profile, [target] profile).
  bool profile_from_aws_env = false;
  std::filesystem::path local_state_dir;  // [local] state, default <project>/.lambda-cd/local
  // [backup] bucket (or LAMBDA_CD_BACKUP_BUCKET): published builds are backed up there and packages
  // over the 50 MB direct-upload limit are staged there. Empty when not configured.
  std::string backup_bucket;
  // [lock]: the deploy lock's bucket (default: the [backup] bucket), how long a second run waits
  // for it (wait, --lock-timeout) and the lease a holder renews (lease; a dead holder's lock is taken
  // over after it). --no-lock runs without one.
  std::string lock_bucket;
  std::chrono::milliseconds lock_wait{std::chrono::minutes(10)};
  std::chrono::seconds lock_lease{120};
  bool lock_disabled = false;
  // [stack]: name (default "<function name>-stack"), template (default "template.yaml"),
  // [stack.parameters], capabilities.
  pipeline::StackSettings stack;
  // [retry] budget (LAMBDA_CD_RETRY_BUDGET, --retry-budget): how long one AWS call keeps retrying
  // throttles, 5xx and dropped connections before it fails; 0 keeps the SDKs' 3 attempts.
  std::chrono::milliseconds retry_budget = k_default_retry_budget;
};

// Reads lambda-cd.toml (from --config, LAMBDA_CD_CONFIG, or the nearest one at or above `cwd`).
// A missing file is an error only when `require_file`. Errors carry code pipeline::k_config_error.
Result<CliConfig> load_cli_config(const GlobalOptions& globals, const EnvLookup& env,
                                  const std::filesystem::path& cwd, bool require_file);

// Parses the TOML text alone into `config` (exposed for tests); `source` names it in errors.
Result<void> apply_toml(const std::string& text, const std::string& source, CliConfig& config);

// Region of `profile` from the AWS shared config file (AWS_CONFIG_FILE or ~/.aws/config); empty if none.
std::string region_from_aws_config(const std::string& profile, const EnvLookup& env);

}  // namespace lcd::cli
