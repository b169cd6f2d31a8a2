// <state>/code, the extracted packages, is a cache: an engine that is the only user of the state
// directory starts it empty, one that shares the directory with another process leaves it alone,
// and a long-running one keeps it to max_cached_packages plus the packages environments run from.
#include "local/runtime/code_cache.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "engine_fixture.hpp"
#include "util/directory_users.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::local::runtime::testing {
namespace {

using EngineCodeCache = EngineTest;

class CodeCacheTrim : public EngineTest {
 protected:
  std::tuple<FunctionSnapshot, FunctionSnapshot, FunctionSnapshot> three_packages() {
    return {make_function({{"index.js", "exports.handler = async () => 'a';"}}),
            make_function({{"index.js", "exports.handler = async () => 'b';"}}),
            make_function({{"index.js", "exports.handler = async () => 'c';"}})};
  }
  // A cache in `root`, joined (so emptied), that lives as long as the test.
  CodeCache& open_cache(const std::filesystem::path& root, size_t max_packages) {
    std::filesystem::create_directories(root);
    m_cache = std::make_unique<CodeCache>(root, max_packages);
    EXPECT_TRUE(m_cache->join());
    return *m_cache;
  }
  std::unique_ptr<CodeCache> m_cache;
};

std::set<std::string> entries(const std::filesystem::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

std::string dir_name(const FunctionSnapshot& f) { return hex_encode(*base64_decode(f.code_sha256)); }

// Marks a package as last used `age` ago, as if it had been pinned then.
void age_package(const std::filesystem::path& root, const FunctionSnapshot& f, std::chrono::minutes age) {
  std::filesystem::last_write_time(root / dir_name(f), std::filesystem::file_time_type::clock::now() - age);
}

void plant(const std::filesystem::path& code_root) {
  std::filesystem::create_directories(code_root / "0123abcd" / "lib");
  std::ofstream(code_root / "0123abcd" / "lib" / "index.js") << "exports.handler = async () => 1;";
  std::filesystem::create_directories(code_root / "0123abcd.tmp-a1b2c3");  // a crash mid-extraction
}

TEST(CodeCache, EmptiedWhenNoOtherProcessUsesIt) {
  TempDir dir("lcd-code-cache");
  plant(dir.path());
  CodeCache cache(dir.path(), 8);
  ASSERT_TRUE(cache.join());
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
  CodeCache cache(dir.path(), 8);
  ASSERT_TRUE(cache.join());  // registered as a user beside the other one
  EXPECT_EQ(entries(dir.path()), (std::set<std::string>{".users", "0123abcd", "0123abcd.tmp-a1b2c3"}));
  // While this process is registered, a newcomer is not the only user either.
  other.value() = *DirectoryUsers::open(dir.path());
  auto again = other->claim();
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST_F(CodeCacheTrim, KeepsTheMostRecentlyUsedPackagesUpToItsLimit) {
  auto [a, b, c] = three_packages();
  const auto root = m_dir->path() / "cache";
  CodeCache& cache = open_cache(root, 2);
  ASSERT_TRUE(cache.pin(a));  // each pin is dropped at once: the package is cached, unused
  ASSERT_TRUE(cache.pin(b));
  age_package(root, a, std::chrono::hours(2));
  age_package(root, b, std::chrono::hours(1));
  ASSERT_TRUE(cache.pin(c));  // the third package: a, least recently used, goes
  EXPECT_EQ(entries(root), (std::set<std::string>{".users", dir_name(b), dir_name(c)}));

  // a comes back by extracting it again; now b is the oldest.
  age_package(root, c, std::chrono::minutes(30));
  auto again = cache.pin(a);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ((*again)->dir(), root / dir_name(a));
  EXPECT_TRUE(std::filesystem::is_regular_file((*again)->dir() / "index.js"));
  EXPECT_EQ(entries(root), (std::set<std::string>{".users", dir_name(a), dir_name(c)}));
}

TEST_F(CodeCacheTrim, NeverRemovesAPackageInUseHereOrByAnotherProcess) {
  auto [a, b, c] = three_packages();
  const auto root = m_dir->path() / "cache";
  CodeCache& cache = open_cache(root, 0);
  auto a_pin = cache.pin(a);
  ASSERT_TRUE(a_pin);
  {
    auto b_pin = cache.pin(b);
    ASSERT_TRUE(b_pin);
  }
  // c is in use by another endpoint on the same state directory: its pin is a shared flock.
  auto c_pin = cache.pin(c);
  ASSERT_TRUE(c_pin);
  int other = ::open((root / dir_name(c)).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(other, 0);
  ASSERT_EQ(::flock(other, LOCK_SH), 0);
  c_pin->reset();

  EXPECT_EQ(cache.trim(), 0u);  // b went when c was extracted; a and c are in use
  EXPECT_EQ(entries(root), (std::set<std::string>{".users", dir_name(a), dir_name(c)}));
  EXPECT_TRUE(std::filesystem::is_regular_file(root / dir_name(a) / "index.js"));

  ::close(other);
  EXPECT_EQ(cache.trim(), 1u);
  EXPECT_EQ(entries(root), (std::set<std::string>{".users", dir_name(a)}));
  a_pin->reset();
  EXPECT_EQ(cache.trim(), 1u);
  EXPECT_EQ(entries(root), (std::set<std::string>{".users"}));
}

TEST_F(CodeCacheTrim, APackageThatCannotBeExtractedIsAnErrorAndLeavesNothing) {
  auto f = make_function({{"index.js", "exports.handler = async () => 1;"}});
  std::ofstream(f.code_zip, std::ios::binary | std::ios::trunc) << "PK\x03\x04 not really a zip";
  const auto root = m_dir->path() / "cache";
  CodeCache& cache = open_cache(root, 4);
  auto pinned = cache.pin(f);
  ASSERT_FALSE(pinned);
  EXPECT_EQ(pinned.error().kind, ErrorKind::invalid);
  EXPECT_NE(pinned.error().message.find("cannot extract the function's package"), std::string::npos);
  EXPECT_EQ(entries(root), (std::set<std::string>{".users"}));
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

TEST_F(EngineCodeCache, ALongRunningEngineKeepsItsCacheToTheLimit) {
  auto options = default_options();
  options.max_cached_packages = 2;
  options.max_environments = 1;  // each new package stops the previous environment, unpinning its code
  restart(options);
  const auto code_root = m_dir->path() / "state" / "code";
  std::vector<FunctionSnapshot> functions;
  for (int i = 0; i < 5; ++i) {
    functions.push_back(make_function({{"index.js", "exports.handler = async () => " + std::to_string(i) + ";"}}));
    auto r = engine().invoke(request(functions.back()));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->payload, std::to_string(i));
    EXPECT_LE(entries(code_root).size(), 3u) << "after package " << i;  // two packages and .users
  }
  EXPECT_TRUE(entries(code_root).count(dir_name(functions.back())));
  EXPECT_FALSE(entries(code_root).count(dir_name(functions.front())));
  auto first = engine().invoke(request(functions.front()));  // extracted again
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->payload, "0");
}

TEST_F(EngineCodeCache, APreparedPackageOutlivesTheLimitUntilItsRequestRuns) {
  auto options = default_options();
  options.max_cached_packages = 0;
  restart(options);
  auto f = make_function({{"index.js", "exports.handler = async () => 'prepared';"}});
  auto prepared = engine().prepare_code(f);
  ASSERT_TRUE(prepared) << prepared.error().message;
  auto req = request(f);
  req.code = *prepared;
  prepared->reset();
  std::filesystem::remove(f.code_zip);  // what an UpdateFunctionCode does to the old package
  // Another package's extraction trims the cache to nothing it can remove.
  auto g = make_function({{"index.js", "exports.handler = async () => 'other';"}});
  ASSERT_TRUE(engine().invoke(request(g)));
  auto r = engine().invoke(req);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->payload, "\"prepared\"");
}

}  // namespace
}  // namespace lcd::local::runtime::testing
