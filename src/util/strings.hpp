#pragma once
// Small string helpers with no knowledge of AWS.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lcd {

std::string to_lower(std::string_view s);
std::string_view trim(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Splits on every `sep`; keeps empty fields.
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// Replaces every occurrence of `from` (non-empty) with `to`.
std::string replace_all(std::string s, std::string_view from, std::string_view to);
// A byte count in mebibytes with one decimal: "52.0 MiB".
std::string format_mib(uint64_t bytes);

}  // namespace lcd
