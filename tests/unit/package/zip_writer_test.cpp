#include "package/zip_writer.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "test_tree.hpp"
#include "util/crypto.hpp"
#include "util/zip_reader.hpp"

namespace {

namespace fs = std::filesystem;
using lcd::package::ZipWriter;
using namespace lcd::package::testing;

TEST(ZipWriter, WritesArchiveReadableByUnzipPythonAndLibzip) {
  lcd::TempDir tmp("zip-writer-test");
  write_text(tmp.path() / "src" / "index.js", std::string(5000, 'a') + "exports.handler = 1;\n");
  write_text(tmp.path() / "src" / "run.sh", "#!/bin/sh\n", 0700);
  std::string noise(100000, '\0');
  std::mt19937 rng(7);
  for (auto& c : noise) c = static_cast<char>(rng());
  write_text(tmp.path() / "src" / "noise.bin", noise);

  ZipWriter writer;
  writer.add_file("index.js", tmp.path() / "src" / "index.js", false);
  writer.add_file("bin/run.sh", tmp.path() / "src" / "run.sh", true);
  writer.add_file("noise.bin", tmp.path() / "src" / "noise.bin", false);
  writer.add_directory("bin");
  writer.add_bytes("empty.txt", "");
  writer.add_symlink("bin/link.js", "../index.js");
  const fs::path zip = tmp.path() / "out.zip";
  auto written = writer.write(zip);
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->entry_count, 6u);
  EXPECT_FALSE(written->zip64);
  EXPECT_EQ(written->size, fs::file_size(zip));
  EXPECT_EQ(written->sha256, lcd::sha256(slurp(zip)));

  auto unzip = lcd::run_process({.argv = {"unzip", "-t", zip.string()}});
  ASSERT_TRUE(unzip);
  EXPECT_TRUE(unzip->ok()) << unzip->output;
  EXPECT_NE(unzip->output.find("No errors detected"), std::string::npos) << unzip->output;

  auto py = python_listing(zip);
  ASSERT_TRUE(py);
  ASSERT_TRUE(py->ok()) << py->output;
  EXPECT_EQ(py->output,
            "bin/ 0o40755 0 (1980, 1, 1, 0, 0, 0)\n"
            "bin/link.js 0o120777 11 (1980, 1, 1, 0, 0, 0)\n"
            "bin/run.sh 0o100755 10 (1980, 1, 1, 0, 0, 0)\n"
            "empty.txt 0o100644 0 (1980, 1, 1, 0, 0, 0)\n"
            "index.js 0o100644 5021 (1980, 1, 1, 0, 0, 0)\n"
            "noise.bin 0o100644 100000 (1980, 1, 1, 0, 0, 0)\n");

  auto bytes = lcd::read_file(zip);
  ASSERT_TRUE(bytes);
  auto info = lcd::inspect_zip(*bytes);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->total_uncompressed, written->uncompressed_size);
  EXPECT_EQ(info->total_uncompressed, 11u + 10u + 0u + 5021u + 100000u);
  const fs::path dest = tmp.path() / "x";
  ASSERT_TRUE(lcd::extract_zip(*bytes, dest));
  EXPECT_EQ(slurp(dest / "noise.bin"), noise);
  EXPECT_EQ(slurp(dest / "bin" / "link.js"), slurp(tmp.path() / "src" / "index.js"));
}

TEST(ZipWriter, OrderOfAdditionDoesNotChangeBytes) {
  auto build = [](bool reversed, unsigned threads, const fs::path& out) {
    std::vector<std::pair<std::string, std::string>> files = {
        {"b/x.js", "bx"}, {"a.js", "aaaa"}, {"a/b.js", "ab"}, {"a-b.js", "a-b"}, {"Z.js", "upper"}};
    if (reversed) std::reverse(files.begin(), files.end());
    ZipWriter writer({.threads = threads});
    for (auto& [name, data] : files) writer.add_bytes(name, data);
    auto written = writer.write(out);
    EXPECT_TRUE(written);
    return slurp(out);
  };
  lcd::TempDir tmp("zip-writer-test");
  const std::string one = build(false, 1, tmp.path() / "1.zip");
  const std::string two = build(true, 4, tmp.path() / "2.zip");
  EXPECT_EQ(one, two);
  auto py = python_listing(tmp.path() / "1.zip");
  ASSERT_TRUE(py && py->ok());
  // Byte order: uppercase before lowercase, '-' (0x2D) < '.' (0x2E) < '/' (0x2F).
  EXPECT_EQ(py->output.substr(0, py->output.find('\n')), "Z.js 0o100644 5 (1980, 1, 1, 0, 0, 0)");
  EXPECT_LT(py->output.find("a-b.js"), py->output.find("a.js"));
  EXPECT_LT(py->output.find("a.js"), py->output.find("a/b.js"));
}

