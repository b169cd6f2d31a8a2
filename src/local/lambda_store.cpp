#include "local/lambda_store.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "local/state_layout.hpp"
#include "util/file_io.hpp"

namespace lcd::local {

// Prepared statements, cached by SQL text for the life of the connection.
class LambdaStore::Statements {
 public:
  explicit Statements(sqlite3* db) : m_db(db) {}
  ~Statements() {
    for (auto& [sql, stmt] : m_cache) sqlite3_finalize(stmt);
  }
  Result<sqlite3_stmt*> get(const char* sql) {
    auto it = m_cache.find(sql);
    if (it != m_cache.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
      return fail(ErrorKind::io, std::string("sqlite prepare: ") + sqlite3_errmsg(m_db));
    }
    m_cache.emplace(sql, stmt);
    return stmt;
  }

 private:
  sqlite3* m_db;
  std::map<std::string, sqlite3_stmt*> m_cache;
};

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
)sql";

Error db_error(sqlite3* db, const char* what) {
  return Error{ErrorKind::io, std::string(what) + ": " + sqlite3_errmsg(db)};
}

void bind_text(sqlite3_stmt* stmt, int index, const std::string& value) {
  sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* stmt, int index) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, index));
  int size = sqlite3_column_bytes(stmt, index);
  return text ? std::string(text, static_cast<size_t>(size)) : std::string();
}

FunctionRow read_function(sqlite3_stmt* s) {
  FunctionRow row;
  row.region = column_text(s, 0);
  row.name = column_text(s, 1);
  row.spec_json = column_text(s, 2);
  row.code_sha256 = column_text(s, 3);
  row.code_size = sqlite3_column_int64(s, 4);
  row.revision_id = column_text(s, 5);
  row.last_modified = column_text(s, 6);
  row.busy_until_ms = sqlite3_column_int64(s, 7);
  row.creating = sqlite3_column_int(s, 8) != 0;
  row.next_version = sqlite3_column_int64(s, 9);
  row.published_source_hash = column_text(s, 10);
  row.last_published = sqlite3_column_int64(s, 11);
  row.tags_json = column_text(s, 12);
  return row;
}

VersionRow read_version(sqlite3_stmt* s) {
  VersionRow row;
  row.region = column_text(s, 0);
  row.function_name = column_text(s, 1);
  row.version = sqlite3_column_int64(s, 2);
  row.spec_json = column_text(s, 3);
  row.code_sha256 = column_text(s, 4);
  row.code_size = sqlite3_column_int64(s, 5);
  row.revision_id = column_text(s, 6);
  row.last_modified = column_text(s, 7);
  return row;
}

AliasRow read_alias(sqlite3_stmt* s) {
  AliasRow row;
  row.region = column_text(s, 0);
  row.function_name = column_text(s, 1);
  row.name = column_text(s, 2);
  row.function_version = column_text(s, 3);
  row.description = column_text(s, 4);
  row.routing_json = column_text(s, 5);
  row.revision_id = column_text(s, 6);
  return row;
}

// Ends the statement's implicit read transaction as soon as the caller is done with it.
struct ResetOnExit {
  sqlite3_stmt* stmt;
  ~ResetOnExit() { sqlite3_reset(stmt); }
};

constexpr const char* k_function_columns =
    "region, name, spec_json, code_sha256, code_size, revision_id, last_modified, busy_until_ms, creating, "
    "next_version, published_source_hash, last_published, tags_json";

}  // namespace

#define LCD_DB static_cast<sqlite3*>(m_db)

