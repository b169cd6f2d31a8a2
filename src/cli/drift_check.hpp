#pragma once
// Reads the three descriptions of the project's function (lambda-cd.toml, the deployed function,
// the template file `stack deploy` applies) and compares them (cli/config_drift.hpp).

#include <nlohmann/json_fwd.hpp>

#include "cli/cli_config.hpp"
#include "cli/config_drift.hpp"
#include "clients/lambda_client.hpp"

namespace lcd::cli {

// A template that does not parse is a note, not an error: drift is advice.
Result<DriftReport> check_config_drift(const CliConfig& config, clients::LambdaClient& lambda);

// [{"setting", "lambda_cd_toml", "function", "template"}], values null where a source is silent.
nlohmann::json drift_json(const DriftReport& report);

// The report as lines for the console: one per setting, or "no drift" / why the template was skipped.
std::vector<std::string> drift_lines(const DriftReport& report);

}  // namespace lcd::cli
