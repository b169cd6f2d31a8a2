#include "local/string_pairs_json.hpp"

#include <nlohmann/json.hpp>

namespace lcd::local {

std::string string_pairs_json(const StringPairs& pairs) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [k, v] : pairs) j.push_back({k, v});
  return j.dump();
}

StringPairs parse_string_pairs_json(std::string_view text) {
  StringPairs out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (item.is_array() && item.size() == 2 && item[0].is_string() && item[1].is_string()) {
      out.emplace_back(item[0].get<std::string>(), item[1].get<std::string>());
    }
  }
  return out;
}

}  // namespace lcd::local
