#pragma once
// A deterministic zip writer over zlib raw deflate. The same entries give the same bytes on any
// machine: entries sorted by the byte order of their names, DOS time fixed at 1980-01-01 00:00,
// modes normalized (0644 files, 0755 executables and directories, 0777 links) in UNIX external
// attributes, no extra fields, no uid/gid, one fixed deflate level; zip64 records only when a
// size, an offset or the entry count needs them. Content is streamed from files at write time,
// so the tree is never held in memory at once.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lcd::package {

// Lambda's own packaging, zip(1) and this writer all use level 6: the speed/size knee of deflate.
inline constexpr int k_deflate_level = 6;

struct ZipWriterOptions {
  // Worker threads compressing entries ahead of the writer; the output does not depend on it.
  unsigned threads = 0;  // 0: one per hardware thread, at most 4
};

struct ZipWriteResult {
  uint64_t size = 0;               // bytes of the archive
  std::string sha256;              // raw 32 bytes of sha256(archive)
  uint64_t uncompressed_size = 0;  // sum of file (and link target) sizes
  uint64_t entry_count = 0;
  bool zip64 = false;
  // Compressed size per entry, in the (sorted) order written, for size breakdowns.
  std::vector<std::pair<std::string, uint64_t>> compressed_sizes;
};

class ZipWriter {
 public:
  explicit ZipWriter(ZipWriterOptions options = {});

  // `name` is the '/'-separated path inside the archive (no leading '/', no '.' or '..' parts).
  void add_file(std::string name, std::filesystem::path source, bool executable);
  void add_bytes(std::string name, std::string data, bool executable = false);
  // Stored as "name/"; a trailing '/' in `name` is accepted.
  void add_directory(std::string name);
  void add_symlink(std::string name, std::string target);

  size_t entry_count() const { return m_entries.size(); }

  // Writes the archive to `out` (through a temporary file renamed into place) and consumes the
  // entries added so far. Fails with ErrorKind::invalid on a bad or duplicate name, ErrorKind::io
  // on a read or write failure, or when a source file changed size while being read.
  Result<ZipWriteResult> write(const std::filesystem::path& out);

  enum class Kind { file, bytes, directory, symlink };
  struct Entry {
    std::string name;
    Kind kind = Kind::file;
    bool executable = false;
    std::filesystem::path source;  // Kind::file
    std::string data;              // Kind::bytes, or the link target
  };

 private:
  ZipWriterOptions m_options;
  std::vector<Entry> m_entries;
};

// "abc/def" valid as an archive name? Returns the reason when not.
Result<void> check_entry_name(std::string_view name);

}  // namespace lcd::package
