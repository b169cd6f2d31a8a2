#include "package/packager.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <cstdlib>

#include "test_tree.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/zip_reader.hpp"

namespace {

namespace fs = std::filesystem;
using namespace lcd::package;
using namespace lcd::package::testing;

// A stand-in npm that counts its runs and installs one dependency with a .bin link.
fs::path write_fake_npm(const fs::path& dir) {
  const fs::path npm = dir / "fake-npm";
  write_text(npm,
             "#!/bin/sh\n"
             "echo \"$@\" >> \"" + (dir / "npm-runs").string() + "\"\n"
             "mkdir -p node_modules/dep/bin node_modules/.bin\n"
             "printf 'module.exports = 42;\\n' > node_modules/dep/index.js\n"
             "printf '#!/usr/bin/env node\\n' > node_modules/dep/bin/cli.js\n"
             "chmod 755 node_modules/dep/bin/cli.js\n"
             "ln -sf ../dep/bin/cli.js node_modules/.bin/dep\n",
             0755);
  return npm;
}

int npm_runs(const fs::path& dir) {
  auto log = lcd::read_file(dir / "npm-runs");
  if (!log) return 0;
  return static_cast<int>(std::count(log->begin(), log->end(), '\n'));
}

void make_project(const fs::path& p, bool reverse_order, mode_t file_mode, mode_t exec_mode, time_t mtime) {
  std::vector<std::pair<std::string, std::string>> files = {
      {"index.js", "exports.handler = async () => ({ statusCode: 200 });\n"},
      {"lib/greet.js", "module.exports = (n) => `Hello, ${n}`;\n"},
      {"lib/deep/data.json", std::string(3000, '7')},
      {"package.json", "{\"name\":\"demo\",\"version\":\"1.0.0\"}\n"},
      {"package-lock.json", "{\"lockfileVersion\":3}\n"},
      {".env", "TOKEN=secret\n"}};
  if (reverse_order) std::reverse(files.begin(), files.end());
  for (const auto& [name, text] : files) write_text(p / name, text, file_mode);
  write_text(p / "bin" / "run", "#!/bin/sh\n", exec_mode);
  write_text(p / "node_modules" / "devonly" / "index.js", "dev dependency\n", file_mode);
  for (auto& e : fs::recursive_directory_iterator(p)) {
    struct utimbuf times {mtime, mtime};
    ::utime(e.path().c_str(), &times);
  }
}

TEST(Packager, SameTreeGivesByteIdenticalZipWhateverTheMetadata) {
  lcd::TempDir tmp("packager-test");
  const fs::path npm = write_fake_npm(tmp.path());
  const mode_t old_umask = ::umask(022);
  make_project(tmp.path() / "a", false, 0644, 0755, 1000000000);
  ::umask(077);
  make_project(tmp.path() / "b", true, 0600, 0700, 1700000000);
  ::umask(old_umask);

  auto build = [&](const std::string& which) {
    PackageConfig config;
    config.npm_binary = npm;
    config.cache_dir = tmp.path() / ("cache-" + which);
    config.output = tmp.path() / ("out-" + which + ".zip");
    return Packager(tmp.path() / which, config).build();
  };
  auto a = build("a");
  auto b = build("b");
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  const std::string bytes_a = slurp(a->zip_path);
  EXPECT_TRUE(bytes_a == slurp(b->zip_path));
  EXPECT_EQ(a->code_sha256, b->code_sha256);
  EXPECT_EQ(a->code_sha256, lcd::base64_encode(lcd::sha256(bytes_a)));
  EXPECT_EQ(a->zip_size, bytes_a.size());
  EXPECT_EQ(npm_runs(tmp.path()), 2);  // separate caches: both ran npm

  auto py = python_listing(a->zip_path);
  ASSERT_TRUE(py);
  ASSERT_TRUE(py->ok()) << py->output;
  EXPECT_EQ(py->output,
            "bin/ 0o40755 0 (1980, 1, 1, 0, 0, 0)\n"
            "bin/run 0o100755 10 (1980, 1, 1, 0, 0, 0)\n"
            "index.js 0o100644 53 (1980, 1, 1, 0, 0, 0)\n"
            "lib/ 0o40755 0 (1980, 1, 1, 0, 0, 0)\n"
            "lib/deep/ 0o40755 0 (1980, 1, 1, 0, 0, 0)\n"
            "lib/deep/data.json 0o100644 3000 (1980, 1, 1, 0, 0, 0)\n"
            "lib/greet.js 0o100644 39 (1980, 1, 1, 0, 0, 0)\n"
            "node_modules/ 0o40755 0 (1980, 1, 1, 0, 0, 0)\n"
            "node_modules/.bin/ 0o40755 0 (1980, 1, 1, 0, 0, 0)\n"
            "node_modules/.bin/dep 0o120777 17 (1980, 1, 1, 0, 0, 0)\n"
            "node_modules/dep/ 0o40755 0 (1980, 1, 1, 0, 0, 0)\n"
            "node_modules/dep/bin/ 0o40755 0 (1980, 1, 1, 0, 0, 0)\n"
            "node_modules/dep/bin/cli.js 0o100755 20 (1980, 1, 1, 0, 0, 0)\n"
            "node_modules/dep/index.js 0o100644 21 (1980, 1, 1, 0, 0, 0)\n"
            "package-lock.json 0o100644 22 (1980, 1, 1, 0, 0, 0)\n"
            "package.json 0o100644 34 (1980, 1, 1, 0, 0, 0)\n");
  auto unzip = lcd::run_process({.argv = {"unzip", "-t", a->zip_path.string()}});
  ASSERT_TRUE(unzip);
  EXPECT_TRUE(unzip->ok()) << unzip->output;
  auto info = lcd::inspect_zip(bytes_a);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->total_uncompressed, a->unzipped_size);
  EXPECT_EQ(a->file_count, 9u);
  ASSERT_FALSE(a->left_out.empty());
  EXPECT_EQ(a->left_out.front().describe(), ".env (looks like a secret: .env*)");
  bool saw_node_modules = false;
  for (const auto& l : a->left_out) saw_node_modules |= l.reason == LeftOutReason::node_modules;
  EXPECT_TRUE(saw_node_modules);  // the project's own node_modules (with dev deps) is replaced
}

