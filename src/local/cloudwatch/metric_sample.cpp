#include "local/cloudwatch/metric_sample.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <tuple>

namespace lcd::local::cloudwatch {

bool MetricKey::operator<(const MetricKey& o) const {
  return std::tie(region, account, metric_namespace, metric_name, dimensions, unit) <
         std::tie(o.region, o.account, o.metric_namespace, o.metric_name, o.dimensions, o.unit);
}

bool MetricKey::operator==(const MetricKey& o) const {
  return std::tie(region, account, metric_namespace, metric_name, dimensions, unit) ==
         std::tie(o.region, o.account, o.metric_namespace, o.metric_name, o.dimensions, o.unit);
}

Dimensions sorted_dimensions(Dimensions dimensions) {
  std::stable_sort(dimensions.begin(), dimensions.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return dimensions;
}

std::string dimensions_text(const Dimensions& dimensions) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& [name, value] : dimensions) j.push_back({name, value});
  // A query parameter may carry any byte (%AD): stored with invalid bytes replaced, the same way
  // when written and when looked up.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Dimensions dimensions_from_text(const std::string& text) {
  Dimensions out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& item : j) {
    if (item.is_array() && item.size() == 2 && item[0].is_string() && item[1].is_string()) {
      out.emplace_back(item[0].get<std::string>(), item[1].get<std::string>());
    }
  }
  return out;
}

}  // namespace lcd::local::cloudwatch
