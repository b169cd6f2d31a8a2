#include "local/logs/log_store.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "local/state_layout.hpp"

namespace lcd::local::logs {
namespace {

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS logs_groups (
  id INTEGER PRIMARY KEY, region TEXT NOT NULL, account TEXT NOT NULL, name TEXT NOT NULL,
  created_ms INTEGER NOT NULL, retention_days INTEGER, events INTEGER NOT NULL DEFAULT 0,
  stored_bytes INTEGER NOT NULL DEFAULT 0, UNIQUE (region, account, name));
CREATE TABLE IF NOT EXISTS logs_streams (
  id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL, name TEXT NOT NULL, created_ms INTEGER NOT NULL,
  first_event_ms INTEGER, last_event_ms INTEGER, last_ingestion_ms INTEGER, UNIQUE (group_id, name));
CREATE TABLE IF NOT EXISTS logs_events (
  id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL, stream_id INTEGER NOT NULL, ts INTEGER NOT NULL,
  ingestion_ms INTEGER NOT NULL, message TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS logs_events_group ON logs_events(group_id, ts, id);
CREATE INDEX IF NOT EXISTS logs_events_stream ON logs_events(stream_id, ts, id);
)sql";

constexpr int64_t k_min_ts = std::numeric_limits<int64_t>::min();
constexpr int64_t k_max_ts = std::numeric_limits<int64_t>::max();

Error missing_group() {
  Error e{ErrorKind::not_found, "The specified log group does not exist."};
  e.code = "ResourceNotFoundException";
  return e;
}

Error missing_stream() {
  Error e{ErrorKind::not_found, "The specified log stream does not exist."};
  e.code = "ResourceNotFoundException";
  return e;
}

GroupInfo group_from(const SqlRow& r) {
  GroupInfo g;
  g.id = int_of(r[0]);
  g.region = text_of(r[1]);
  g.account = text_of(r[2]);
  g.name = text_of(r[3]);
  g.created_ms = int_of(r[4]);
  if (!std::holds_alternative<std::nullptr_t>(r[5])) g.retention_days = static_cast<int>(int_of(r[5]));
  g.stored_bytes = int_of(r[6]);
  return g;
}

StreamInfo stream_from(const SqlRow& r) {
  StreamInfo s;
  s.id = int_of(r[0]);
  s.name = text_of(r[1]);
  s.created_ms = int_of(r[2]);
  auto optional_int = [](const SqlValue& v) -> std::optional<int64_t> {
    if (std::holds_alternative<std::nullptr_t>(v)) return std::nullopt;
    return int_of(v);
  };
  s.first_event_ms = optional_int(r[3]);
  s.last_event_ms = optional_int(r[4]);
  s.last_ingestion_ms = optional_int(r[5]);
  return s;
}

constexpr const char* k_group_columns = "id, region, account, name, created_ms, retention_days, stored_bytes";
constexpr const char* k_stream_columns = "id, name, created_ms, first_event_ms, last_event_ms, last_ingestion_ms";

}  // namespace

Result<std::unique_ptr<LogStore>> LogStore::open(const std::filesystem::path& state_dir, LogStoreOptions options) {
  std::unique_ptr<LogStore> store(new LogStore(options));
  SqliteOptions db_options;
  db_options.caller_serializes = true;
  auto db = SqliteDb::open(state_database(state_dir), k_schema, db_options);
  if (!db) return fail(db.error());
  store->m_db = std::move(*db);
  return store;
}

Result<GroupInfo> LogStore::create_group(const std::string& region, const std::string& account, const std::string& name,
                                         int64_t now_ms) {
  std::lock_guard lock(m_mutex);
  auto existing = m_db->query("SELECT 1 FROM logs_groups WHERE region = ?1 AND account = ?2 AND name = ?3",
                              {region, account, name});
  if (!existing) return fail(existing.error());
  if (!existing->empty()) {
    Error e{ErrorKind::conflict, "The specified log group already exists"};
    e.code = "ResourceAlreadyExistsException";
    return fail(e);
  }
  if (auto made = m_db->exec("INSERT INTO logs_groups (region, account, name, created_ms) VALUES (?1, ?2, ?3, ?4)",
                             {region, account, name, now_ms});
      !made) {
    return fail(made.error());
  }
  auto rows = m_db->query(std::string("SELECT ") + k_group_columns +
                              " FROM logs_groups WHERE region = ?1 AND account = ?2 AND name = ?3",
                          {region, account, name});
  if (!rows) return fail(rows.error());
  if (rows->empty()) return fail(ErrorKind::internal, "log group vanished while being created");
  return group_from(rows->front());
}

Result<std::optional<GroupInfo>> LogStore::group(const std::string& region, const std::string& account,
                                                 const std::string& name) {
  std::lock_guard lock(m_mutex);
  auto rows = m_db->query(std::string("SELECT ") + k_group_columns +
                              " FROM logs_groups WHERE region = ?1 AND account = ?2 AND name = ?3",
                          {region, account, name});
  if (!rows) return fail(rows.error());
  if (rows->empty()) return std::optional<GroupInfo>();
  return std::optional<GroupInfo>(group_from(rows->front()));
}

Result<std::vector<GroupInfo>> LogStore::groups(const std::string& region, const std::string& account,
                                                const std::string& prefix, const std::string& after_name, int limit) {
  std::lock_guard lock(m_mutex);
  // Prefix as a range (names >= prefix and < prefix + U+10FFFF) so it is literal, not a LIKE pattern.
  auto rows = m_db->query(std::string("SELECT ") + k_group_columns +
                              " FROM logs_groups WHERE region = ?1 AND account = ?2 AND name >= ?3 AND name < ?4 "
                              "AND name > ?5 ORDER BY name LIMIT ?6",
                          {region, account, prefix, prefix + "\xf4\x8f\xbf\xbf", after_name, int64_t{limit}});
  if (!rows) return fail(rows.error());
  std::vector<GroupInfo> out;
  for (const auto& r : *rows) out.push_back(group_from(r));
  return out;
}

Result<bool> LogStore::delete_group(int64_t group_id) {
  std::lock_guard lock(m_mutex);
  bool existed = false;
  auto done = m_db->transaction([&]() -> Result<void> {
    if (auto e = m_db->exec("DELETE FROM logs_events WHERE group_id = ?1", {group_id}); !e) return e;
    if (auto s = m_db->exec("DELETE FROM logs_streams WHERE group_id = ?1", {group_id}); !s) return s;
    if (auto g = m_db->exec("DELETE FROM logs_groups WHERE id = ?1", {group_id}); !g) return g;
    existed = m_db->changes() > 0;
    return {};
  });
  if (!done) return fail(done.error());
  return existed;
}

Result<void> LogStore::set_retention(int64_t group_id, std::optional<int> days) {
  std::lock_guard lock(m_mutex);
  return m_db->exec("UPDATE logs_groups SET retention_days = ?2 WHERE id = ?1",
                    {group_id, days ? SqlValue(int64_t{*days}) : SqlValue(nullptr)});
}

Result<StreamInfo> LogStore::create_stream(int64_t group_id, const std::string& name, int64_t now_ms) {
  std::lock_guard lock(m_mutex);
  auto existing = m_db->query("SELECT 1 FROM logs_streams WHERE group_id = ?1 AND name = ?2", {group_id, name});
  if (!existing) return fail(existing.error());
  if (!existing->empty()) {
    Error e{ErrorKind::conflict, "The specified log stream already exists"};
    e.code = "ResourceAlreadyExistsException";
    return fail(e);
  }
  if (auto made = m_db->exec("INSERT INTO logs_streams (group_id, name, created_ms) VALUES (?1, ?2, ?3)",
                             {group_id, name, now_ms});
      !made) {
    return fail(made.error());
  }
  StreamInfo s;
  s.name = name;
  s.created_ms = now_ms;
  auto id = m_db->query("SELECT id FROM logs_streams WHERE group_id = ?1 AND name = ?2", {group_id, name});
  if (!id) return fail(id.error());
  if (!id->empty()) s.id = int_of(id->front()[0]);
  return s;
}

Result<std::optional<StreamInfo>> LogStore::stream(int64_t group_id, const std::string& name) {
  std::lock_guard lock(m_mutex);
  auto rows = m_db->query(std::string("SELECT ") + k_stream_columns + " FROM logs_streams WHERE group_id = ?1 AND name = ?2",
                          {group_id, name});
  if (!rows) return fail(rows.error());
  if (rows->empty()) return std::optional<StreamInfo>();
  return std::optional<StreamInfo>(stream_from(rows->front()));
}

Result<std::vector<StreamInfo>> LogStore::streams(int64_t group_id) {
  std::lock_guard lock(m_mutex);
  auto rows = m_db->query(std::string("SELECT ") + k_stream_columns + " FROM logs_streams WHERE group_id = ?1 ORDER BY name",
                          {group_id});
  if (!rows) return fail(rows.error());
  std::vector<StreamInfo> out;
  for (const auto& r : *rows) out.push_back(stream_from(r));
  return out;
}

Result<bool> LogStore::delete_stream(int64_t group_id, const std::string& name) {
  std::lock_guard lock(m_mutex);
  bool existed = false;
  auto done = m_db->transaction([&]() -> Result<void> {
    auto id = m_db->query("SELECT id FROM logs_streams WHERE group_id = ?1 AND name = ?2", {group_id, name});
    if (!id) return fail(id.error());
    if (id->empty()) return {};
    existed = true;
    int64_t stream_id = int_of(id->front()[0]);
    auto sizes = m_db->query("SELECT COUNT(*), COALESCE(SUM(length(CAST(message AS BLOB))), 0) FROM logs_events WHERE stream_id = ?1",
                             {stream_id});
    if (!sizes) return fail(sizes.error());
    if (auto e = m_db->exec("DELETE FROM logs_events WHERE stream_id = ?1", {stream_id}); !e) return e;
    if (auto s = m_db->exec("DELETE FROM logs_streams WHERE id = ?1", {stream_id}); !s) return s;
    return m_db->exec("UPDATE logs_groups SET events = events - ?2, stored_bytes = stored_bytes - ?3 WHERE id = ?1",
                      {group_id, int_of(sizes->front()[0]), int_of(sizes->front()[1])});
  });
  if (!done) return fail(done.error());
  return existed;
}

Result<int64_t> LogStore::group_id_for(const AppendBatch& batch, int64_t now_ms) {
  auto select = m_db->prepared("SELECT id FROM logs_groups WHERE region = ?1 AND account = ?2 AND name = ?3");
  if (!select) return fail(select.error());
  select->bind_all(batch.region, batch.account, batch.group);
  auto row = select->step();
  if (!row) return fail(row.error());
  if (*row) return select->column_int(0);
  if (!batch.create_missing) return fail(missing_group());
  auto insert = m_db->prepared("INSERT INTO logs_groups (region, account, name, created_ms) VALUES (?1, ?2, ?3, ?4)");
  if (!insert) return fail(insert.error());
  insert->bind_all(batch.region, batch.account, batch.group, now_ms);
  if (auto ran = insert->run(); !ran) return fail(ran.error());
  return group_id_for(AppendBatch{batch.region, batch.account, batch.group, batch.stream, {}, false}, now_ms);
}

Result<int64_t> LogStore::stream_id_for(int64_t group_id, const AppendBatch& batch, int64_t now_ms) {
  auto select = m_db->prepared("SELECT id FROM logs_streams WHERE group_id = ?1 AND name = ?2");
  if (!select) return fail(select.error());
  select->bind_all(group_id, batch.stream);
  auto row = select->step();
  if (!row) return fail(row.error());
  if (*row) return select->column_int(0);
  if (!batch.create_missing) return fail(missing_stream());
  auto insert = m_db->prepared("INSERT INTO logs_streams (group_id, name, created_ms) VALUES (?1, ?2, ?3)");
  if (!insert) return fail(insert.error());
  insert->bind_all(group_id, batch.stream, now_ms);
  if (auto ran = insert->run(); !ran) return fail(ran.error());
  AppendBatch existing = batch;
  existing.create_missing = false;
  existing.events.clear();
  return stream_id_for(group_id, existing, now_ms);
}

Result<void> LogStore::append(const std::vector<AppendBatch>& batches, int64_t now_ms) {
  std::lock_guard lock(m_mutex);
  return m_db->transaction([&]() -> Result<void> {
    std::set<int64_t> touched;
    for (const auto& batch : batches) {
      auto group_id = group_id_for(batch, now_ms);
      if (!group_id) return fail(group_id.error());
      auto stream_id = stream_id_for(*group_id, batch, now_ms);
      if (!stream_id) return fail(stream_id.error());
      if (batch.events.empty()) continue;
      int64_t bytes = 0, first = k_max_ts, last = k_min_ts;
      for (const auto& e : batch.events) {
        auto insert = m_db->prepared(
            "INSERT INTO logs_events (group_id, stream_id, ts, ingestion_ms, message) VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!insert) return fail(insert.error());
        insert->bind_all(*group_id, *stream_id, e.timestamp_ms, now_ms, e.message);
        if (auto ran = insert->run(); !ran) return fail(ran.error());
        bytes += static_cast<int64_t>(e.message.size());
        first = std::min(first, e.timestamp_ms);
        last = std::max(last, e.timestamp_ms);
      }
      auto stream = m_db->prepared(
          "UPDATE logs_streams SET first_event_ms = min(coalesce(first_event_ms, ?2), ?2), "
          "last_event_ms = max(coalesce(last_event_ms, ?3), ?3), last_ingestion_ms = ?4 WHERE id = ?1");
      if (!stream) return fail(stream.error());
      stream->bind_all(*stream_id, first, last, now_ms);
      if (auto ran = stream->run(); !ran) return fail(ran.error());
      auto group = m_db->prepared("UPDATE logs_groups SET events = events + ?2, stored_bytes = stored_bytes + ?3 WHERE id = ?1");
      if (!group) return fail(group.error());
      group->bind_all(*group_id, static_cast<int64_t>(batch.events.size()), bytes);
      if (auto ran = group->run(); !ran) return fail(ran.error());
      touched.insert(*group_id);
    }
    for (int64_t id : touched) {
      if (auto trimmed = trim_group(id); !trimmed) return fail(trimmed.error());
    }
    return {};
  });
}

Result<int64_t> LogStore::trim_group(int64_t group_id) {
  auto count = m_db->prepared("SELECT events FROM logs_groups WHERE id = ?1");
  if (!count) return fail(count.error());
  count->bind_all(group_id);
  auto row = count->step();
  if (!row) return fail(row.error());
  if (!*row) return int64_t{0};
  int64_t events = count->column_int(0);
  int64_t cap = m_options.max_events_per_group;
  // Trim in chunks (a tenth of the cap over it) rather than one event per append.
  if (events <= cap + std::max<int64_t>(1, cap / 10)) return int64_t{0};
  int64_t excess = events - cap;
  auto sizes = m_db->query(
      "SELECT COUNT(*), COALESCE(SUM(length(CAST(message AS BLOB))), 0) FROM (SELECT message FROM logs_events "
      "WHERE group_id = ?1 ORDER BY ts, id LIMIT ?2)",
      {group_id, excess});
  if (!sizes) return fail(sizes.error());
  if (auto removed = m_db->exec("DELETE FROM logs_events WHERE id IN (SELECT id FROM logs_events WHERE group_id = ?1 "
                                "ORDER BY ts, id LIMIT ?2)",
                                {group_id, excess});
      !removed) {
    return fail(removed.error());
  }
  int64_t removed = int_of(sizes->front()[0]);
  if (auto updated = m_db->exec("UPDATE logs_groups SET events = events - ?2, stored_bytes = stored_bytes - ?3 WHERE id = ?1",
                                {group_id, removed, int_of(sizes->front()[1])});
      !updated) {
    return fail(updated.error());
  }
  return removed;
}

Result<std::vector<StoredEvent>> LogStore::stream_events(int64_t stream_id, std::optional<EventPosition> after,
                                                         std::optional<EventPosition> before, int64_t start_ms,
                                                         int64_t end_ms, int limit) {
  std::lock_guard lock(m_mutex);
  std::vector<StoredEvent> out;
  bool backward = !after.has_value();
  std::string sql =
      "SELECT id, ts, ingestion_ms, message FROM logs_events WHERE stream_id = ?1 AND ts >= ?2 AND ts < ?3 ";
  EventPosition from = after.value_or(EventPosition{k_min_ts, 0});
  EventPosition to = before.value_or(EventPosition{k_max_ts, 0});
  sql += "AND (ts > ?4 OR (ts = ?4 AND id > ?5)) AND (ts < ?6 OR (ts = ?6 AND id < ?7)) ";
  sql += backward ? "ORDER BY ts DESC, id DESC LIMIT ?8" : "ORDER BY ts, id LIMIT ?8";
  auto rows = m_db->query(sql, {stream_id, start_ms, end_ms, from.timestamp_ms, from.id, to.timestamp_ms,
                                to.id == 0 && !before ? k_max_ts : to.id, int64_t{limit}});
  if (!rows) return fail(rows.error());
  for (const auto& r : *rows) {
    out.push_back(StoredEvent{int_of(r[0]), int_of(r[1]), int_of(r[2]), text_of(r[3]), ""});
  }
  if (backward) std::reverse(out.begin(), out.end());
  return out;
}

Result<std::vector<StoredEvent>> LogStore::group_events(int64_t group_id, const std::vector<int64_t>& stream_ids,
                                                        std::optional<EventPosition> after, int64_t start_ms,
                                                        int64_t end_ms, int limit) {
  std::lock_guard lock(m_mutex);
  std::string sql =
      "SELECT e.id, e.ts, e.ingestion_ms, e.message, s.name FROM logs_events e JOIN logs_streams s ON s.id = e.stream_id "
      "WHERE e.group_id = ?1 AND e.ts >= ?2 AND e.ts <= ?3 AND (e.ts > ?4 OR (e.ts = ?4 AND e.id > ?5)) ";
  std::vector<SqlValue> params = {group_id, start_ms, end_ms};
  EventPosition from = after.value_or(EventPosition{k_min_ts, 0});
  params.emplace_back(from.timestamp_ms);
  params.emplace_back(from.id);
  params.emplace_back(int64_t{limit});
  if (!stream_ids.empty()) {
    sql += "AND e.stream_id IN (";
    for (size_t i = 0; i < stream_ids.size(); ++i) {
      sql += (i ? ", ?" : "?") + std::to_string(params.size() + 1);
      params.emplace_back(stream_ids[i]);
    }
    sql += ") ";
  }
  sql += "ORDER BY e.ts, e.id LIMIT ?6";
  auto rows = m_db->query(sql, params);
  if (!rows) return fail(rows.error());
  std::vector<StoredEvent> out;
  for (const auto& r : *rows) {
    out.push_back(StoredEvent{int_of(r[0]), int_of(r[1]), int_of(r[2]), text_of(r[3]), text_of(r[4])});
  }
  return out;
}

Result<int64_t> LogStore::retain(int64_t now_ms) {
  std::lock_guard lock(m_mutex);
  int64_t removed = 0;
  auto done = m_db->transaction([&]() -> Result<void> {
    auto groups = m_db->query("SELECT id, retention_days FROM logs_groups");
    if (!groups) return fail(groups.error());
    for (const auto& g : *groups) {
      int64_t id = int_of(g[0]);
      if (!std::holds_alternative<std::nullptr_t>(g[1])) {
        int64_t cutoff = now_ms - int_of(g[1]) * 86400000LL;
        auto sizes = m_db->query(
            "SELECT COUNT(*), COALESCE(SUM(length(CAST(message AS BLOB))), 0) FROM logs_events WHERE group_id = ?1 AND ts < ?2",
            {id, cutoff});
        if (!sizes) return fail(sizes.error());
        int64_t count = int_of(sizes->front()[0]);
        if (count > 0) {
          if (auto e = m_db->exec("DELETE FROM logs_events WHERE group_id = ?1 AND ts < ?2", {id, cutoff}); !e) return e;
          if (auto u = m_db->exec("UPDATE logs_groups SET events = events - ?2, stored_bytes = stored_bytes - ?3 WHERE id = ?1",
                                  {id, count, int_of(sizes->front()[1])});
              !u) {
            return u;
          }
          removed += count;
        }
      }
      auto trimmed = trim_group(id);
      if (!trimmed) return fail(trimmed.error());
      removed += *trimmed;
    }
    return {};
  });
  if (!done) return fail(done.error());
  return removed;
}

}  // namespace lcd::local::logs
