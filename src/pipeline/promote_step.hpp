#pragma once
// `promote ALIAS` and `rollback ALIAS`: move an alias with compare-and-swap on its RevisionId
// (a concurrent move fails and leaves the alias as the other writer left it). The alias's previous
// targets travel in its own Description (see alias_history.hpp), so rollback works from any checkout.

#include <string>
#include <vector>

#include "pipeline/step_context.hpp"

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
};

Result<AliasMove> run_promote(StepContext& ctx, const std::string& alias, const PromoteTarget& target, bool dry_run);
Result<AliasMove> run_rollback(StepContext& ctx, const std::string& alias, bool dry_run);

}  // namespace lcd::pipeline