TEST(ZipWriter, RejectsBadAndDuplicateNames) {
  lcd::TempDir tmp("zip-writer-test");
  for (const std::string name : {"../x", "/abs", "a//b", "a/./b", "a\\b", ""}) {
    ZipWriter writer;
    writer.add_bytes(name, "x");
    auto written = writer.write(tmp.path() / "bad.zip");
    ASSERT_FALSE(written) << name;
    EXPECT_EQ(written.error().kind, lcd::ErrorKind::invalid);
  }
  ZipWriter writer;
  writer.add_bytes("a", "x");
  writer.add_directory("a");
  auto written = writer.write(tmp.path() / "dup.zip");
  ASSERT_FALSE(written);
  EXPECT_NE(written.error().message.find("more than once"), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp.path() / "dup.zip"));
}

TEST(ZipWriter, StreamsBigFilesAndStoresIncompressibleOnes) {
  lcd::TempDir tmp("zip-writer-test");
  // Above the whole-file limit, so the writer streams and patches the local header.
  std::string big(20u << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>("lambda"[i % 6]);
  write_text(tmp.path() / "big.txt", big);
  std::string noise(9u << 20, '\0');
  std::mt19937_64 rng(1);
  for (size_t i = 0; i + 8 <= noise.size(); i += 8) {
    uint64_t v = rng();
    std::memcpy(noise.data() + i, &v, 8);
  }
  write_text(tmp.path() / "noise.bin", noise);
  ZipWriter writer;
  writer.add_file("big.txt", tmp.path() / "big.txt", false);
  writer.add_file("noise.bin", tmp.path() / "noise.bin", false);
  auto written = writer.write(tmp.path() / "out.zip");
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_EQ(written->sha256, lcd::sha256(slurp(tmp.path() / "out.zip")));
  ASSERT_EQ(written->compressed_sizes.size(), 2u);
  EXPECT_LT(written->compressed_sizes[0].second, big.size() / 50);  // deflated
  EXPECT_EQ(written->compressed_sizes[1].second, noise.size());     // stored
  auto unzip = lcd::run_process({.argv = {"unzip", "-t", (tmp.path() / "out.zip").string()}});
  ASSERT_TRUE(unzip);
  EXPECT_TRUE(unzip->ok()) << unzip->output;
  auto bytes = lcd::read_file(tmp.path() / "out.zip");
  ASSERT_TRUE(bytes);
  ASSERT_TRUE(lcd::extract_zip(*bytes, tmp.path() / "x"));
  EXPECT_TRUE(slurp(tmp.path() / "x" / "big.txt") == big);
  EXPECT_TRUE(slurp(tmp.path() / "x" / "noise.bin") == noise);
}

TEST(ZipWriter, MoreThan65535EntriesUseZip64EndRecords) {
  lcd::TempDir tmp("zip-writer-test");
  ZipWriter writer;
  const size_t count = 70000;
  for (size_t i = 0; i < count; ++i) writer.add_bytes("f/" + std::to_string(i), std::to_string(i % 97));
  auto written = writer.write(tmp.path() / "many.zip");
  ASSERT_TRUE(written) << written.error().message;
  EXPECT_TRUE(written->zip64);
  EXPECT_EQ(written->entry_count, count);
  auto py = lcd::run_process({.argv = {"/usr/bin/python3", "-c",
                                       "import zipfile,sys\nz=zipfile.ZipFile(sys.argv[1])\n"
                                       "assert z.testzip() is None\nprint(len(z.infolist()), z.read('f/69999').decode())",
                                       (tmp.path() / "many.zip").string()}});
  ASSERT_TRUE(py);
  EXPECT_TRUE(py->ok()) << py->output;
  EXPECT_EQ(py->output, "70000 " + std::to_string(69999 % 97) + "\n");
  auto bytes = lcd::read_file(tmp.path() / "many.zip");
  ASSERT_TRUE(bytes);
  auto info = lcd::inspect_zip(*bytes);
  ASSERT_TRUE(info) << info.error().message;
  EXPECT_EQ(info->entries.size(), count);
}

}  // namespace
