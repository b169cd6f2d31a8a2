#pragma once
// CloudWatch's durable state in the endpoint's one SQLite database (aws-api-notes-2 §14.4, §14.5):
// metric series, their datapoints aggregated per bucket of time (1 s for high-resolution samples,
// else 1 minute) and the alarms with their state. Bounded the way CloudWatch is: sub-minute
// buckets roll up into minutes after 3 hours, minutes into 5 minutes after 15 days, those into
// hours after 63 days, and hours go after 455 days; a series with no data left goes with them.
// One connection; calls are serialized by the store.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "local/cloudwatch/metric_sample.hpp"
#include "local/sqlite_db.hpp"
#include "util/result.hpp"

namespace lcd::local::cloudwatch {

// One stored bucket of a series.
struct StoredPoint {
  int64_t timestamp_s = 0;  // bucket start
  int resolution_s = 60;
  std::string unit;
  StatisticSet values;
};

struct SeriesFilter {
  std::string region;
  std::string account;
  std::string metric_namespace;  // "" = any (ListMetrics)
  std::string metric_name;       // "" = any (ListMetrics)
  // ListMetrics: each dimension must be present, with this value unless it is nullopt.
  std::vector<std::pair<std::string, std::optional<std::string>>> dimension_filters;
  int64_t active_since_ms = 0;  // series with data at or after this time
};

struct SeriesInfo {
  std::string metric_namespace;
  std::string metric_name;
  Dimensions dimensions;
};

struct AlarmRecord {
  std::string region;
  std::string account;
  std::string name;
  std::string definition_json;  // the PutMetricAlarm input as stored by the service
  std::string state_value = "INSUFFICIENT_DATA";
  std::string state_reason;
  std::string state_reason_data;
  int64_t state_updated_ms = 0;
  int64_t state_transitioned_ms = 0;
  int64_t configuration_updated_ms = 0;
};

struct RetentionReport {
  int64_t rolled_up = 0;  // buckets merged into a coarser one
  int64_t deleted = 0;    // buckets past the last retention
  int64_t series_removed = 0;
};

class MetricsStore {
 public:
  static Result<std::unique_ptr<MetricsStore>> open(const std::filesystem::path& state_dir);

  // Merges every sample into its series' bucket, in one transaction.
  Result<void> add(const std::vector<MetricSample>& samples);

  // Buckets of the series with exactly `metric`'s dimensions (any unit unless `unit` is given)
  // whose start lies in [from_s, to_s).
  Result<std::vector<StoredPoint>> points(const MetricKey& metric, const std::optional<std::string>& unit,
                                          int64_t from_s, int64_t to_s);

  // Series matching the filter, ordered by namespace, name and dimensions.
  Result<std::vector<SeriesInfo>> series(const SeriesFilter& filter);

  Result<void> retain(int64_t now_ms, RetentionReport* report = nullptr);

  Result<void> put_alarm(const AlarmRecord& alarm);
  Result<std::vector<AlarmRecord>> alarms(const std::string& region, const std::string& account);
  Result<std::vector<AlarmRecord>> all_alarms();
  // false when it did not exist.
  Result<bool> delete_alarm(const std::string& region, const std::string& account, const std::string& name);

 private:
  MetricsStore() = default;
  Result<int64_t> series_id(const MetricKey& key, int64_t last_ms);
  Result<void> roll_up(int64_t older_than_s, int from_resolution, int to_resolution, RetentionReport& report);

  std::mutex m_mutex;
  std::unique_ptr<SqliteDb> m_db;
  std::map<MetricKey, int64_t> m_series_ids;  // cache of known series
};

}  // namespace lcd::local::cloudwatch
