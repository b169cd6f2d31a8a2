// <state>/code, the extracted packages, is a cache: an engine that is the only user of the state
// directory starts it empty, one that shares the directory with another process leaves it alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "engine_fixture.hpp"
#include "local/runtime/environment_setup.hpp"
#include "util/directory_users.hpp"
#include "util/file_io.hpp"

namespace lcd::local::runtime::testing {
namespace {

using EngineCodeCache = EngineTest;

std::set<std::string> entries(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

void plant(const std::filesystem::path& code_root) {
  std::filesystem::create_directories(code_root / "0123abcd" / "lib");
  std::ofstream(code_root / "0123abcd" / "lib" / "index.js") << "exports.handler = async () => 1;";
  std::filesystem::create_directories(code_root / "0123abcd.tmp-a1b2c3");  // a crash mid-extraction
}

TEST(CodeCache, EmptiedWhenNoOtherProcessUsesIt) {
  TempDir dir("lcd-code-cache");
  plant(dir.path());
  auto users = join_code_cache(dir.path());
  ASSERT_TRUE(users.has_value());
  EXPECT_EQ(entries(dir.path()), (std::set<std::string>{".users"}));
}

TEST(CodeCache, LeftAloneWhileAnotherUserHoldsIt) {
  TempDir dir("lcd-code-cache");
  plant(dir.path());
  auto other = DirectoryUsers::open(dir.path());
  ASSERT_TRUE(other);
  auto claimed = other->claim();
  ASSERT_TRUE(claimed && *claimed);
  ASSERT_TRUE(other->share());
  auto users = join_code_cache(dir.path());
  ASSERT_TRUE(users.has_value());  // registered as a user beside the other one
  EXPECT_EQ(entries(dir.path()), (std::set<std::string>{".users", "0123abcd", "0123abcd.tmp-a1b2c3"}));
  // While this process is registered, a newcomer is not the only user either.
  other.value() = *DirectoryUsers::open(dir.path());
  auto again = other->claim();
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST_F(EngineCodeCache, ARestartedEngineStartsWithAnEmptyCacheAndExtractsAgain) {
  auto f = make_function({{"index.js", "exports.handler = async () => 'first';"}});
  auto g = make_function({{"index.js", "exports.handler = async () => 'second';"}});
  ASSERT_TRUE(engine().invoke(request(f)));
  ASSERT_TRUE(engine().invoke(request(g)));
  const auto code_root = m_dir->path() / "state" / "code";
  EXPECT_EQ(entries(code_root).size(), 3u);  // two packages and .users
  restart(default_options());
  EXPECT_EQ(entries(code_root), (std::set<std::string>{".users"}));
  auto r = engine().invoke(request(g));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->payload, "\"second\"");
  EXPECT_EQ(entries(code_root).size(), 2u);
}

TEST_F(EngineCodeCache, AnEngineBesideAnotherKeepsTheCacheItUses) {
  auto f = make_function({{"index.js", "exports.handler = async () => 'kept';"}});
  ASSERT_TRUE(engine().invoke(request(f)));
  const auto code_root = m_dir->path() / "state" / "code";
  auto before = entries(code_root);
  InvokeEngine second(default_options());  // a second endpoint on the same state directory
  EXPECT_EQ(entries(code_root), before);
  auto r = engine().invoke(request(f));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->payload, "\"kept\"");
}

}  // namespace
}  // namespace lcd::local::runtime::testing
