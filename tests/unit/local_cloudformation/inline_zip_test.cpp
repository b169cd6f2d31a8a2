#include "local/cloudformation/inline_zip.hpp"

#include <gtest/gtest.h>

#include "util/file_io.hpp"
#include "util/subprocess.hpp"

namespace lcd::local::cloudformation {
namespace {

TEST(InlineZip, UnzipReadsBackTheFile) {
  auto python = find_executable("python3");
  ASSERT_TRUE(python) << "python3 (scripts/install-deps.sh) reads the archive independently; it is required";
  TempDir dir("lcd-inline-zip");
  std::string code = "exports.handler = async () => 'hi';\n";
  ASSERT_TRUE(write_file_atomic(dir.path() / "f.zip", single_file_zip("index.js", code)));
  ProcessSpec spec;
  spec.argv = {python->string(), "-c",
               "import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; "
               "print(z.namelist()); sys.stdout.write(z.read('index.js').decode())",
               (dir.path() / "f.zip").string()};
  auto r = run_process(spec);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->ok()) << r->output;
  EXPECT_EQ(r->output, "['index.js']\n" + code);
}

TEST(InlineZip, Deterministic) { EXPECT_EQ(single_file_zip("a", "b"), single_file_zip("a", "b")); }

}  // namespace
}  // namespace lcd::local::cloudformation
