#pragma once
// Response shapes: FunctionConfiguration (aws-api-notes §2.1) and AliasConfiguration (§2.8).

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

#include "local/lambda_store.hpp"

namespace lcd::local {

enum class FunctionPhase { ready, creating, updating };

FunctionPhase phase_of(const FunctionRow& row, int64_t now_ms);

// $LATEST. `qualified` renders FunctionArn with ":$LATEST" (ListVersionsByFunction, Qualifier=$LATEST).
// `for_list` omits the State*/LastUpdateStatus* members as ListFunctions does.
nlohmann::json render_latest(const FunctionRow& row, const std::string& account, int64_t now_ms, bool qualified,
                             bool for_list = false);
nlohmann::json render_version(const VersionRow& row, const std::string& account, bool for_list = false);
nlohmann::json render_alias(const AliasRow& row, const std::string& account);

// Identity of what $LATEST would publish: its whole configuration and code.
std::string source_hash(const std::string& spec_json, const std::string& code_sha256);

}  // namespace lcd::local
