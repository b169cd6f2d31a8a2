#pragma once
// `promote ALIAS` and `rollback ALIAS`: move an alias with compare-and-swap on its RevisionId
// (a concurrent move fails and leaves the alias as the other writer left it). The alias's previous
// targets travel in its own Description (see alias_history.hpp), so rollback works from any checkout.
// The move follows the release policy ([release], [release.ALIAS], --strategy): all at once, or a
// gated canary/linear traffic shift (traffic_shift.hpp) that rolls back on the first tripped gate.

#include <optional>
#include <string>
#include <vector>

#include "pipeline/step_context.hpp"
#include "pipeline/traffic_shift.hpp"

namespace lcd::pipeline {

struct PromoteTarget {
  std::string build;       // --build N
  std::string version;     // --version V
  std::string from_alias;  // --from OTHER
};

struct AliasMove {
  std::string alias;
  std::string from_version;  // empty when the alias was created
  std::string to_version;
  std::string build;         // build of to_version, empty when unknown
  std::vector<std::string> history;  // previous versions after the move, most recent first
  bool created = false;
  bool unchanged = false;  // already there; nothing sent
  bool dry_run = false;
  std::string strategy;     // canonical strategy text, e.g. "canary:10:5m"
  std::string gates;        // the gates watched, as text
  std::optional<ShiftReport> shift;  // what the traffic shift did (absent for dry runs and no-ops)
  bool undid_shift = false;  // rollback: a shift in progress was undone
};

struct PromoteOptions {
  std::string strategy;  // --strategy; empty: the release configuration's
  bool dry_run = false;
  ShiftOptions shift;
};

Result<AliasMove> run_promote(StepContext& ctx, const std::string& alias, const PromoteTarget& target,
                              const PromoteOptions& options);
inline Result<AliasMove> run_promote(StepContext& ctx, const std::string& alias, const PromoteTarget& target,
                                     bool dry_run) {
  PromoteOptions options;
  options.dry_run = dry_run;
  return run_promote(ctx, alias, target, options);
}
// Puts the alias back on the version before its last move; a shift in progress is undone instead.
Result<AliasMove> run_rollback(StepContext& ctx, const std::string& alias, bool dry_run);

}  // namespace lcd::pipeline
