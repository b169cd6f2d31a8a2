#pragma once
// Durations as people write them in flags and lambda-cd.toml: "90s", "5m", "2h", "30d", "250ms",
// or combined ("1m30s"). A bare number is seconds. Pure.

#include <chrono>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lcd {

Result<std::chrono::milliseconds> parse_duration(std::string_view text);

// The shortest exact form: "90s" -> "1m30s", 0 -> "0s".
std::string format_duration(std::chrono::milliseconds duration);

}  // namespace lcd
