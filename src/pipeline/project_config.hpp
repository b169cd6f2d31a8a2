#pragma once
// The project's settings as the pipeline needs them, already merged from flags, environment,
// lambda-cd.toml and defaults by the CLI.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lcd::pipeline {

struct FunctionSettings {
  std::string name;
  std::string runtime = "nodejs20.x";
  std::string handler = "index.handler";
  std::string role;  // required on AWS; a dummy role is used for the local endpoint
  std::optional<int> memory;
  std::optional<int> timeout;
  std::optional<std::string> description;
  std::optional<std::map<std::string, std::string>> environment;
};

struct PackageSettings {
  std::vector<std::string> include;
  std::vector<std::string> exclude;
};

struct TestSettings {
  std::string install;            // shell command run first when its inputs changed, e.g. "npm ci" (test_install.hpp)
  std::string unit;               // shell command, e.g. "npm test"
  std::string integration;        // shell command
  std::string unit_junit;         // path (relative to the project) the unit command writes itself, if any
  std::string integration_junit;  // likewise for the integration command
};

struct AliasSettings {
  std::string stage = "STAGE";
  std::string prod = "PROD";
};

// Where requests go; handed to the integration tests as environment.
struct TargetSettings {
  bool local = true;
  std::string endpoint_url;  // empty on AWS without an override
  std::string region = "us-east-1";
  std::string profile;
  // Credentials passed to integration tests for the local endpoint only (dummy values).
  std::string local_access_key_id = "test";
  std::string local_secret_access_key = "test";
};

// [release] (every alias) and [release.<ALIAS>] (that alias, key by key): how `promote` moves an
// alias and what it watches (traffic_shift_plan.hpp). Unset keys fall back to the defaults there.
struct ReleaseSettings {
  std::optional<std::string> strategy;
  std::optional<std::vector<std::string>> alarms;
  std::optional<double> max_error_rate;
  std::optional<int> min_invocations;
  std::optional<std::string> before_traffic;
  std::optional<std::string> after_traffic;
};

struct ReleaseConfig {
  ReleaseSettings defaults;
  std::map<std::string, ReleaseSettings> per_alias;
};

struct PruneSettings {
  int keep = 10;  // [prune] keep: newest versions `prune` never deletes
};

struct ProjectConfig {
  std::filesystem::path root;  // folder holding lambda-cd.toml
  FunctionSettings function;
  PackageSettings package;
  TestSettings tests;
  AliasSettings aliases;
  TargetSettings target;
  ReleaseConfig release;
  PruneSettings prune;
  std::filesystem::path reports_dir() const { return root / "reports"; }
  std::filesystem::path state_dir() const { return root / ".lambda-cd"; }
};

// Error code marking configuration problems (the CLI exits 2 for these, 1 for failed steps).
inline constexpr const char* k_config_error = "lambda-cd.config";

}  // namespace lcd::pipeline