Result<std::unique_ptr<LambdaStore>> LambdaStore::open(const std::filesystem::path& dir) {
  if (auto made = ensure_directory(dir); !made) return fail(made.error());
  std::unique_ptr<LambdaStore> store(new LambdaStore());
  sqlite3* db = nullptr;
  auto path = state_database(dir).string();
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    if (db) sqlite3_close(db);
    return fail(ErrorKind::io, "cannot open " + path + ": " + message);
  }
  store->m_db = db;
  sqlite3_busy_timeout(db, 5000);
  store->m_statements = std::make_unique<Statements>(db);
  // WAL + synchronous=FULL: a commit returns only after the WAL is fsynced.
  // WAL, synchronous=NORMAL: a commit writes its WAL frames without fsync; write() then waits for the
  // syncer's fsync of the WAL before acknowledging, which gives synchronous=FULL durability with
  // fsyncs shared between concurrent commits. Checkpoints are fsynced by SQLite itself in this mode.
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=OFF"}) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : "";
      sqlite3_free(err);
      return fail(ErrorKind::io, std::string(sql) + ": " + message);
    }
  }
  char* err = nullptr;
  if (sqlite3_exec(db, k_schema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "";
    sqlite3_free(err);
    return fail(ErrorKind::io, "schema: " + message);
  }
  store->m_wal_path = path + "-wal";
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
  m_statements.reset();
  if (m_db) sqlite3_close(LCD_DB);
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
  auto stmt = m_statements->get(sql);
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  int rc = sqlite3_step(*stmt);
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return fail(db_error(LCD_DB, sql));
  return {};
}

Result<std::optional<FunctionRow>> LambdaStore::get_function(const std::string& region, const std::string& name) {
  static const std::string sql =
      std::string("SELECT ") + k_function_columns + " FROM functions WHERE region=?1 AND name=?2";
  auto stmt = m_statements->get(sql.c_str());
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  bind_text(*stmt, 2, name);
  int rc = sqlite3_step(*stmt);
  if (rc == SQLITE_ROW) return std::optional<FunctionRow>(read_function(*stmt));
  if (rc == SQLITE_DONE) return std::optional<FunctionRow>();
  return fail(db_error(LCD_DB, "get_function"));
}

Result<void> LambdaStore::put_function(const FunctionRow& row) {
  static const std::string sql = std::string("INSERT OR REPLACE INTO functions (") + k_function_columns +
                                 ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)";
  auto stmt = m_statements->get(sql.c_str());
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  sqlite3_stmt* s = *stmt;
  bind_text(s, 1, row.region);
  bind_text(s, 2, row.name);
  bind_text(s, 3, row.spec_json);
  bind_text(s, 4, row.code_sha256);
  sqlite3_bind_int64(s, 5, row.code_size);
  bind_text(s, 6, row.revision_id);
  bind_text(s, 7, row.last_modified);
  sqlite3_bind_int64(s, 8, row.busy_until_ms);
  sqlite3_bind_int(s, 9, row.creating ? 1 : 0);
  sqlite3_bind_int64(s, 10, row.next_version);
  bind_text(s, 11, row.published_source_hash);
  sqlite3_bind_int64(s, 12, row.last_published);
  bind_text(s, 13, row.tags_json);
  if (sqlite3_step(s) != SQLITE_DONE) return fail(db_error(LCD_DB, "put_function"));
  return {};
}

Result<void> LambdaStore::delete_function(const std::string& region, const std::string& name) {
  for (const char* sql : {"DELETE FROM functions WHERE region=?1 AND name=?2",
                          "DELETE FROM versions WHERE region=?1 AND function_name=?2",
                          "DELETE FROM aliases WHERE region=?1 AND function_name=?2"}) {
    auto stmt = m_statements->get(sql);
    if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
    bind_text(*stmt, 1, region);
    bind_text(*stmt, 2, name);
    if (sqlite3_step(*stmt) != SQLITE_DONE) return fail(db_error(LCD_DB, "delete_function"));
  }
  return {};
}

Result<std::vector<FunctionRow>> LambdaStore::list_functions(const std::string& region, const std::string& after_name,
                                                             int limit) {
  static const std::string sql = std::string("SELECT ") + k_function_columns +
                                 " FROM functions WHERE region=?1 AND name>?2 ORDER BY name LIMIT ?3";
  auto stmt = m_statements->get(sql.c_str());
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  bind_text(*stmt, 2, after_name);
  sqlite3_bind_int(*stmt, 3, limit);
  std::vector<FunctionRow> out;
  int rc;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) out.push_back(read_function(*stmt));
  if (rc != SQLITE_DONE) return fail(db_error(LCD_DB, "list_functions"));
  return out;
}

