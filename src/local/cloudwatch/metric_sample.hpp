#pragma once
// A metric as CloudWatch names it (region, account, namespace, name, dimensions, unit) and a
// sample of it at a time (aws-api-notes-2 §14.3, §14.4). Dimensions are kept sorted by name: a
// metric is identified by its exact set of dimensions.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "local/cloudwatch/statistic_set.hpp"

namespace lcd::local::cloudwatch {

using Dimensions = std::vector<std::pair<std::string, std::string>>;  // (Name, Value), sorted by Name

struct MetricKey {
  std::string region;
  std::string account;
  std::string metric_namespace;
  std::string metric_name;
  Dimensions dimensions;
  std::string unit = "None";

  bool operator<(const MetricKey& other) const;
  bool operator==(const MetricKey& other) const;
};

// Sorted by name (stable for equal names, which PutMetricData rejects before this).
Dimensions sorted_dimensions(Dimensions dimensions);
// The canonical text of a dimension set, as stored: JSON [["Name","Value"],...] in name order.
std::string dimensions_text(const Dimensions& dimensions);
Dimensions dimensions_from_text(const std::string& text);

struct MetricSample {
  MetricKey key;
  int64_t timestamp_ms = 0;
  int resolution_s = 60;  // 1 (StorageResolution=1) or 60
  StatisticSet values;
};

}  // namespace lcd::local::cloudwatch
