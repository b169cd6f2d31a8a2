#include "util/zip_reader.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "util/file_io.hpp"
#include "util/subprocess.hpp"

namespace {

namespace fs = std::filesystem;

struct HandEntry {
  std::string name;
  std::string data;
  uint32_t unix_mode = 0100644;  // stored in the high half of the external attributes
};

uint32_t crc32_of(const std::string& data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& out, uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

// Stored (uncompressed) entries with any name and mode, including ones no honest tool writes.
std::string hand_zip(const std::vector<HandEntry>& entries) {
  std::string out;
  std::string central;
  for (const auto& e : entries) {
    const uint32_t offset = static_cast<uint32_t>(out.size());
    const uint32_t crc = crc32_of(e.data);
    const auto size = static_cast<uint32_t>(e.data.size());
    put32(out, 0x04034b50);
    put16(out, 20); put16(out, 0); put16(out, 0); put16(out, 0); put16(out, 0x21);
    put32(out, crc); put32(out, size); put32(out, size);
    put16(out, static_cast<uint32_t>(e.name.size())); put16(out, 0);
    out += e.name;
    out += e.data;
    put32(central, 0x02014b50);
    put16(central, 0x031E); put16(central, 20); put16(central, 0); put16(central, 0); put16(central, 0);
    put16(central, 0x21);
    put32(central, crc); put32(central, size); put32(central, size);
    put16(central, static_cast<uint32_t>(e.name.size())); put16(central, 0); put16(central, 0);
    put16(central, 0); put16(central, 0); put32(central, e.unix_mode << 16); put32(central, offset);
    central += e.name;
  }
  const uint32_t central_offset = static_cast<uint32_t>(out.size());
  out += central;
  put32(out, 0x06054b50);
  put16(out, 0); put16(out, 0);
  put16(out, static_cast<uint32_t>(entries.size())); put16(out, static_cast<uint32_t>(entries.size()));
  put32(out, static_cast<uint32_t>(central.size())); put32(out, central_offset);
  put16(out, 0);
  return out;
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST(ZipReader, ListsEntriesModesAndTotalSize) {
  const std::string zip = hand_zip({{"index.js", "exports.handler = 1;\n", 0100644},
                                    {"bin/run", "#!/bin/sh\n", 0100755},
                                    {"lib/", "", 040755}});
  auto info = lcd::inspect_zip(zip);
  ASSERT_TRUE(info) << info.error().message;
  ASSERT_EQ(info->entries.size(), 3u);
  EXPECT_EQ(info->entries[0].name, "index.js");
  EXPECT_EQ(info->entries[0].uncompressed_size, 21u);
  EXPECT_EQ(info->entries[0].unix_mode & 0777, 0644u);
  EXPECT_EQ(info->entries[1].unix_mode & 0777, 0755u);
  EXPECT_FALSE(info->entries[1].is_directory);
  EXPECT_TRUE(info->entries[2].is_directory);
  EXPECT_EQ(info->total_uncompressed, 21u + 10u);
}

TEST(ZipReader, RejectsBytesThatAreNotAZip) {
  for (const std::string& bytes : {std::string(), std::string("hello"), std::string(4096, 'x')}) {
    auto info = lcd::inspect_zip(bytes);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().kind, lcd::ErrorKind::invalid);
    EXPECT_NE(info.error().message.find("not a"), std::string::npos) << info.error().message;
  }
}

TEST(ZipReader, RejectsTruncatedArchive) {
  std::string zip = hand_zip({{"a.txt", std::string(1000, 'a')}});
  auto info = lcd::inspect_zip(std::string_view(zip).substr(0, zip.size() - 30));
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, lcd::ErrorKind::invalid);
}

// libFuzzer (zip_reader, 2.7 million executions in): an entry named "" read name.back() of an empty
// string (undefined behaviour, UBSan).
TEST(ZipReader, RejectsAnEntryWithAnEmptyName) {
  auto info = lcd::inspect_zip(hand_zip({{"ok.js", "1"}, {"", "x"}}));
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, lcd::ErrorKind::invalid);
  EXPECT_NE(info.error().message.find("zip entry #1 has no name"), std::string::npos) << info.error().message;
}

TEST(ZipReader, RejectsEntriesEscapingTheRoot) {
  const std::vector<std::string> bad_names = {"../evil.js", "a/../../evil.js", "a/..", "/etc/passwd",
                                              "..\\evil.js", "a\\..\\..\\evil", "C:/windows/x", "C:evil"};
  for (const auto& name : bad_names) {
    auto info = lcd::inspect_zip(hand_zip({{"ok.js", "1"}, {name, "pwned"}}));
    ASSERT_FALSE(info) << name;
    EXPECT_EQ(info.error().kind, lcd::ErrorKind::invalid) << name;
    EXPECT_NE(info.error().message.find(name), std::string::npos) << info.error().message;
  }
}

TEST(ZipReader, RejectsSymlinksLeavingTheRoot) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"link", "/etc/passwd"}, {"link", ".."}, {"a/link", "../../x"}, {"a/link", "b/../../.."}};
  for (const auto& [name, target] : bad) {
    auto info = lcd::inspect_zip(hand_zip({{name, target, 0120777}}));
    ASSERT_FALSE(info) << name << " -> " << target;
    EXPECT_EQ(info.error().kind, lcd::ErrorKind::invalid);
    EXPECT_NE(info.error().message.find("symlink"), std::string::npos) << info.error().message;
  }
  auto ok = lcd::inspect_zip(hand_zip({{"a/b/link", "../../c/d.js", 0120777}, {"c/d.js", "x"}}));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(ok->entries[0].is_symlink);
}

