#include "local/lambda_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "local/sqlite_db.hpp"
#include "local/state_layout.hpp"

namespace lcd::local {

namespace {

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS functions (
  region TEXT NOT NULL, name TEXT NOT NULL, spec_json TEXT NOT NULL, code_sha256 TEXT NOT NULL,
  code_size INTEGER NOT NULL, revision_id TEXT NOT NULL, last_modified TEXT NOT NULL,
  busy_until_ms INTEGER NOT NULL, creating INTEGER NOT NULL, next_version INTEGER NOT NULL,
  published_source_hash TEXT NOT NULL, last_published INTEGER NOT NULL, tags_json TEXT NOT NULL,
  PRIMARY KEY (region, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS versions (
  region TEXT NOT NULL, function_name TEXT NOT NULL, version INTEGER NOT NULL, spec_json TEXT NOT NULL,
  code_sha256 TEXT NOT NULL, code_size INTEGER NOT NULL, revision_id TEXT NOT NULL, last_modified TEXT NOT NULL,
  PRIMARY KEY (region, function_name, version)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS aliases (
  region TEXT NOT NULL, function_name TEXT NOT NULL, name TEXT NOT NULL, function_version TEXT NOT NULL,
  description TEXT NOT NULL, routing_json TEXT NOT NULL, revision_id TEXT NOT NULL,
  PRIMARY KEY (region, function_name, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latest_before_update (
  region TEXT NOT NULL, name TEXT NOT NULL, spec_json TEXT NOT NULL, code_sha256 TEXT NOT NULL,
  until_ms INTEGER NOT NULL, PRIMARY KEY (region, name)) WITHOUT ROWID;
)sql";

Error db_error(const Error& error, const char* what) { return Error{error.kind, std::string(what) + ": " + error.message}; }

FunctionRow read_function(const SqliteStatement& s) {
  FunctionRow row;
  row.region = s.column_text(0);
  row.name = s.column_text(1);
  row.spec_json = s.column_text(2);
  row.code_sha256 = s.column_text(3);
  row.code_size = s.column_int(4);
  row.revision_id = s.column_text(5);
  row.last_modified = s.column_text(6);
  row.busy_until_ms = s.column_int(7);
  row.creating = s.column_int(8) != 0;
  row.next_version = s.column_int(9);
  row.published_source_hash = s.column_text(10);
  row.last_published = s.column_int(11);
  row.tags_json = s.column_text(12);
  return row;
}

VersionRow read_version(const SqliteStatement& s) {
  VersionRow row;
  row.region = s.column_text(0);
  row.function_name = s.column_text(1);
  row.version = s.column_int(2);
  row.spec_json = s.column_text(3);
  row.code_sha256 = s.column_text(4);
  row.code_size = s.column_int(5);
  row.revision_id = s.column_text(6);
  row.last_modified = s.column_text(7);
  return row;
}

AliasRow read_alias(const SqliteStatement& s) {
  AliasRow row;
  row.region = s.column_text(0);
  row.function_name = s.column_text(1);
  row.name = s.column_text(2);
  row.function_version = s.column_text(3);
  row.description = s.column_text(4);
  row.routing_json = s.column_text(5);
  row.revision_id = s.column_text(6);
  return row;
}

constexpr const char* k_function_columns =
    "region, name, spec_json, code_sha256, code_size, revision_id, last_modified, busy_until_ms, creating, "
    "next_version, published_source_hash, last_published, tags_json";

}  // namespace

Result<std::unique_ptr<LambdaStore>> LambdaStore::open(const std::filesystem::path& dir) {
  std::unique_ptr<LambdaStore> store(new LambdaStore());
  // WAL, synchronous=NORMAL: a commit writes its WAL frames without fsync; write() then waits for the
  // syncer's fsync of the WAL before acknowledging, which gives synchronous=FULL durability with
  // fsyncs shared between concurrent commits. Checkpoints are fsynced by SQLite itself in this mode.
  // The store's mutex serializes every use of the connection.
  auto db = SqliteDb::open(state_database(dir), k_schema, SqliteOptions{false, 5000, true});
  if (!db) return fail(db.error());
  store->m_db = std::move(*db);
  store->m_wal_path = store->m_db->wal_path();
  store->m_syncer = std::thread([s = store.get()] { s->syncer_loop(); });
  return store;
}

LambdaStore::~LambdaStore() {
  {
    std::lock_guard lock(m_sync_mutex);
    m_stopping = true;
  }
  m_sync_cv.notify_all();
  if (m_syncer.joinable()) m_syncer.join();
}

Result<void> LambdaStore::await_durable(uint64_t seq) {
  std::unique_lock lock(m_sync_mutex);
  if (m_synced_seq >= seq) return {};
  if (seq > m_requested_seq) {
    m_requested_seq = seq;
    m_sync_cv.notify_all();
  }
  m_sync_cv.wait(lock, [&] { return m_synced_seq >= seq || m_sync_error.has_value(); });
  if (m_synced_seq >= seq) return {};
  return fail(*m_sync_error);
}

void LambdaStore::syncer_loop() {
  std::unique_lock lock(m_sync_mutex);
  while (true) {
    m_sync_cv.wait(lock, [&] { return m_stopping || m_requested_seq > m_synced_seq; });
    if (m_requested_seq <= m_synced_seq) return;  // stopping with nothing left to sync
    lock.unlock();
    // Every commit numbered up to `target` has been written to the WAL (it happened before the
    // number was handed out), so one fsync now makes all of them durable.
    uint64_t target = 0;
    {
      std::lock_guard db_lock(m_mutex);
      target = m_commit_seq;
    }
    std::optional<Error> error;
    int fd = ::open(m_wal_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      error = Error{ErrorKind::io, "cannot fsync " + m_wal_path.string() + ": " + std::strerror(errno)};
    }
    if (fd >= 0) ::close(fd);
    lock.lock();
    if (error) {
      m_sync_error = error;
    } else {
      m_synced_seq = std::max(m_synced_seq, target);
    }
    m_sync_cv.notify_all();
  }
}

Result<void> LambdaStore::exec(const char* sql) {
  auto stmt = m_db->prepared(sql);
  if (!stmt) return fail(stmt.error());
  auto row = stmt->step();
  if (!row) return fail(row.error());
  return {};
}

Result<std::optional<FunctionRow>> LambdaStore::get_function(const std::string& region, const std::string& name) {
  static const std::string sql =
      std::string("SELECT ") + k_function_columns + " FROM functions WHERE region=?1 AND name=?2";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(region, name);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "get_function"));
  if (!*row) return std::optional<FunctionRow>();
  return std::optional<FunctionRow>(read_function(*stmt));
}

Result<void> LambdaStore::put_function(const FunctionRow& row) {
  static const std::string sql = std::string("INSERT OR REPLACE INTO functions (") + k_function_columns +
                                 ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  SqliteStatement& s = *stmt;
  s.bind_all(row.region, row.name, row.spec_json, row.code_sha256, row.code_size, row.revision_id, row.last_modified,
             row.busy_until_ms, row.creating ? 1 : 0, row.next_version, row.published_source_hash, row.last_published,
             row.tags_json);
  if (auto done = s.run(); !done) return fail(db_error(done.error(), "put_function"));
  return {};
}

Result<void> LambdaStore::delete_function(const std::string& region, const std::string& name) {
  for (const char* sql : {"DELETE FROM functions WHERE region=?1 AND name=?2",
                          "DELETE FROM versions WHERE region=?1 AND function_name=?2",
                          "DELETE FROM aliases WHERE region=?1 AND function_name=?2",
                          "DELETE FROM latest_before_update WHERE region=?1 AND name=?2"}) {
    auto stmt = m_db->prepared(sql);
    if (!stmt) return fail(stmt.error());
    stmt->bind_all(region, name);
    if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "delete_function"));
  }
  return {};
}

Result<std::vector<FunctionRow>> LambdaStore::list_functions(const std::string& region, const std::string& after_name,
                                                             int limit) {
  static const std::string sql = std::string("SELECT ") + k_function_columns +
                                 " FROM functions WHERE region=?1 AND name>?2 ORDER BY name LIMIT ?3";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(region, after_name, limit);
  std::vector<FunctionRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(db_error(row.error(), "list_functions"));
    if (!*row) break;
    out.push_back(read_function(*stmt));
  }
  return out;
}