Result<int64_t> LambdaStore::count_functions(const std::string& region) {
  auto stmt = m_statements->get("SELECT COUNT(*) FROM functions WHERE region=?1");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  if (sqlite3_step(*stmt) != SQLITE_ROW) return fail(db_error(LCD_DB, "count_functions"));
  return sqlite3_column_int64(*stmt, 0);
}

Result<int64_t> LambdaStore::total_code_size(const std::string& region) {
  auto stmt = m_statements->get(
      "SELECT (SELECT COALESCE(SUM(code_size),0) FROM functions WHERE region=?1) + "
      "(SELECT COALESCE(SUM(code_size),0) FROM versions WHERE region=?1)");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  if (sqlite3_step(*stmt) != SQLITE_ROW) return fail(db_error(LCD_DB, "total_code_size"));
  return sqlite3_column_int64(*stmt, 0);
}

Result<std::optional<VersionRow>> LambdaStore::get_version(const std::string& region, const std::string& name,
                                                           int64_t version) {
  auto stmt = m_statements->get(
      "SELECT region, function_name, version, spec_json, code_sha256, code_size, revision_id, last_modified "
      "FROM versions WHERE region=?1 AND function_name=?2 AND version=?3");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  bind_text(*stmt, 2, name);
  sqlite3_bind_int64(*stmt, 3, version);
  int rc = sqlite3_step(*stmt);
  if (rc == SQLITE_ROW) return std::optional<VersionRow>(read_version(*stmt));
  if (rc == SQLITE_DONE) return std::optional<VersionRow>();
  return fail(db_error(LCD_DB, "get_version"));
}

Result<void> LambdaStore::put_version(const VersionRow& row) {
  auto stmt = m_statements->get(
      "INSERT OR REPLACE INTO versions (region, function_name, version, spec_json, code_sha256, code_size, "
      "revision_id, last_modified) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  sqlite3_stmt* s = *stmt;
  bind_text(s, 1, row.region);
  bind_text(s, 2, row.function_name);
  sqlite3_bind_int64(s, 3, row.version);
  bind_text(s, 4, row.spec_json);
  bind_text(s, 5, row.code_sha256);
  sqlite3_bind_int64(s, 6, row.code_size);
  bind_text(s, 7, row.revision_id);
  bind_text(s, 8, row.last_modified);
  if (sqlite3_step(s) != SQLITE_DONE) return fail(db_error(LCD_DB, "put_version"));
  return {};
}

Result<void> LambdaStore::delete_version(const std::string& region, const std::string& name, int64_t version) {
  auto stmt = m_statements->get("DELETE FROM versions WHERE region=?1 AND function_name=?2 AND version=?3");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  bind_text(*stmt, 2, name);
  sqlite3_bind_int64(*stmt, 3, version);
  if (sqlite3_step(*stmt) != SQLITE_DONE) return fail(db_error(LCD_DB, "delete_version"));
  return {};
}

Result<std::vector<VersionRow>> LambdaStore::list_versions(const std::string& region, const std::string& name,
                                                           int64_t after_version, int limit) {
  auto stmt = m_statements->get(
      "SELECT region, function_name, version, spec_json, code_sha256, code_size, revision_id, last_modified "
      "FROM versions WHERE region=?1 AND function_name=?2 AND version>?3 ORDER BY version LIMIT ?4");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  bind_text(*stmt, 2, name);
  sqlite3_bind_int64(*stmt, 3, after_version);
  sqlite3_bind_int(*stmt, 4, limit);
  std::vector<VersionRow> out;
  int rc;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) out.push_back(read_version(*stmt));
  if (rc != SQLITE_DONE) return fail(db_error(LCD_DB, "list_versions"));
  return out;
}

