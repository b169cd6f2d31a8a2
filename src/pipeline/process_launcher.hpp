#pragma once
// Seam for running user commands (test suites), so tests can fake them.

#include "util/subprocess.hpp"

namespace lcd::pipeline {

class ProcessLauncher {
 public:
  virtual ~ProcessLauncher() = default;
  virtual Result<ProcessResult> run(const ProcessSpec& spec) = 0;
};

class SystemProcessLauncher final : public ProcessLauncher {
 public:
  Result<ProcessResult> run(const ProcessSpec& spec) override { return run_process(spec); }
};

}  // namespace lcd::pipeline