TEST(ZipReader, RejectsEntriesPlacedThroughASymlink) {
  // "dir" -> "." is inside, but "dir/x" -> ".." would then resolve to the root's parent.
  auto info = lcd::inspect_zip(hand_zip({{"dir", ".", 0120777}, {"dir/x", "..", 0120777}}));
  ASSERT_FALSE(info);
  EXPECT_EQ(info.error().kind, lcd::ErrorKind::invalid);
}

TEST(ZipReader, RejectsMaliciousZipFromPythonZipfile) {
  lcd::TempDir tmp("zip-reader-test");
  const fs::path out = tmp.path() / "evil.zip";
  auto run = lcd::run_process({.argv = {"/usr/bin/python3", "-c",
                                        "import zipfile,sys\n"
                                        "with zipfile.ZipFile(sys.argv[1],'w') as z:\n"
                                        "  z.writestr('index.js','ok')\n"
                                        "  z.writestr('../../outside.txt','x')\n",
                                        out.string()}});
  ASSERT_TRUE(run && run->ok()) << (run ? run->output : run.error().message);
  auto bytes = lcd::read_file(out);
  ASSERT_TRUE(bytes);
  const fs::path dest = tmp.path() / "dest";
  auto extracted = lcd::extract_zip(*bytes, dest);
  ASSERT_FALSE(extracted);
  EXPECT_EQ(extracted.error().kind, lcd::ErrorKind::invalid);
  EXPECT_FALSE(fs::exists(tmp.path() / "outside.txt"));
  EXPECT_FALSE(fs::exists(tmp.path().parent_path() / "outside.txt"));
  EXPECT_FALSE(fs::exists(dest / "index.js"));  // validation happens before any write
}

TEST(ZipReader, ExtractsZipMadeByZipCommandKeepingExecBitAndSymlinks) {
  lcd::TempDir tmp("zip-reader-test");
  const fs::path src = tmp.path() / "src";
  write_text(src / "index.js", "exports.handler = async () => 'hi';\n");
  write_text(src / "bin" / "tool", "#!/bin/sh\necho hi\n");
  ::chmod((src / "bin" / "tool").c_str(), 0755);
  write_text(src / "lib" / "deep" / "util.js", "module.exports = 2;\n");
  fs::create_symlink("deep/util.js", src / "lib" / "alias.js");
  const fs::path zip_path = tmp.path() / "pkg.zip";
  auto run = lcd::run_process({.argv = {"zip", "-qry", zip_path.string(), "."}, .cwd = src});
  ASSERT_TRUE(run && run->ok()) << (run ? run->output : run.error().message);
  auto bytes = lcd::read_file(zip_path);
  ASSERT_TRUE(bytes);

  auto info = lcd::inspect_zip(*bytes);
  ASSERT_TRUE(info) << info.error().message;
  const std::string js = "exports.handler = async () => 'hi';\n";
  const std::string tool = "#!/bin/sh\necho hi\n";
  const std::string util = "module.exports = 2;\n";
  const std::string link_target = "deep/util.js";
  EXPECT_EQ(info->total_uncompressed, js.size() + tool.size() + util.size() + link_target.size());

  const fs::path dest = tmp.path() / "out";
  auto extracted = lcd::extract_zip(*bytes, dest);
  ASSERT_TRUE(extracted) << extracted.error().message;
  EXPECT_EQ(*lcd::read_file(dest / "index.js"), js);
  EXPECT_EQ(*lcd::read_file(dest / "lib" / "deep" / "util.js"), util);
  struct stat st {};
  ASSERT_EQ(::stat((dest / "bin" / "tool").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  ASSERT_EQ(::stat((dest / "index.js").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0111, 0u);
  ASSERT_TRUE(fs::is_symlink(dest / "lib" / "alias.js"));
  EXPECT_EQ(fs::read_symlink(dest / "lib" / "alias.js").string(), link_target);
  EXPECT_EQ(*lcd::read_file(dest / "lib" / "alias.js"), util);
}

TEST(ZipReader, ExtractWritesNothingWhenAnyEntryIsBad) {
  lcd::TempDir tmp("zip-reader-test");
  const fs::path dest = tmp.path() / "dest";
  auto extracted = lcd::extract_zip(hand_zip({{"good.js", "1"}, {"/abs/evil", "2"}}), dest);
  ASSERT_FALSE(extracted);
  EXPECT_EQ(extracted.error().kind, lcd::ErrorKind::invalid);
  EXPECT_FALSE(fs::exists(dest / "good.js"));
  EXPECT_FALSE(fs::exists("/abs/evil"));
}

TEST(ZipReader, RejectsDuplicateFileEntries) {
  auto info = lcd::inspect_zip(hand_zip({{"a.js", "1"}, {"./a.js", "2"}}));
  ASSERT_FALSE(info);
  EXPECT_NE(info.error().message.find("more than once"), std::string::npos) << info.error().message;
}

}  // namespace
