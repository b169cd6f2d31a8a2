#pragma once
// Prune as a step of a command (`prune`, and `pipeline --prune` after a successful promote).

#include "pipeline/prune_step.hpp"
#include "util/result.hpp"

namespace lcd::cli {

class CommandRun;

// run_prune through the observer as the step "prune".
Result<pipeline::PruneOutcome> run_observed_prune(CommandRun& run, const pipeline::PruneOptions& options);

}  // namespace lcd::cli