TEST(Packager, UnchangedLockfileCostsNoNpmRun) {
  lcd::TempDir tmp("packager-test");
  const fs::path npm = write_fake_npm(tmp.path());
  const fs::path p = tmp.path() / "proj";
  write_text(p / "index.js", "exports.handler = 1;\n");
  write_text(p / "package.json", "{\"name\":\"demo\"}\n");
  write_text(p / "package-lock.json", "{\"lockfileVersion\":3,\"v\":1}\n");
  PackageConfig config;
  config.npm_binary = npm;
  config.cache_dir = tmp.path() / "cache";

  auto first = Packager(p, config).build();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->npm_ran);
  EXPECT_FALSE(first->dependencies_from_cache);
  EXPECT_EQ(first->npm_command, npm.string() + " ci --omit=dev");
  EXPECT_EQ(npm_runs(tmp.path()), 1);
  EXPECT_EQ(first->zip_path, fs::weakly_canonical(p) / ".lambda-cd" / "package.zip");

  write_text(p / "index.js", "exports.handler = 2;\n");  // code changes, lockfile does not
  auto second = Packager(p, config).build();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->npm_ran);
  EXPECT_TRUE(second->dependencies_from_cache);
  EXPECT_EQ(npm_runs(tmp.path()), 1);
  EXPECT_NE(second->code_sha256, first->code_sha256);
  auto listing = python_listing(second->zip_path);
  ASSERT_TRUE(listing && listing->ok());
  EXPECT_NE(listing->output.find("node_modules/dep/index.js"), std::string::npos) << listing->output;

  write_text(p / "package-lock.json", "{\"lockfileVersion\":3,\"v\":2}\n");
  auto third = Packager(p, config).build();
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_TRUE(third->npm_ran);
  EXPECT_EQ(npm_runs(tmp.path()), 2);

  fs::remove(p / "package-lock.json");
  auto fourth = Packager(p, config).build();
  ASSERT_TRUE(fourth) << fourth.error().message;
  EXPECT_EQ(fourth->npm_command, npm.string() + " install --omit=dev");
  EXPECT_EQ(npm_runs(tmp.path()), 3);
  EXPECT_EQ(slurp(tmp.path() / "npm-runs"),
            "ci --omit=dev --no-audit --no-fund --loglevel=error\n"
            "ci --omit=dev --no-audit --no-fund --loglevel=error\n"
            "install --omit=dev --no-audit --no-fund --loglevel=error\n");
}

TEST(Packager, NoPackageJsonMeansNoNpm) {
  lcd::TempDir tmp("packager-test");
  const fs::path npm = write_fake_npm(tmp.path());
  const fs::path p = tmp.path() / "proj";
  write_text(p / "index.js", "exports.handler = 1;\n");
  write_text(p / "node_modules" / "vendored" / "index.js", "kept as is\n");
  PackageConfig config;
  config.npm_binary = npm;
  auto built = Packager(p, config).build();
  ASSERT_TRUE(built) << built.error().message;
  EXPECT_FALSE(built->npm_ran);
  EXPECT_FALSE(built->dependencies_from_cache);
  EXPECT_TRUE(built->npm_command.empty());
  EXPECT_EQ(npm_runs(tmp.path()), 0);
  EXPECT_EQ(built->file_count, 2u);  // a vendored node_modules is packaged as it is
}

