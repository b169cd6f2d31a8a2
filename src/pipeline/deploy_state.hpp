#pragma once
// What deploy saw and itest proved, kept between separate command runs in
// <project>/.lambda-cd/state.json so that publish can guard on it.

#include <filesystem>
#include <string>

#include "util/result.hpp"

namespace lcd::pipeline {

enum class ItestResult { not_run, passed, failed };

struct DeployState {
  std::string function_name;
  std::string target;        // "local http://..." or "aws <region>": a state from another target is ignored
  std::string code_sha256;   // $LATEST CodeSha256 after deploy
  std::string revision_id;   // $LATEST RevisionId after deploy settled
  int64_t deployed_at_ms = 0;
  ItestResult itest = ItestResult::not_run;
  std::string itest_revision_id;  // the RevisionId integration tests ran against
  std::string last_published_build;
  std::string last_published_version;
};

// Missing file: a default (empty) state. Corrupt file: an error naming the file.
Result<DeployState> load_deploy_state(const std::filesystem::path& state_dir);
Result<void> save_deploy_state(const std::filesystem::path& state_dir, const DeployState& state);

}  // namespace lcd::pipeline
