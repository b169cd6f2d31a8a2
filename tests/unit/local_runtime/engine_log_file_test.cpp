// Each function's plain-text log under <state>/logs stays bounded: past max_log_file_bytes it is
// renamed to <function>.log.1 (replacing the older one) and a new file starts.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine_fixture.hpp"
#include "util/file_io.hpp"

namespace lcd::local::runtime::testing {
namespace {

using EngineLogFile = EngineTest;

const char* k_chatty_js = R"(
exports.handler = async (e) => { console.log('line-' + e.n + '-' + 'y'.repeat(200)); return e.n; };)";

TEST_F(EngineLogFile, RotatesPastTheLimitKeepingOneOlderFile) {
  EngineOptions options = default_options();
  options.max_log_file_bytes = 4000;
  restart(options);
  auto f = make_function({{"index.js", k_chatty_js}});
  for (int n = 1; n <= 60; ++n) {
    auto r = engine().invoke(request(f, "{\"n\": " + std::to_string(n) + "}"));
    ASSERT_TRUE(r) << r.error().message;
  }
  const auto logs = m_dir->path() / "state" / "logs";
  const auto current = logs / "fn.log";
  const auto older = logs / "fn.log.1";
  ASSERT_TRUE(std::filesystem::exists(older));
  // 60 invocations wrote far more than twice the limit (each ~500 bytes with START/END/REPORT).
  EXPECT_LE(std::filesystem::file_size(current), 4000u);
  EXPECT_LE(std::filesystem::file_size(older), 4000u);
  EXPECT_FALSE(std::filesystem::exists(logs / "fn.log.2"));
  std::string text = read_log("fn");
  EXPECT_NE(text.find("line-60-"), std::string::npos) << text;  // the newest output is kept
  std::string previous = *read_file(older);
  EXPECT_EQ(previous.find("line-1-"), std::string::npos);  // the oldest is gone
  EXPECT_EQ(text.find("line-1-"), std::string::npos);
}

TEST_F(EngineLogFile, ZeroMeansUnbounded) {
  EngineOptions options = default_options();
  options.max_log_file_bytes = 0;
  restart(options);
  auto f = make_function({{"index.js", k_chatty_js}});
  for (int n = 1; n <= 20; ++n) ASSERT_TRUE(engine().invoke(request(f, "{\"n\": " + std::to_string(n) + "}")));
  const auto logs = m_dir->path() / "state" / "logs";
  EXPECT_FALSE(std::filesystem::exists(logs / "fn.log.1"));
  std::string text = read_log("fn");
  EXPECT_NE(text.find("line-1-"), std::string::npos);
  EXPECT_NE(text.find("line-20-"), std::string::npos);
}

}  // namespace
}  // namespace lcd::local::runtime::testing