Result<int64_t> LambdaStore::count_functions(const std::string& region) {
  auto stmt = m_db->prepared("SELECT COUNT(*) FROM functions WHERE region=?1");
  if (!stmt) return fail(stmt.error());
  stmt->bind_text(1, region);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "count_functions"));
  return *row ? stmt->column_int(0) : 0;
}

Result<int64_t> LambdaStore::total_code_size(const std::string& region) {
  auto stmt = m_db->prepared(
      "SELECT (SELECT COALESCE(SUM(code_size),0) FROM functions WHERE region=?1) + "
      "(SELECT COALESCE(SUM(code_size),0) FROM versions WHERE region=?1)");
  if (!stmt) return fail(stmt.error());
  stmt->bind_text(1, region);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "total_code_size"));
  return *row ? stmt->column_int(0) : 0;
}

Result<std::optional<LatestBeforeUpdate>> LambdaStore::get_latest_before_update(const std::string& region,
                                                                                 const std::string& name) {
  auto stmt = m_db->prepared(
      "SELECT spec_json, code_sha256, until_ms FROM latest_before_update WHERE region=?1 AND name=?2");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(region, name);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "get_latest_before_update"));
  if (!*row) return std::optional<LatestBeforeUpdate>();
  return std::optional<LatestBeforeUpdate>(
      LatestBeforeUpdate{stmt->column_text(0), stmt->column_text(1), stmt->column_int(2)});
}

