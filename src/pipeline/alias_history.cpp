#include "pipeline/alias_history.hpp"

#include <algorithm>

#include "pipeline/build_registry.hpp"
#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {
constexpr std::string_view k_prefix = "lambda-cd";

bool version_like(const std::string& s) {
  return !s.empty() && s.size() <= 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
bool run_id_like(const std::string& s) {
  return !s.empty() && s.size() <= 16 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::optional<int64_t> epoch_seconds(const std::string& s) {
  if (s.empty() || s.size() > 12 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(s);
}

// "to,build,started,stepped,run"; nullopt when any part is malformed (the record is then ignored).
std::optional<ShiftRecord> parse_shift(const std::string& text) {
  auto parts = split(text, ',');
  if (parts.size() != 5 || !version_like(parts[0]) || !run_id_like(parts[4])) return std::nullopt;
  if (!parts[1].empty() && !valid_build_id(parts[1])) return std::nullopt;
  auto started = epoch_seconds(parts[2]);
  auto stepped = epoch_seconds(parts[3]);
  if (!started || !stepped) return std::nullopt;
  return ShiftRecord{parts[0], parts[1], *started, *stepped, parts[4]};
}

}  // namespace

AliasHistory parse_alias_description(const std::string& description) {
  AliasHistory h;
  auto words = split(description, ' ');
  if (words.empty() || words[0] != k_prefix) return h;
  h.managed = true;
  for (size_t i = 1; i < words.size(); ++i) {
    const auto& w = words[i];
    if (starts_with(w, "build=")) {
      h.build = w.substr(6);
    } else if (starts_with(w, "shift=")) {
      h.shift = parse_shift(w.substr(6));
    } else if (starts_with(w, "history=")) {
      for (auto& v : split(w.substr(8), ',')) {
        if (version_like(v)) h.previous.push_back(v);
      }
    }
  }
  return h;
}

std::string format_alias_description(const AliasHistory& h) {
  std::string head = std::string(k_prefix);
  if (!h.build.empty()) head += " build=" + h.build;
  if (h.shift) {
    const auto& s = *h.shift;
    head += " shift=" + s.to_version + "," + s.to_build + "," + std::to_string(s.started) + "," +
            std::to_string(s.stepped) + "," + s.run;
  }
  if (h.previous.empty()) return head;
  std::string out = head + " history=";
  bool first = true;
  for (const auto& v : h.previous) {
    std::string next = (first ? "" : ",") + v;
    if (out.size() + next.size() > k_alias_description_max) break;
    out += next;
    first = false;
  }
  return out;
}

AliasHistory history_after_promote(const AliasHistory& before, const std::string& current_version,
                                   const std::string& new_build) {
  AliasHistory after;
  after.managed = true;
  after.build = new_build;
  if (!current_version.empty() && current_version != "$LATEST") after.previous.push_back(current_version);
  for (const auto& v : before.previous) after.previous.push_back(v);
  return after;
}

}  // namespace lcd::pipeline
