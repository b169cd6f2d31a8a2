#include "package/file_selection.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "package/glob.hpp"
#include "test_tree.hpp"

namespace {

namespace fs = std::filesystem;
using namespace lcd::package;
using namespace lcd::package::testing;

std::vector<std::string> paths_of(const Selection& s) {
  std::vector<std::string> out;
  for (const auto& f : s.files) out.push_back(f.path);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> left_out_of(const Selection& s) {
  std::vector<std::string> out;
  for (const auto& l : s.left_out) out.push_back(l.describe());
  return out;
}

TEST(Glob, MatchesLikeGitignore) {
  EXPECT_TRUE(Glob("*.pem").matches("certs/server.pem", false));
  EXPECT_FALSE(Glob("*.pem").matches("server.pem.txt", false));
  EXPECT_TRUE(Glob("src/*.js").matches("src/a.js", false));
  EXPECT_FALSE(Glob("src/*.js").matches("src/lib/a.js", false));
  EXPECT_FALSE(Glob("src/*.js").matches("lib/src/a.js", false));
  EXPECT_TRUE(Glob("src/**/*.js").matches("src/a.js", false));
  EXPECT_TRUE(Glob("src/**/*.js").matches("src/x/y/a.js", false));
  EXPECT_TRUE(Glob("**/test").matches("a/b/test", true));
  EXPECT_TRUE(Glob("test/").matches("a/test", true));
  EXPECT_FALSE(Glob("test/").matches("a/test", false));
  EXPECT_TRUE(Glob("/index.js").matches("index.js", false));
  EXPECT_FALSE(Glob("/index.js").matches("a/index.js", false));
  EXPECT_TRUE(Glob("file?.[ch]").matches("file1.c", false));
  EXPECT_FALSE(Glob("file?.[!ch]").matches("file1.c", false));
  EXPECT_TRUE(Glob("[a-c]*").matches("beta", false));
  EXPECT_TRUE(glob_match("a/**", "a/b/c"));
  EXPECT_FALSE(glob_match("a?b", "a/b"));
}

TEST(FileSelection, LeavesOutSecretsAndSaysWhy) {
  lcd::TempDir tmp("selection-test");
  const fs::path p = tmp.path();
  write_text(p / "index.js", "x");
  write_text(p / ".env", "SECRET=1");
  write_text(p / ".env.production", "SECRET=2");
  write_text(p / ".aws" / "credentials", "[default]");
  write_text(p / "certs" / "server.pem", "-----BEGIN");
  write_text(p / "certs" / "ca.crt", "public");
  write_text(p / "keys" / "id_rsa", "private");
  write_text(p / "keys" / "id_rsa.pub", "public");
  write_text(p / ".npmrc", "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=npm_abc\n");
  write_text(p / "sub" / ".npmrc", "save-exact=true\n");
  write_text(p / ".git" / "HEAD", "ref");
  write_text(p / "reports" / "junit.xml", "<x/>");
  write_text(p / ".lambda-cd" / "package.zip", "old");
  auto s = select_files(p, {});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(paths_of(*s), (std::vector<std::string>{"certs/ca.crt", "index.js", "keys/id_rsa.pub", "sub/.npmrc"}));
  EXPECT_EQ(left_out_of(*s), (std::vector<std::string>{
                                 ".aws/ (looks like a secret: .aws/)",
                                 ".env (looks like a secret: .env*)",
                                 ".env.production (looks like a secret: .env*)",
                                 ".git/ (version control)",
                                 ".lambda-cd/ (lambda-cd state)",
                                 ".npmrc (looks like a secret: .npmrc with _authToken)",
                                 "certs/server.pem (looks like a secret: *.pem)",
                                 "keys/id_rsa (looks like a secret: id_rsa*)",
                                 "reports/ (test reports)",
                             }));
  // Secrets stay out even when an include pattern names them.
  auto forced = select_files(p, {.include = {".env", "*.pem", "index.js"}});
  ASSERT_TRUE(forced);
  EXPECT_EQ(paths_of(*forced), (std::vector<std::string>{"index.js"}));
}

TEST(FileSelection, IncludeAndExcludeGlobs) {
  lcd::TempDir tmp("selection-test");
  const fs::path p = tmp.path();
  write_text(p / "index.js", "x");
  write_text(p / "src" / "a.js", "x");
  write_text(p / "src" / "a.test.js", "x");
  write_text(p / "src" / "deep" / "b.js", "x");
  write_text(p / "test" / "t.js", "x");
  write_text(p / "README.md", "x");
  auto s = select_files(p, {.include = {"index.js", "src/"}, .exclude = {"*.test.js"}});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(paths_of(*s), (std::vector<std::string>{"index.js", "src/a.js", "src/deep/b.js"}));
  EXPECT_EQ(left_out_of(*s), (std::vector<std::string>{"src/a.test.js (excluded by '*.test.js')"}));

  auto all = select_files(p, {.exclude = {"test/", "*.md"}});
  ASSERT_TRUE(all);
  EXPECT_EQ(paths_of(*all), (std::vector<std::string>{"index.js", "src/a.js", "src/a.test.js", "src/deep/b.js"}));
  EXPECT_EQ(all->total_size, 4u);
}

TEST(FileSelection, KeepsInsideSymlinksAndDropsOutsideOnes) {
  lcd::TempDir tmp("selection-test");
  const fs::path p = tmp.path() / "proj";
  write_text(p / "lib" / "real.js", "x");
  write_text(tmp.path() / "outside.js", "secret");
  fs::create_directories(p / "bin");
  fs::create_symlink("../lib/./real.js", p / "bin" / "tool");
  fs::create_symlink("../../outside.js", p / "bin" / "escape");
  fs::create_symlink((tmp.path() / "outside.js").string(), p / "bin" / "absolute");
  write_text(p / "run.sh", "#!/bin/sh", 0755);
  auto s = select_files(p, {});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(paths_of(*s), (std::vector<std::string>{"bin/tool", "lib/real.js", "run.sh"}));
  for (const auto& f : s->files) {
    if (f.path == "bin/tool") {
      EXPECT_TRUE(f.symlink);
      EXPECT_EQ(f.link_target, "../lib/real.js");
    }
    if (f.path == "run.sh") {
      EXPECT_TRUE(f.executable);
    }
    if (f.path == "lib/real.js") {
      EXPECT_FALSE(f.executable);
    }
  }
  ASSERT_EQ(s->left_out.size(), 2u);
  EXPECT_EQ(s->left_out[0].reason, LeftOutReason::symlink_outside);
  EXPECT_EQ(s->left_out[0].path, "bin/absolute");
  EXPECT_EQ(s->left_out[1].path, "bin/escape");
}

TEST(FileSelection, NpmrcCredentialDetection) {
  EXPECT_EQ(npmrc_credential("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n"), "_authToken");
  EXPECT_EQ(npmrc_credential("_auth = dXNlcjpwYXNz\n"), "_auth");
  EXPECT_EQ(npmrc_credential("//r.example.com/:_password=cGFzcw==\n"), "_password");
  EXPECT_EQ(npmrc_credential("# _authToken=commented\nregistry=https://r/\n"), "");
}

}  // namespace
