#pragma once
// An alias's previous targets, kept in the alias's own Description so that the history moves
// atomically with the alias (same UpdateAlias call, guarded by RevisionId) and is readable from a
// fresh checkout:  "lambda-cd build=42 history=7,6,5"  (newest previous target first).
// A traffic shift in progress adds its state, so another process can show, resume or undo it:
// "lambda-cd build=41 shift=8,42,1795694400,1795694410,3fa2c1 history=7,6,5".
// Description is limited to 256 characters; the oldest history entries are dropped to fit.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lcd::pipeline {

// A shift of traffic from the alias's version to `to_version` that has not finished.
struct ShiftRecord {
  std::string to_version;
  std::string to_build;  // empty when unknown
  int64_t started = 0;   // epoch seconds: the first weight on to_version
  int64_t stepped = 0;   // epoch seconds: the latest weight change
  std::string run;       // identifies the process that wrote it (tells two writers apart)
};

struct AliasHistory {
  std::string build;                  // build of the current target, empty when unknown
  std::vector<std::string> previous;  // versions, most recent first
  bool managed = false;               // the Description was written by lambda-cd
  std::optional<ShiftRecord> shift;   // a traffic shift in progress
};

AliasHistory parse_alias_description(const std::string& description);
std::string format_alias_description(const AliasHistory& history);

// After moving from `current_version` to a new target with build `new_build`.
AliasHistory history_after_promote(const AliasHistory& before, const std::string& current_version,
                                   const std::string& new_build);

inline constexpr size_t k_alias_description_max = 256;

}  // namespace lcd::pipeline
