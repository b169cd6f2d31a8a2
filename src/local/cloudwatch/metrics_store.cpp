#include "local/cloudwatch/metrics_store.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "local/state_layout.hpp"

namespace lcd::local::cloudwatch {
namespace {

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS cw_series (
  id INTEGER PRIMARY KEY, region TEXT NOT NULL, account TEXT NOT NULL, namespace TEXT NOT NULL,
  metric_name TEXT NOT NULL, dimensions TEXT NOT NULL, unit TEXT NOT NULL, last_ms INTEGER NOT NULL,
  UNIQUE (region, account, namespace, metric_name, dimensions, unit));
CREATE TABLE IF NOT EXISTS cw_points (
  series INTEGER NOT NULL, ts INTEGER NOT NULL, resolution INTEGER NOT NULL, sample_count REAL NOT NULL,
  sum REAL NOT NULL, minimum REAL NOT NULL, maximum REAL NOT NULL, distribution TEXT NOT NULL,
  PRIMARY KEY (series, ts, resolution)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS cw_points_age ON cw_points(resolution, ts);
CREATE TABLE IF NOT EXISTS cw_alarms (
  region TEXT NOT NULL, account TEXT NOT NULL, name TEXT NOT NULL, definition TEXT NOT NULL,
  state_value TEXT NOT NULL, state_reason TEXT NOT NULL, state_reason_data TEXT NOT NULL,
  state_updated_ms INTEGER NOT NULL, state_transitioned_ms INTEGER NOT NULL,
  configuration_updated_ms INTEGER NOT NULL, PRIMARY KEY (region, account, name)) WITHOUT ROWID;
)sql";

constexpr size_t k_max_cached_series = 100000;

// CloudWatch's retention ladder (aws-api-notes-2 §14.4): resolution -> (kept for, then rolled into).
struct Rung {
  int resolution;
  int64_t kept_s;
  int next_resolution;  // 0: deleted
};
constexpr Rung k_ladder[] = {
    {1, 3 * 3600, 60},
    {60, 15 * 86400, 300},
    {300, 63 * 86400, 3600},
    {3600, 455 * 86400, 0},
};

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

StatisticSet read_values(const SqliteStatement& s, int first_column) {
  StatisticSet v;
  v.sample_count = s.column_double(first_column);
  v.sum = s.column_double(first_column + 1);
  v.minimum = s.column_double(first_column + 2);
  v.maximum = s.column_double(first_column + 3);
  v.distribution = Distribution::decode(s.column_text(first_column + 4));
  return v;
}

AlarmRecord read_alarm(const SqliteStatement& s) {
  AlarmRecord a;
  a.region = s.column_text(0);
  a.account = s.column_text(1);
  a.name = s.column_text(2);
  a.definition_json = s.column_text(3);
  a.state_value = s.column_text(4);
  a.state_reason = s.column_text(5);
  a.state_reason_data = s.column_text(6);
  a.state_updated_ms = s.column_int(7);
  a.state_transitioned_ms = s.column_int(8);
  a.configuration_updated_ms = s.column_int(9);
  return a;
}

constexpr const char* k_alarm_columns =
    "region, account, name, definition, state_value, state_reason, state_reason_data, state_updated_ms, "
    "state_transitioned_ms, configuration_updated_ms";

}  // namespace

Result<std::unique_ptr<MetricsStore>> MetricsStore::open(const std::filesystem::path& state_dir) {
  std::unique_ptr<MetricsStore> store(new MetricsStore());
  SqliteOptions options;
  options.caller_serializes = true;
  auto db = SqliteDb::open(state_database(state_dir), k_schema, options);
  if (!db) return fail(db.error());
  store->m_db = std::move(*db);
  return store;
}

Result<int64_t> MetricsStore::series_id(const MetricKey& key, int64_t last_ms) {
  if (auto it = m_series_ids.find(key); it != m_series_ids.end()) {
    auto touch = m_db->prepared("UPDATE cw_series SET last_ms = max(last_ms, ?2) WHERE id = ?1");
    if (!touch) return fail(touch.error());
    touch->bind_all(it->second, last_ms);
    if (auto ran = touch->run(); !ran) return fail(ran.error());
    if (m_db->changes() > 0) return it->second;
    m_series_ids.erase(it);  // removed by retention since it was cached
  }
  std::string dims = dimensions_text(key.dimensions);
  auto upsert = m_db->prepared(
      "INSERT INTO cw_series (region, account, namespace, metric_name, dimensions, unit, last_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (region, account, namespace, metric_name, dimensions, unit) "
      "DO UPDATE SET last_ms = max(last_ms, excluded.last_ms)");
  if (!upsert) return fail(upsert.error());
  upsert->bind_all(key.region, key.account, key.metric_namespace, key.metric_name, dims, key.unit, last_ms);
  if (auto ran = upsert->run(); !ran) return fail(ran.error());
  auto select = m_db->prepared(
      "SELECT id FROM cw_series WHERE region = ?1 AND account = ?2 AND namespace = ?3 AND metric_name = ?4 "
      "AND dimensions = ?5 AND unit = ?6");
  if (!select) return fail(select.error());
  select->bind_all(key.region, key.account, key.metric_namespace, key.metric_name, dims, key.unit);
  auto row = select->step();
  if (!row) return fail(row.error());
  if (!*row) return fail(ErrorKind::internal, "metric series vanished while being written");
  int64_t id = select->column_int(0);
  if (m_series_ids.size() >= k_max_cached_series) m_series_ids.clear();
  m_series_ids.emplace(key, id);
  return id;
}

Result<void> MetricsStore::add(const std::vector<MetricSample>& samples) {
  if (samples.empty()) return {};
  // Merge in memory first: one read-modify-write per bucket, not per sample.
  std::map<MetricKey, int64_t> last_ms;
  std::map<std::tuple<MetricKey, int, int64_t>, StatisticSet> buckets;
  for (const auto& s : samples) {
    int resolution = s.resolution_s == 1 ? 1 : 60;
    int64_t ts = floor_div(floor_div(s.timestamp_ms, 1000), resolution) * resolution;
    buckets[{s.key, resolution, ts}].merge(s.values);
    auto& last = last_ms[s.key];
    last = std::max(last, s.timestamp_ms);
  }
  std::lock_guard lock(m_mutex);
  return m_db->transaction([&]() -> Result<void> {
    std::map<MetricKey, int64_t> ids;
    for (const auto& [key, last] : last_ms) {
      auto id = series_id(key, last);
      if (!id) return fail(id.error());
      ids[key] = *id;
    }
    for (auto& [where, values] : buckets) {
      const auto& [key, resolution, ts] = where;
      int64_t id = ids[key];
      auto read = m_db->prepared(
          "SELECT sample_count, sum, minimum, maximum, distribution FROM cw_points "
          "WHERE series = ?1 AND ts = ?2 AND resolution = ?3");
      if (!read) return fail(read.error());
      read->bind_all(id, ts, static_cast<int64_t>(resolution));
      auto row = read->step();
      if (!row) return fail(row.error());
      StatisticSet merged;
      if (*row) merged = read_values(*read, 0);
      merged.merge(values);
      auto write = m_db->prepared(
          "INSERT OR REPLACE INTO cw_points (series, ts, resolution, sample_count, sum, minimum, maximum, "
          "distribution) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
      if (!write) return fail(write.error());
      write->bind_all(id, ts, static_cast<int64_t>(resolution));
      write->bind_double(4, merged.sample_count);
      write->bind_double(5, merged.sum);
      write->bind_double(6, merged.minimum);
      write->bind_double(7, merged.maximum);
      write->bind_text(8, merged.distribution.encode());
      if (auto ran = write->run(); !ran) return fail(ran.error());
    }
    return {};
  });
}

Result<std::vector<StoredPoint>> MetricsStore::points(const MetricKey& metric, const std::optional<std::string>& unit,
                                                      int64_t from_s, int64_t to_s) {
  std::lock_guard lock(m_mutex);
  std::vector<std::pair<int64_t, std::string>> ids;
  {
    auto select = m_db->prepared(
        "SELECT id, unit FROM cw_series WHERE region = ?1 AND account = ?2 AND namespace = ?3 "
        "AND metric_name = ?4 AND dimensions = ?5");
    if (!select) return fail(select.error());
    select->bind_all(metric.region, metric.account, metric.metric_namespace, metric.metric_name,
                     dimensions_text(metric.dimensions));
    for (;;) {
      auto row = select->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      std::string series_unit = select->column_text(1);
      if (!unit || *unit == series_unit) ids.emplace_back(select->column_int(0), series_unit);
    }
  }
  std::vector<StoredPoint> out;
  for (const auto& [id, series_unit] : ids) {
    auto select = m_db->prepared(
        "SELECT ts, resolution, sample_count, sum, minimum, maximum, distribution FROM cw_points "
        "WHERE series = ?1 AND ts >= ?2 AND ts < ?3 ORDER BY ts");
    if (!select) return fail(select.error());
    select->bind_all(id, from_s, to_s);
    for (;;) {
      auto row = select->step();
      if (!row) return fail(row.error());
      if (!*row) break;
      StoredPoint p;
      p.timestamp_s = select->column_int(0);
      p.resolution_s = static_cast<int>(select->column_int(1));
      p.unit = series_unit;
      p.values = read_values(*select, 2);
      out.push_back(std::move(p));
    }
  }
  return out;
}

Result<std::vector<SeriesInfo>> MetricsStore::series(const SeriesFilter& filter) {
  std::lock_guard lock(m_mutex);
  auto select = m_db->prepared(
      "SELECT namespace, metric_name, dimensions FROM cw_series WHERE region = ?1 AND account = ?2 "
      "AND (?3 = '' OR namespace = ?3) AND (?4 = '' OR metric_name = ?4) AND last_ms >= ?5 "
      "AND EXISTS (SELECT 1 FROM cw_points WHERE series = cw_series.id) "
      "ORDER BY namespace, metric_name, dimensions");
  if (!select) return fail(select.error());
  select->bind_all(filter.region, filter.account, filter.metric_namespace, filter.metric_name, filter.active_since_ms);
  std::vector<SeriesInfo> out;
  std::set<std::tuple<std::string, std::string, std::string>> seen;  // a series per unit: list each once
  for (;;) {
    auto row = select->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    SeriesInfo info{select->column_text(0), select->column_text(1), dimensions_from_text(select->column_text(2))};
    bool matches = true;
    for (const auto& [name, value] : filter.dimension_filters) {
      auto it = std::find_if(info.dimensions.begin(), info.dimensions.end(), [&](const auto& d) { return d.first == name; });
      if (it == info.dimensions.end() || (value && it->second != *value)) matches = false;
    }
    if (!matches) continue;
    if (!seen.emplace(info.metric_namespace, info.metric_name, select->column_text(2)).second) continue;
    out.push_back(std::move(info));
  }
  return out;
}

Result<void> MetricsStore::roll_up(int64_t older_than_s, int from_resolution, int to_resolution,
                                   RetentionReport& report) {
  std::map<std::pair<int64_t, int64_t>, StatisticSet> merged;  // (series, coarse ts)
  int64_t cutoff = to_resolution > 0 ? floor_div(older_than_s, to_resolution) * to_resolution : older_than_s;
  auto select = m_db->prepared(
      "SELECT series, ts, sample_count, sum, minimum, maximum, distribution FROM cw_points "
      "WHERE resolution = ?1 AND ts < ?2");
  if (!select) return fail(select.error());
  select->bind_all(static_cast<int64_t>(from_resolution), cutoff);
  int64_t rows = 0;
  for (;;) {
    auto row = select->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    ++rows;
    if (to_resolution == 0) continue;
    int64_t ts = floor_div(select->column_int(1), to_resolution) * to_resolution;
    merged[{select->column_int(0), ts}].merge(read_values(*select, 2));
  }
  if (rows == 0) return {};
  auto remove = m_db->prepared("DELETE FROM cw_points WHERE resolution = ?1 AND ts < ?2");
  if (!remove) return fail(remove.error());
  remove->bind_all(static_cast<int64_t>(from_resolution), cutoff);
  if (auto ran = remove->run(); !ran) return fail(ran.error());
  if (to_resolution == 0) {
    report.deleted += rows;
    return {};
  }
  report.rolled_up += rows;
  for (auto& [where, values] : merged) {
    auto read = m_db->prepared(
        "SELECT sample_count, sum, minimum, maximum, distribution FROM cw_points "
        "WHERE series = ?1 AND ts = ?2 AND resolution = ?3");
    if (!read) return fail(read.error());
    read->bind_all(where.first, where.second, static_cast<int64_t>(to_resolution));
    auto row = read->step();
    if (!row) return fail(row.error());
    if (*row) values.merge(read_values(*read, 0));
    auto write = m_db->prepared(
        "INSERT OR REPLACE INTO cw_points (series, ts, resolution, sample_count, sum, minimum, maximum, "
        "distribution) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!write) return fail(write.error());
    write->bind_all(where.first, where.second, static_cast<int64_t>(to_resolution));
    write->bind_double(4, values.sample_count);
    write->bind_double(5, values.sum);
    write->bind_double(6, values.minimum);
    write->bind_double(7, values.maximum);
    write->bind_text(8, values.distribution.encode());
    if (auto ran = write->run(); !ran) return fail(ran.error());
  }
  return {};
}

Result<void> MetricsStore::retain(int64_t now_ms, RetentionReport* report) {
  RetentionReport local;
  RetentionReport& r = report ? *report : local;
  std::lock_guard lock(m_mutex);
  return m_db->transaction([&]() -> Result<void> {
    int64_t now_s = floor_div(now_ms, 1000);
    for (const Rung& rung : k_ladder) {
      if (auto done = roll_up(now_s - rung.kept_s, rung.resolution, rung.next_resolution, r); !done) return done;
    }
    auto orphans = m_db->prepared(
        "DELETE FROM cw_series WHERE last_ms < ?1 AND NOT EXISTS (SELECT 1 FROM cw_points WHERE series = cw_series.id)");
    if (!orphans) return fail(orphans.error());
    orphans->bind_all(now_ms - 3 * 3600 * 1000LL);
    if (auto ran = orphans->run(); !ran) return fail(ran.error());
    r.series_removed += m_db->changes();
    if (m_db->changes() > 0) m_series_ids.clear();
    return {};
  });
}

Result<void> MetricsStore::put_alarm(const AlarmRecord& a) {
  std::lock_guard lock(m_mutex);
  auto write = m_db->prepared(
      "INSERT OR REPLACE INTO cw_alarms (region, account, name, definition, state_value, state_reason, "
      "state_reason_data, state_updated_ms, state_transitioned_ms, configuration_updated_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!write) return fail(write.error());
  write->bind_all(a.region, a.account, a.name, a.definition_json, a.state_value, a.state_reason, a.state_reason_data,
                  a.state_updated_ms, a.state_transitioned_ms, a.configuration_updated_ms);
  return write->run();
}

Result<std::vector<AlarmRecord>> MetricsStore::alarms(const std::string& region, const std::string& account) {
  std::lock_guard lock(m_mutex);
  static const std::string sql =
      std::string("SELECT ") + k_alarm_columns + " FROM cw_alarms WHERE region = ?1 AND account = ?2 ORDER BY name";
  auto select = m_db->prepared(sql.c_str());
  if (!select) return fail(select.error());
  select->bind_all(region, account);
  std::vector<AlarmRecord> out;
  for (;;) {
    auto row = select->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back(read_alarm(*select));
  }
  return out;
}

Result<std::vector<AlarmRecord>> MetricsStore::all_alarms() {
  std::lock_guard lock(m_mutex);
  static const std::string sql = std::string("SELECT ") + k_alarm_columns + " FROM cw_alarms";
  auto select = m_db->prepared(sql.c_str());
  if (!select) return fail(select.error());
  std::vector<AlarmRecord> out;
  for (;;) {
    auto row = select->step();
    if (!row) return fail(row.error());
    if (!*row) break;
    out.push_back(read_alarm(*select));
  }
  return out;
}

Result<bool> MetricsStore::delete_alarm(const std::string& region, const std::string& account, const std::string& name) {
  std::lock_guard lock(m_mutex);
  auto remove = m_db->prepared("DELETE FROM cw_alarms WHERE region = ?1 AND account = ?2 AND name = ?3");
  if (!remove) return fail(remove.error());
  remove->bind_all(region, account, name);
  if (auto ran = remove->run(); !ran) return fail(ran.error());
  return m_db->changes() > 0;
}

}  // namespace lcd::local::cloudwatch
