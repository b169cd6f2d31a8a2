#include "util/duration.hpp"

#include <cctype>
#include <cstdint>

namespace lcd {
namespace {

struct Unit {
  std::string_view name;
  int64_t ms;
};
// Longest names first so "ms" is not read as "m" followed by garbage.
constexpr Unit k_units[] = {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};

}  // namespace

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return fail(ErrorKind::invalid, "'" + std::string(text) + "' is not a duration (e.g. 30s, 5m, 2h, 30d, 1m30s)");
  };
  if (text.empty()) return bad();
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return bad();
    int64_t value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = value * 10 + (text[i] - '0');
      if (value > 1'000'000'000) return bad();
      ++i;
    }
    if (i == text.size()) {
      if (total != 0) return bad();  // "1m30": a unit is needed after the first part
      return std::chrono::milliseconds(value * 1000);
    }
    const Unit* unit = nullptr;
    for (const auto& u : k_units) {
      if (text.substr(i, u.name.size()) == u.name &&
          (i + u.name.size() == text.size() || std::isdigit(static_cast<unsigned char>(text[i + u.name.size()])))) {
        unit = &u;
        break;
      }
    }
    if (!unit) return bad();
    total += value * unit->ms;
    i += unit->name.size();
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds duration) {
  int64_t ms = duration.count();
  if (ms == 0) return "0s";
  std::string out;
  for (auto it = std::rbegin(k_units); it != std::rend(k_units); ++it) {
    if (ms >= it->ms) {
      out += std::to_string(ms / it->ms) + std::string(it->name);
      ms %= it->ms;
    }
  }
  return out;
}

}  // namespace lcd