Result<void> LambdaStore::put_latest_before_update(const std::string& region, const std::string& name,
                                                   const LatestBeforeUpdate& previous) {
  auto stmt = m_db->prepared(
      "INSERT OR REPLACE INTO latest_before_update (region, name, spec_json, code_sha256, until_ms) "
      "VALUES (?1,?2,?3,?4,?5)");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(region, name, previous.spec_json, previous.code_sha256, previous.until_ms);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "put_latest_before_update"));
  return {};
}

Result<std::optional<VersionRow>> LambdaStore::get_version(const std::string& region, const std::string& name,
                                                           int64_t version) {
  auto stmt = m_db->prepared(
      "SELECT region, function_name, version, spec_json, code_sha256, code_size, revision_id, last_modified "
      "FROM versions WHERE region=?1 AND function_name=?2 AND version=?3");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(region, name, version);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "get_version"));
  if (!*row) return std::optional<VersionRow>();
  return std::optional<VersionRow>(read_version(*stmt));
}

Result<void> LambdaStore::put_version(const VersionRow& row) {
  auto stmt = m_db->prepared(
      "INSERT OR REPLACE INTO versions (region, function_name, version, spec_json, code_sha256, code_size, "
      "revision_id, last_modified) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
  if (!stmt) return fail(stmt.error());
  SqliteStatement& s = *stmt;
  s.bind_all(row.region, row.function_name, row.version, row.spec_json, row.code_sha256, row.code_size, row.revision_id,
             row.last_modified);
  if (auto done = s.run(); !done) return fail(db_error(done.error(), "put_version"));
  return {};
}

Result<void> LambdaStore::delete_version(const std::string& region, const std::string& name, int64_t version) {
  auto stmt = m_db->prepared("DELETE FROM versions WHERE region=?1 AND function_name=?2 AND version=?3");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(region, name, version);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "delete_version"));
  return {};
}

