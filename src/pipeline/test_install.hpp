#pragma once
// [test] install: the command that installs what the test suites need (e.g. `npm ci`), run before
// them and skipped while nothing it depends on changed, the way production dependencies are cached
// by lockfile hash. Its key covers the command, package.json and every lockfile the project has
// (package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml); after a successful run the key
// is stamped in .lambda-cd/test-install.json together with a digest of what the command left
// installed (node_modules/.package-lock.json, npm's record of the installed tree; else the
// node_modules listing), so a deleted or changed node_modules runs it again.

#include <chrono>
#include <filesystem>
#include <string>

#include "pipeline/step_context.hpp"

namespace lcd::pipeline {

struct TestInstallOutcome {
  bool configured = false;  // [test] install is set
  bool ran = false;         // false: skipped, its inputs unchanged
  std::string key;          // hex sha256 of the inputs
  std::chrono::milliseconds duration{0};
};

// Runs [test] install when its key or the installed tree changed; its output goes to the observer as
// `step`'s command output. A failing command is a step failure (kind io) naming the command; the stamp
// is then removed so the next run installs again.
Result<TestInstallOutcome> ensure_test_dependencies(StepContext& ctx, const std::string& step);

// The key of the inputs (pure apart from reading the project's files).
Result<std::string> test_install_key(const std::filesystem::path& root, const std::string& command);
// The digest of what is installed now ("" when node_modules is absent).
std::string installed_tree_digest(const std::filesystem::path& root);

}  // namespace lcd::pipeline
