#pragma once
// CloudWatch Logs' durable state in the endpoint's one SQLite database (aws-api-notes-2 §15):
// log groups per region and account, their streams, and events ordered by (timestamp, id) — the id
// is the event's stable identity (FilterLogEvents' eventId, GetLogEvents' tokens). Bounded: a
// group's retention policy drops older events, and a group keeps at most `max_events_per_group`
// events (the oldest go first), so a busy function cannot fill the disk. One connection; calls are
// serialized by the store.

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "local/sqlite_db.hpp"
#include "util/result.hpp"

namespace lcd::local::logs {

struct LogStoreOptions {
  int64_t max_events_per_group = 200000;
};

struct GroupInfo {
  int64_t id = 0;
  std::string region;
  std::string account;
  std::string name;
  int64_t created_ms = 0;
  std::optional<int> retention_days;
  int64_t stored_bytes = 0;
};

struct StreamInfo {
  int64_t id = 0;
  std::string name;
  int64_t created_ms = 0;
  std::optional<int64_t> first_event_ms;
  std::optional<int64_t> last_event_ms;
  std::optional<int64_t> last_ingestion_ms;
};

struct LogEvent {
  int64_t timestamp_ms = 0;
  std::string message;
};

struct StoredEvent {
  int64_t id = 0;
  int64_t timestamp_ms = 0;
  int64_t ingestion_ms = 0;
  std::string message;
  std::string stream;
};

// Where a scan resumes: strictly after (or before) this (timestamp, id).
struct EventPosition {
  int64_t timestamp_ms = 0;
  int64_t id = 0;
};

struct AppendBatch {
  std::string region;
  std::string account;
  std::string group;
  std::string stream;
  std::vector<LogEvent> events;
  bool create_missing = false;  // Lambda's way: group and stream made on first write
};

class LogStore {
 public:
  static Result<std::unique_ptr<LogStore>> open(const std::filesystem::path& state_dir, LogStoreOptions options = {});

  // ErrorKind::conflict when it exists.
  Result<GroupInfo> create_group(const std::string& region, const std::string& account, const std::string& name,
                                 int64_t now_ms);
  Result<std::optional<GroupInfo>> group(const std::string& region, const std::string& account, const std::string& name);
  // Name order, names after `after_name`, at most `limit`.
  Result<std::vector<GroupInfo>> groups(const std::string& region, const std::string& account,
                                        const std::string& prefix, const std::string& after_name, int limit);
  // false when it did not exist. Streams and events go with it.
  Result<bool> delete_group(int64_t group_id);
  Result<void> set_retention(int64_t group_id, std::optional<int> days);

  // ErrorKind::conflict when it exists.
  Result<StreamInfo> create_stream(int64_t group_id, const std::string& name, int64_t now_ms);
  Result<std::optional<StreamInfo>> stream(int64_t group_id, const std::string& name);
  Result<std::vector<StreamInfo>> streams(int64_t group_id);
  // false when it did not exist.
  Result<bool> delete_stream(int64_t group_id, const std::string& name);

  // Every batch in one transaction; a batch whose group or stream is missing (and not
  // create_missing) fails the whole call with ErrorKind::not_found. Ingestion time is `now_ms`.
  Result<void> append(const std::vector<AppendBatch>& batches, int64_t now_ms);

  // Events of one stream with timestamp in [start, end), in (timestamp, id) order: with `after`,
  // the first `limit` after it; without, the newest `limit` before `before` (or the end).
  Result<std::vector<StoredEvent>> stream_events(int64_t stream_id, std::optional<EventPosition> after,
                                                 std::optional<EventPosition> before, int64_t start_ms, int64_t end_ms,
                                                 int limit);
  // Events of a group (optionally only `stream_ids`) with timestamp in [start, end], after
  // `after`, in (timestamp, id) order; at most `limit`.
  Result<std::vector<StoredEvent>> group_events(int64_t group_id, const std::vector<int64_t>& stream_ids,
                                                std::optional<EventPosition> after, int64_t start_ms, int64_t end_ms,
                                                int limit);

  // Retention policies and the per-group cap; returns how many events went.
  Result<int64_t> retain(int64_t now_ms);

 private:
  LogStore(LogStoreOptions options) : m_options(options) {}
  Result<int64_t> group_id_for(const AppendBatch& batch, int64_t now_ms);
  Result<int64_t> stream_id_for(int64_t group_id, const AppendBatch& batch, int64_t now_ms);
  Result<int64_t> trim_group(int64_t group_id);

  LogStoreOptions m_options;
  std::mutex m_mutex;
  std::unique_ptr<SqliteDb> m_db;
};

}  // namespace lcd::local::logs
