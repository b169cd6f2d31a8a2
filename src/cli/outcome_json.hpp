#pragma once
// JSON shapes of step outcomes for `--output json`.

#include <nlohmann/json_fwd.hpp>

#include "pipeline/pipeline_runner.hpp"
#include "pipeline/prune_step.hpp"
#include "pipeline/status_step.hpp"

namespace lcd::cli {

nlohmann::json to_json(const pipeline::TestOutcome& o);
nlohmann::json to_json(const pipeline::PackageOutput& p);
nlohmann::json to_json(const pipeline::DeployOutcome& d);
nlohmann::json to_json(const pipeline::PublishOutcome& p);
nlohmann::json to_json(const pipeline::AliasMove& m);
nlohmann::json to_json(const pipeline::BackupManifest& m);
nlohmann::json to_json(const pipeline::BackupsStatus& b);
nlohmann::json to_json(const pipeline::StatusReport& s);
nlohmann::json to_json(const pipeline::PipelineReport& r);
nlohmann::json to_json(const pipeline::PruneOutcome& p);

}  // namespace lcd::cli
