#pragma once
// Shared fixture for the execution-engine tests: real node processes running handlers written to
// temp dirs and zipped with the `zip` command.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "local/runtime/invoke_engine.hpp"
#include "util/file_io.hpp"

namespace lcd::local::runtime::testing {

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Writes `files` (path -> content) into a fresh package dir, zips it and returns a snapshot
  // for it (name "fn", $LATEST, nodejs20.x, index.handler, 128 MB, 3 s).
  FunctionSnapshot make_function(const std::map<std::string, std::string>& files, const std::string& handler = "index.handler",
                                 const std::string& runtime = "nodejs20.x");
  InvokeRequest request(const FunctionSnapshot& f, const std::string& payload = "{}");
  InvokeEngine& engine();
  // Rebuilds the engine with changed options (the old one is shut down first).
  void restart(EngineOptions options);
  EngineOptions default_options() const;
  std::string read_log(const std::string& function_name) const;

  std::unique_ptr<TempDir> m_dir;
  std::unique_ptr<InvokeEngine> m_engine;
  int m_package_counter = 0;
};

// nlohmann-free helpers for assertions on JSON text.
std::string json_field(const std::string& json_text, const std::string& pointer);
// True while `pid` runs (zombies excluded).
bool process_exists(int pid);

}  // namespace lcd::local::runtime::testing
