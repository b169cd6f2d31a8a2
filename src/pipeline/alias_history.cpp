#include "pipeline/alias_history.hpp"

#include <algorithm>

#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {
constexpr std::string_view k_prefix = "lambda-cd";

bool version_like(const std::string& s) {
  return !s.empty() && s.size() <= 10 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
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