TEST(Packager, NpmFailureIsReportedWithItsOutput) {
  lcd::TempDir tmp("packager-test");
  const fs::path npm = tmp.path() / "failing-npm";
  write_text(npm, "#!/bin/sh\necho 'npm ERR! missing: left-pad@1.3.0' >&2\nexit 1\n", 0755);
  const fs::path p = tmp.path() / "proj";
  write_text(p / "package.json", "{}\n");
  write_text(p / "package-lock.json", "{}\n");
  PackageConfig config;
  config.npm_binary = npm;
  auto built = Packager(p, config).build();
  ASSERT_FALSE(built);
  EXPECT_NE(built.error().message.find("npm ci --omit=dev failed"), std::string::npos) << built.error().message;
  EXPECT_NE(built.error().message.find("missing: left-pad"), std::string::npos) << built.error().message;
  // A failed install is not cached: the next build tries again.
  auto again = Packager(p, config).build();
  ASSERT_FALSE(again);
}

TEST(Packager, BudgetBreachFailsWithBiggestFolders) {
  lcd::TempDir tmp("packager-test");
  const fs::path p = tmp.path() / "proj";
  write_text(p / "index.js", "x");
  write_text(p / "assets" / "big.bin", std::string(6000, 'b'));
  write_text(p / "lib" / "a.js", std::string(2000, 'a'));
  write_text(p / "node_modules" / "@scope" / "pkg" / "x.js", std::string(4000, 'c'));
  write_text(p / "node_modules" / "other" / "y.js", std::string(1000, 'd'));
  PackageConfig config;
  config.limits.unzipped = 10000;
  auto built = Packager(p, config).build();
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().kind, lcd::ErrorKind::invalid);
  const std::string& m = built.error().message;
  EXPECT_NE(m.find("13.0 kB unzipped (13001 bytes), over Lambda's limit of 10.0 kB (10000 bytes)"), std::string::npos) << m;
  const size_t assets = m.find("\n  assets/  6.0 kB unzipped, 1 file");
  const size_t scoped = m.find("\n  node_modules/@scope/pkg/  4.0 kB unzipped, 1 file");
  const size_t lib = m.find("\n  lib/  2.0 kB unzipped, 1 file");
  ASSERT_NE(assets, std::string::npos) << m;
  ASSERT_NE(scoped, std::string::npos) << m;
  ASSERT_NE(lib, std::string::npos) << m;
  EXPECT_LT(assets, scoped);
  EXPECT_LT(scoped, lib);
  EXPECT_FALSE(fs::exists(p / ".lambda-cd" / "package.zip"));

  // Zipped limit: checked after deflate, and the over-budget zip is removed.
  PackageConfig zipped;
  zipped.limits.zipped = 100;
  auto z = Packager(p, zipped).build();
  ASSERT_FALSE(z);
  EXPECT_NE(z.error().message.find("over Lambda's direct-upload limit of 100 B (100 bytes)"), std::string::npos)
      << z.error().message;
  EXPECT_NE(z.error().message.find("zipped, 1 file"), std::string::npos) << z.error().message;
  EXPECT_FALSE(fs::exists(p / ".lambda-cd" / "package.zip"));
}

TEST(Packager, RealNpmWithNoDependencies) {
  ASSERT_TRUE(lcd::find_executable("npm")) << "npm (scripts/install-deps.sh) is required";
  lcd::TempDir tmp("packager-test");
  const fs::path p = tmp.path() / "proj";
  write_text(p / "index.js", "exports.handler = async () => 'ok';\n");
  write_text(p / "package.json", "{\"name\":\"no-deps\",\"version\":\"1.0.0\",\"private\":true}\n");
  ::setenv("npm_config_offline", "true", 1);  // nothing to fetch; never touch the network
  PackageConfig config;
  config.cache_dir = tmp.path() / "cache";
  auto first = Packager(p, config).build();
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(first->npm_ran);
  EXPECT_EQ(first->npm_command, "npm install --omit=dev");
  auto second = Packager(p, config).build();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_FALSE(second->npm_ran);
  EXPECT_TRUE(second->dependencies_from_cache);
  EXPECT_EQ(first->code_sha256, second->code_sha256);
  auto listing = python_listing(second->zip_path);
  ASSERT_TRUE(listing && listing->ok());
  EXPECT_NE(listing->output.find("index.js 0o100644"), std::string::npos) << listing->output;
  EXPECT_EQ(listing->output.find("package-lock.json"), std::string::npos) << "npm's new lockfile is not the project's";
  ::unsetenv("npm_config_offline");
}

}  // namespace
