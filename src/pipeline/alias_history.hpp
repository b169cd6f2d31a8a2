#pragma once
// An alias's previous targets, kept in the alias's own Description so that the history moves
// atomically with the alias (same UpdateAlias call, guarded by RevisionId) and is readable from a
// fresh checkout:  "lambda-cd build=42 history=7,6,5"  (newest previous target first).
// Description is limited to 256 characters; the oldest entries are dropped to fit.

#include <optional>
#include <string>
#include <vector>

namespace lcd::pipeline {

struct AliasHistory {
  std::string build;                  // build of the current target, empty when unknown
  std::vector<std::string> previous;  // versions, most recent first
  bool managed = false;               // the Description was written by lambda-cd
};

AliasHistory parse_alias_description(const std::string& description);
std::string format_alias_description(const AliasHistory& history);

// After moving from `current_version` to a new target with build `new_build`.
AliasHistory history_after_promote(const AliasHistory& before, const std::string& current_version,
                                   const std::string& new_build);

inline constexpr size_t k_alias_description_max = 256;

}  // namespace lcd::pipeline
