#pragma once
// Helpers for package tests: building file trees and running the archive checkers nobody here wrote.

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "util/file_io.hpp"
#include "util/subprocess.hpp"

namespace lcd::package::testing {

inline void write_text(const std::filesystem::path& path, const std::string& text, mode_t mode = 0644) {
  std::filesystem::create_directories(path.parent_path());
  { std::ofstream(path, std::ios::binary | std::ios::trunc) << text; }
  ::chmod(path.c_str(), mode);
}

inline std::string slurp(const std::filesystem::path& path) {
  auto bytes = lcd::read_file(path);
  return bytes ? *bytes : std::string("<unreadable: ") + bytes.error().message + ">";
}

// Runs python's zipfile over the archive: testzip() (CRCs) and one line per entry "name mode size".
inline lcd::Result<lcd::ProcessResult> python_listing(const std::filesystem::path& zip) {
  return lcd::run_process({.argv = {"/usr/bin/python3", "-c",
                                    "import zipfile,sys\n"
                                    "z=zipfile.ZipFile(sys.argv[1])\n"
                                    "bad=z.testzip()\n"
                                    "assert bad is None, bad\n"
                                    "for i in z.infolist(): print(i.filename, oct(i.external_attr>>16), i.file_size, i.date_time)\n",
                                    zip.string()}});
}

}  // namespace lcd::package::testing
