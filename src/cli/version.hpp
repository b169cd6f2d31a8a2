#pragma once
// What `lambda-cd --version` prints: the release and the git commit it was built from (both
// generated at build time by cmake/version_info.cmake into the lcd_version library).

#include <string>

namespace lcd::cli {

const char* version_number();  // "0.1.0"
const char* version_commit();  // "3f2a9c1d0b7e", "3f2a9c1d0b7e-dirty" or "unknown"

// "lambda-cd 0.1.0 (git 3f2a9c1d0b7e)"
inline std::string version_line() {
  return std::string("lambda-cd ") + version_number() + " (git " + version_commit() + ")";
}

}  // namespace lcd::cli