Result<std::optional<AliasRow>> LambdaStore::get_alias(const std::string& region, const std::string& function_name,
                                                       const std::string& alias) {
  auto stmt = m_statements->get(
      "SELECT region, function_name, name, function_version, description, routing_json, revision_id "
      "FROM aliases WHERE region=?1 AND function_name=?2 AND name=?3");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  bind_text(*stmt, 2, function_name);
  bind_text(*stmt, 3, alias);
  int rc = sqlite3_step(*stmt);
  if (rc == SQLITE_ROW) return std::optional<AliasRow>(read_alias(*stmt));
  if (rc == SQLITE_DONE) return std::optional<AliasRow>();
  return fail(db_error(LCD_DB, "get_alias"));
}

Result<void> LambdaStore::put_alias(const AliasRow& row) {
  auto stmt = m_statements->get(
      "INSERT OR REPLACE INTO aliases (region, function_name, name, function_version, description, routing_json, "
      "revision_id) VALUES (?1,?2,?3,?4,?5,?6,?7)");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  sqlite3_stmt* s = *stmt;
  bind_text(s, 1, row.region);
  bind_text(s, 2, row.function_name);
  bind_text(s, 3, row.name);
  bind_text(s, 4, row.function_version);
  bind_text(s, 5, row.description);
  bind_text(s, 6, row.routing_json);
  bind_text(s, 7, row.revision_id);
  if (sqlite3_step(s) != SQLITE_DONE) return fail(db_error(LCD_DB, "put_alias"));
  return {};
}

Result<bool> LambdaStore::delete_alias(const std::string& region, const std::string& function_name,
                                       const std::string& alias) {
  auto stmt = m_statements->get("DELETE FROM aliases WHERE region=?1 AND function_name=?2 AND name=?3");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  bind_text(*stmt, 2, function_name);
  bind_text(*stmt, 3, alias);
  if (sqlite3_step(*stmt) != SQLITE_DONE) return fail(db_error(LCD_DB, "delete_alias"));
  return sqlite3_changes(LCD_DB) > 0;
}

Result<std::vector<AliasRow>> LambdaStore::list_aliases(const std::string& region, const std::string& function_name,
                                                        const std::string& after_name, int limit) {
  auto stmt = m_statements->get(
      "SELECT region, function_name, name, function_version, description, routing_json, revision_id "
      "FROM aliases WHERE region=?1 AND function_name=?2 AND name>?3 ORDER BY name LIMIT ?4");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  bind_text(*stmt, 2, function_name);
  bind_text(*stmt, 3, after_name);
  sqlite3_bind_int(*stmt, 4, limit);
  std::vector<AliasRow> out;
  int rc;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) out.push_back(read_alias(*stmt));
  if (rc != SQLITE_DONE) return fail(db_error(LCD_DB, "list_aliases"));
  return out;
}

Result<std::vector<std::string>> LambdaStore::referenced_code(const std::string& region) {
  auto stmt = m_statements->get(
      "SELECT code_sha256 FROM functions WHERE region=?1 UNION SELECT code_sha256 FROM versions WHERE region=?1");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, region);
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) out.push_back(column_text(*stmt, 0));
  if (rc != SQLITE_DONE) return fail(db_error(LCD_DB, "referenced_code"));
  return out;
}

Result<bool> LambdaStore::references_code(const std::string& code_sha256) {
  auto stmt = m_statements->get(
      "SELECT 1 FROM functions WHERE code_sha256=?1 UNION ALL SELECT 1 FROM versions WHERE code_sha256=?1 LIMIT 1");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  bind_text(*stmt, 1, code_sha256);
  int rc = sqlite3_step(*stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return fail(db_error(LCD_DB, "references_code"));
}

Result<std::string> LambdaStore::integrity_check() {
  std::lock_guard lock(m_mutex);
  auto stmt = m_statements->get("PRAGMA integrity_check");
  if (!stmt) return fail(stmt.error());
  ResetOnExit reset_guard{*stmt};
  std::string out;
  int rc;
  while ((rc = sqlite3_step(*stmt)) == SQLITE_ROW) {
    if (!out.empty()) out += "\n";
    out += column_text(*stmt, 0);
  }
  if (rc != SQLITE_DONE) return fail(db_error(LCD_DB, "integrity_check"));
  return out;
}

}  // namespace lcd::local