Result<std::vector<VersionRow>> LambdaStore::list_versions(const std::string& region, const std::string& name,
                                                           int64_t after_version, int limit) {
  auto stmt = m_db->prepared(
      "SELECT region, function_name, version, spec_json, code_sha256, code_size, revision_id, last_modified "
      "FROM versions WHERE region=?1 AND function_name=?2 AND version>?3 ORDER BY version LIMIT ?4");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(region, name, after_version, limit);
  std::vector<VersionRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(db_error(row.error(), "list_versions"));
    if (!*row) break;
    out.push_back(read_version(*stmt));
  }
  return out;
}

Result<std::optional<AliasRow>> LambdaStore::get_alias(const std::string& region, const std::string& function_name,
                                                       const std::string& alias) {
  auto stmt = m_db->prepared(
      "SELECT region, function_name, name, function_version, description, routing_json, revision_id "
      "FROM aliases WHERE region=?1 AND function_name=?2 AND name=?3");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(region, function_name, alias);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "get_alias"));
  if (!*row) return std::optional<AliasRow>();
  return std::optional<AliasRow>(read_alias(*stmt));
}

Result<void> LambdaStore::put_alias(const AliasRow& row) {
  auto stmt = m_db->prepared(
      "INSERT OR REPLACE INTO aliases (region, function_name, name, function_version, description, routing_json, "
      "revision_id) VALUES (?1,?2,?3,?4,?5,?6,?7)");
  if (!stmt) return fail(stmt.error());
  SqliteStatement& s = *stmt;
  s.bind_all(row.region, row.function_name, row.name, row.function_version, row.description, row.routing_json,
             row.revision_id);
  if (auto done = s.run(); !done) return fail(db_error(done.error(), "put_alias"));
  return {};
}

Result<bool> LambdaStore::delete_alias(const std::string& region, const std::string& function_name,
                                       const std::string& alias) {
  auto stmt = m_db->prepared("DELETE FROM aliases WHERE region=?1 AND function_name=?2 AND name=?3");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(region, function_name, alias);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "delete_alias"));
  return m_db->changes() > 0;
}

Result<std::vector<AliasRow>> LambdaStore::list_aliases(const std::string& region, const std::string& function_name,
                                                        const std::string& after_name, int limit) {
  auto stmt = m_db->prepared(
      "SELECT region, function_name, name, function_version, description, routing_json, revision_id "
      "FROM aliases WHERE region=?1 AND function_name=?2 AND name>?3 ORDER BY name LIMIT ?4");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(region, function_name, after_name, limit);
  std::vector<AliasRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(db_error(row.error(), "list_aliases"));
    if (!*row) break;
    out.push_back(read_alias(*stmt));
  }
  return out;
}

Result<std::vector<std::string>> LambdaStore::referenced_code(const std::string& region) {
  auto stmt = m_db->prepared(
      "SELECT code_sha256 FROM functions WHERE region=?1 UNION SELECT code_sha256 FROM versions WHERE region=?1 "
      "UNION SELECT code_sha256 FROM latest_before_update WHERE region=?1");
  if (!stmt) return fail(stmt.error());
  stmt->bind_text(1, region);
  std::vector<std::string> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(db_error(row.error(), "referenced_code"));
    if (!*row) break;
    out.push_back(stmt->column_text(0));
  }
  return out;
}

Result<bool> LambdaStore::references_code(const std::string& code_sha256, int64_t now_ms) {
  auto stmt = m_db->prepared(
      "SELECT 1 FROM functions WHERE code_sha256=?1 UNION ALL SELECT 1 FROM versions WHERE code_sha256=?1 "
      "UNION ALL SELECT 1 FROM latest_before_update WHERE code_sha256=?1 AND until_ms>?2 LIMIT 1");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(code_sha256, now_ms);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "references_code"));
  return *row;
}

Result<std::string> LambdaStore::integrity_check() {
  std::lock_guard lock(m_mutex);
  auto stmt = m_db->prepared("PRAGMA integrity_check");
  if (!stmt) return fail(stmt.error());
  std::string out;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(db_error(row.error(), "integrity_check"));
    if (!*row) break;
    if (!out.empty()) out += "\n";
    out += stmt->column_text(0);
  }
  return out;
}

}  // namespace lcd::local
