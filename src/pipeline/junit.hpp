#pragma once
// Minimal JUnit XML for a test command that does not write its own report.

#include <chrono>
#include <string>
#include <string_view>
#include "util/encoding.hpp"

namespace lcd::pipeline {

struct CommandTestCase {
  std::string suite;      // e.g. "unit-tests"
  std::string name;       // the command line
  bool passed = false;
  std::string failure;    // short reason when failed ("exit code 1", "timed out")
  std::string output;     // combined output, kept in <system-out>
  std::chrono::milliseconds duration{0};
};

std::string junit_xml(const CommandTestCase& test_case);
using lcd::xml_escape;  // util/encoding.hpp

}  // namespace lcd::pipeline
