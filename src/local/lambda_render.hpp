#pragma once
// Response shapes: FunctionConfiguration and AliasConfiguration with every member AWS returns for
// a zip function (service model output shapes; members and defaults as in responses recorded from
// AWS Lambda in 2025: LoggingConfig, RuntimeVersionConfig, EphemeralStorage, SnapStart, ...).

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

#include "local/lambda_store.hpp"

namespace lcd::local {

enum class FunctionPhase { ready, creating, updating };

FunctionPhase phase_of(const FunctionRow& row, int64_t now_ms);

// How a configuration is being shown.
enum class ConfigView {
  full,  // Create/Get*/Update*/PublishVersion: with State*, LastUpdateStatus*, RuntimeVersionConfig
  list,  // ListFunctions / ListVersionsByFunction entries: without those (AWS omits them in lists)
};

// $LATEST. `qualified` renders FunctionArn with ":$LATEST" (ListVersionsByFunction, Qualifier=$LATEST).
nlohmann::json render_latest(const FunctionRow& row, int64_t now_ms, bool qualified, ConfigView view = ConfigView::full);
// A published version; `arn_qualifier` replaces the version number in FunctionArn (the alias it
// was resolved through, as GetFunction by alias shows it).
nlohmann::json render_version(const VersionRow& row, int64_t now_ms, ConfigView view = ConfigView::full,
                              const std::string& arn_qualifier = "");
nlohmann::json render_alias(const AliasRow& row);

// The LoggingConfig a function has: the stored one completed with AWS's defaults (LogFormat Text,
// LogGroup /aws/lambda/<name>, levels INFO for JSON; no levels for Text).
nlohmann::json effective_logging_config(const nlohmann::json& spec, const std::string& function_name);

// "arn:aws:lambda:<region>::runtime:<64 hex>", stable per runtime and region.
std::string runtime_version_arn(const std::string& region, const std::string& runtime);

// Identity of what $LATEST would publish: its whole configuration and code.
std::string source_hash(const std::string& spec_json, const std::string& code_sha256);

}  // namespace lcd::local
