#pragma once
// A zip archive holding one file, stored (no compression), for CloudFormation's Code.ZipFile.
// Deterministic: fixed timestamp, mode 0644. Pure.

#include <string>
#include <string_view>

namespace lcd::local::cloudformation {

std::string single_file_zip(std::string_view name, std::string_view content);

}  // namespace lcd::local::cloudformation
