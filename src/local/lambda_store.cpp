#include "local/lambda_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "local/sqlite_db.hpp"
#include "local/state_layout.hpp"

namespace lcd::local {

namespace {

// Table definitions by name, so the migration can build the new form beside an old table.
std::string functions_ddl(const std::string& table) {
  return "CREATE TABLE IF NOT EXISTS " + table + R"sql( (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, spec_json TEXT NOT NULL,
  code_sha256 TEXT NOT NULL, code_size INTEGER NOT NULL, revision_id TEXT NOT NULL,
  settled_revision_id TEXT NOT NULL, last_modified TEXT NOT NULL, busy_until_ms INTEGER NOT NULL,
  creating INTEGER NOT NULL, next_version INTEGER NOT NULL, published_source_hash TEXT NOT NULL,
  last_published INTEGER NOT NULL, tags_json TEXT NOT NULL, reserved_concurrency INTEGER NOT NULL,
  PRIMARY KEY (account, region, name)) WITHOUT ROWID;
)sql";
}

std::string versions_ddl(const std::string& table) {
  return "CREATE TABLE IF NOT EXISTS " + table + R"sql( (
  account TEXT NOT NULL, region TEXT NOT NULL, function_name TEXT NOT NULL, version INTEGER NOT NULL,
  spec_json TEXT NOT NULL, code_sha256 TEXT NOT NULL, code_size INTEGER NOT NULL, revision_id TEXT NOT NULL,
  last_modified TEXT NOT NULL, pending_until_ms INTEGER NOT NULL,
  PRIMARY KEY (account, region, function_name, version)) WITHOUT ROWID;
)sql";
}

std::string aliases_ddl(const std::string& table) {
  return "CREATE TABLE IF NOT EXISTS " + table + R"sql( (
  account TEXT NOT NULL, region TEXT NOT NULL, function_name TEXT NOT NULL, name TEXT NOT NULL,
  function_version TEXT NOT NULL, description TEXT NOT NULL, routing_json TEXT NOT NULL, revision_id TEXT NOT NULL,
  PRIMARY KEY (account, region, function_name, name)) WITHOUT ROWID;
)sql";
}

std::string latest_before_update_ddl(const std::string& table) {
  return "CREATE TABLE IF NOT EXISTS " + table + R"sql( (
  account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL, spec_json TEXT NOT NULL,
  code_sha256 TEXT NOT NULL, until_ms INTEGER NOT NULL, PRIMARY KEY (account, region, name)) WITHOUT ROWID;
)sql";
}

const std::string k_schema = functions_ddl("functions") + versions_ddl("versions") + aliases_ddl("aliases") +
                             latest_before_update_ddl("latest_before_update") + R"sql(
CREATE TABLE IF NOT EXISTS lambda_policies (
  account TEXT NOT NULL, region TEXT NOT NULL, function_name TEXT NOT NULL, qualifier TEXT NOT NULL,
  statements_json TEXT NOT NULL, revision_id TEXT NOT NULL,
  PRIMARY KEY (account, region, function_name, qualifier)) WITHOUT ROWID;
)sql";

// Tables of the first schema (keyed by region only): how each becomes its new form. Old columns
// keep their names; the new ones take the values given here (?1 = the default account).
struct Migration {
  const char* table;
  std::string (*ddl)(const std::string&);
  const char* columns;      // the new table's columns, in insert order
  const char* old_columns;  // the values for them from the old table
};

const Migration k_migrations[] = {
    {"functions", functions_ddl,
     "account, region, name, spec_json, code_sha256, code_size, revision_id, settled_revision_id, last_modified, "
     "busy_until_ms, creating, next_version, published_source_hash, last_published, tags_json, reserved_concurrency",
     "?1, region, name, spec_json, code_sha256, code_size, revision_id, '', last_modified, busy_until_ms, creating, "
     "next_version, published_source_hash, last_published, tags_json, -1"},
    {"versions", versions_ddl,
     "account, region, function_name, version, spec_json, code_sha256, code_size, revision_id, last_modified, "
     "pending_until_ms",
     "?1, region, function_name, version, spec_json, code_sha256, code_size, revision_id, last_modified, 0"},
    {"aliases", aliases_ddl,
     "account, region, function_name, name, function_version, description, routing_json, revision_id",
     "?1, region, function_name, name, function_version, description, routing_json, revision_id"},
    {"latest_before_update", latest_before_update_ddl, "account, region, name, spec_json, code_sha256, until_ms",
     "?1, region, name, spec_json, code_sha256, until_ms"},
};

Error db_error(const Error& error, const char* what) { return Error{error.kind, std::string(what) + ": " + error.message}; }

constexpr const char* k_function_columns =
    "account, region, name, spec_json, code_sha256, code_size, revision_id, settled_revision_id, last_modified, "
    "busy_until_ms, creating, next_version, published_source_hash, last_published, tags_json, reserved_concurrency";
constexpr const char* k_version_columns =
    "account, region, function_name, version, spec_json, code_sha256, code_size, revision_id, last_modified, "
    "pending_until_ms";
constexpr const char* k_alias_columns =
    "account, region, function_name, name, function_version, description, routing_json, revision_id";

FunctionRow read_function(const SqliteStatement& s) {
  FunctionRow row;
  row.account = s.column_text(0);
  row.region = s.column_text(1);
  row.name = s.column_text(2);
  row.spec_json = s.column_text(3);
  row.code_sha256 = s.column_text(4);
  row.code_size = s.column_int(5);
  row.revision_id = s.column_text(6);
  row.settled_revision_id = s.column_text(7);
  row.last_modified = s.column_text(8);
  row.busy_until_ms = s.column_int(9);
  row.creating = s.column_int(10) != 0;
  row.next_version = s.column_int(11);
  row.published_source_hash = s.column_text(12);
  row.last_published = s.column_int(13);
  row.tags_json = s.column_text(14);
  row.reserved_concurrency = s.column_int(15);
  return row;
}

VersionRow read_version(const SqliteStatement& s) {
  VersionRow row;
  row.account = s.column_text(0);
  row.region = s.column_text(1);
  row.function_name = s.column_text(2);
  row.version = s.column_int(3);
  row.spec_json = s.column_text(4);
  row.code_sha256 = s.column_text(5);
  row.code_size = s.column_int(6);
  row.revision_id = s.column_text(7);
  row.last_modified = s.column_text(8);
  row.pending_until_ms = s.column_int(9);
  return row;
}

AliasRow read_alias(const SqliteStatement& s) {
  AliasRow row;
  row.account = s.column_text(0);
  row.region = s.column_text(1);
  row.function_name = s.column_text(2);
  row.name = s.column_text(3);
  row.function_version = s.column_text(4);
  row.description = s.column_text(5);
  row.routing_json = s.column_text(6);
  row.revision_id = s.column_text(7);
  return row;
}

}  // namespace

Result<std::unique_ptr<LambdaStore>> LambdaStore::open(const std::filesystem::path& dir,
                                                          const std::string& default_account) {
  std::unique_ptr<LambdaStore> store(new LambdaStore());
  // WAL, synchronous=NORMAL: a commit writes its WAL frames without fsync; write() then waits for the
  // syncer's fsync of the WAL before acknowledging, which gives synchronous=FULL durability with
  // fsyncs shared between concurrent commits. Checkpoints are fsynced by SQLite itself in this mode.
  // The store's mutex serializes every use of the connection.
  auto db = SqliteDb::open(state_database(dir), k_schema, SqliteOptions{false, 5000, true});
  if (!db) return fail(db.error());
  store->m_db = std::move(*db);
  if (auto migrated = store->migrate(default_account); !migrated) {
    return fail(Error{migrated.error().kind, "migrating " + state_database(dir).string() + ": " + migrated.error().message});
  }
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

Result<void> LambdaStore::migrate(const std::string& default_account) {
  // One transaction: a crash leaves the old tables or the new ones, never a mix.
  return m_db->transaction([&]() -> Result<void> {
    for (const auto& m : k_migrations) {
      auto columns = m_db->query(std::string("SELECT name FROM pragma_table_info('") + m.table + "')");
      if (!columns) return fail(columns.error());
      bool keyed_by_account = false;
      for (const auto& row : *columns) keyed_by_account = keyed_by_account || text_of(row[0]) == "account";
      if (keyed_by_account) continue;
      const std::string table = m.table;
      const std::string next = table + "_v2";
      if (auto done = m_db->exec("DROP TABLE IF EXISTS " + next); !done) return done;
      if (auto done = m_db->exec(m.ddl(next)); !done) return done;
      if (auto done = m_db->exec("INSERT INTO " + next + " (" + m.columns + ") SELECT " + m.old_columns + " FROM " + table,
                                 {default_account});
          !done) {
        return done;
      }
      if (auto done = m_db->exec("DROP TABLE " + table); !done) return done;
      if (auto done = m_db->exec("ALTER TABLE " + next + " RENAME TO " + table); !done) return done;
    }
    return {};
  });
}

Result<std::optional<FunctionRow>> LambdaStore::get_function(const Scope& scope, const std::string& name) {
  static const std::string sql =
      std::string("SELECT ") + k_function_columns + " FROM functions WHERE account=?1 AND region=?2 AND name=?3";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, name);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "get_function"));
  if (!*row) return std::optional<FunctionRow>();
  return std::optional<FunctionRow>(read_function(*stmt));
}

Result<void> LambdaStore::put_function(const FunctionRow& row) {
  static const std::string sql = std::string("INSERT OR REPLACE INTO functions (") + k_function_columns +
                                 ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(row.account, row.region, row.name, row.spec_json, row.code_sha256, row.code_size, row.revision_id,
                 row.settled_revision_id, row.last_modified, row.busy_until_ms, row.creating ? 1 : 0,
                 row.next_version, row.published_source_hash, row.last_published, row.tags_json,
                 row.reserved_concurrency);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "put_function"));
  return {};
}

Result<void> LambdaStore::delete_function(const Scope& scope, const std::string& name) {
  for (const char* sql : {"DELETE FROM functions WHERE account=?1 AND region=?2 AND name=?3",
                          "DELETE FROM versions WHERE account=?1 AND region=?2 AND function_name=?3",
                          "DELETE FROM aliases WHERE account=?1 AND region=?2 AND function_name=?3",
                          "DELETE FROM lambda_policies WHERE account=?1 AND region=?2 AND function_name=?3",
                          "DELETE FROM latest_before_update WHERE account=?1 AND region=?2 AND name=?3"}) {
    auto stmt = m_db->prepared(sql);
    if (!stmt) return fail(stmt.error());
    stmt->bind_all(scope.account, scope.region, name);
    if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "delete_function"));
  }
  return {};
}

Result<std::vector<FunctionRow>> LambdaStore::list_functions(const Scope& scope, const std::string& after_name,
                                                             int limit) {
  static const std::string sql = std::string("SELECT ") + k_function_columns +
                                 " FROM functions WHERE account=?1 AND region=?2 AND name>?3 ORDER BY name LIMIT ?4";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, after_name, limit);
  std::vector<FunctionRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(db_error(row.error(), "list_functions"));
    if (!*row) break;
    out.push_back(read_function(*stmt));
  }
  return out;
}

Result<int64_t> LambdaStore::scalar(const char* sql, const Scope& scope, const std::string& name, const char* what) {
  auto stmt = m_db->prepared(sql);
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, name);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), what));
  return *row ? stmt->column_int(0) : 0;
}

Result<int64_t> LambdaStore::count_functions(const Scope& scope) {
  return scalar("SELECT COUNT(*) FROM functions WHERE account=?1 AND region=?2 AND ?3=''", scope, "",
                "count_functions");
}

Result<int64_t> LambdaStore::total_code_size(const Scope& scope) {
  return scalar("SELECT (SELECT COALESCE(SUM(code_size),0) FROM functions WHERE account=?1 AND region=?2) + "
                "(SELECT COALESCE(SUM(code_size),0) FROM versions WHERE account=?1 AND region=?2 AND ?3='')",
                scope, "", "total_code_size");
}

Result<int64_t> LambdaStore::total_reserved_concurrency(const Scope& scope, const std::string& except_name) {
  return scalar("SELECT COALESCE(SUM(reserved_concurrency),0) FROM functions WHERE account=?1 AND region=?2 "
                "AND reserved_concurrency>=0 AND name<>?3",
                scope, except_name, "total_reserved_concurrency");
}

Result<std::optional<LatestBeforeUpdate>> LambdaStore::get_latest_before_update(const Scope& scope,
                                                                                 const std::string& name) {
  auto stmt = m_db->prepared(
      "SELECT spec_json, code_sha256, until_ms FROM latest_before_update WHERE account=?1 AND region=?2 AND name=?3");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, name);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "get_latest_before_update"));
  if (!*row) return std::optional<LatestBeforeUpdate>();
  return std::optional<LatestBeforeUpdate>(
      LatestBeforeUpdate{stmt->column_text(0), stmt->column_text(1), stmt->column_int(2)});
}

Result<void> LambdaStore::put_latest_before_update(const Scope& scope, const std::string& name,
                                                   const LatestBeforeUpdate& previous) {
  auto stmt = m_db->prepared(
      "INSERT OR REPLACE INTO latest_before_update (account, region, name, spec_json, code_sha256, until_ms) "
      "VALUES (?1,?2,?3,?4,?5,?6)");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, name, previous.spec_json, previous.code_sha256, previous.until_ms);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "put_latest_before_update"));
  return {};
}

Result<std::optional<VersionRow>> LambdaStore::get_version(const Scope& scope, const std::string& name,
                                                           int64_t version) {
  static const std::string sql = std::string("SELECT ") + k_version_columns +
                                 " FROM versions WHERE account=?1 AND region=?2 AND function_name=?3 AND version=?4";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, name, version);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "get_version"));
  if (!*row) return std::optional<VersionRow>();
  return std::optional<VersionRow>(read_version(*stmt));
}

Result<void> LambdaStore::put_version(const VersionRow& row) {
  static const std::string sql =
      std::string("INSERT OR REPLACE INTO versions (") + k_version_columns + ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(row.account, row.region, row.function_name, row.version, row.spec_json, row.code_sha256,
                 row.code_size, row.revision_id, row.last_modified, row.pending_until_ms);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "put_version"));
  return {};
}

Result<void> LambdaStore::delete_version(const Scope& scope, const std::string& name, int64_t version) {
  auto stmt = m_db->prepared("DELETE FROM versions WHERE account=?1 AND region=?2 AND function_name=?3 AND version=?4");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, name, version);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "delete_version"));
  return delete_policy(scope, name, std::to_string(version));
}

Result<std::vector<VersionRow>> LambdaStore::list_versions(const Scope& scope, const std::string& name,
                                                           int64_t after_version, int limit) {
  static const std::string sql =
      std::string("SELECT ") + k_version_columns +
      " FROM versions WHERE account=?1 AND region=?2 AND function_name=?3 AND version>?4 ORDER BY version LIMIT ?5";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, name, after_version, limit);
  std::vector<VersionRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(db_error(row.error(), "list_versions"));
    if (!*row) break;
    out.push_back(read_version(*stmt));
  }
  return out;
}

Result<std::optional<AliasRow>> LambdaStore::get_alias(const Scope& scope, const std::string& function_name,
                                                       const std::string& alias) {
  static const std::string sql = std::string("SELECT ") + k_alias_columns +
                                 " FROM aliases WHERE account=?1 AND region=?2 AND function_name=?3 AND name=?4";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, function_name, alias);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "get_alias"));
  if (!*row) return std::optional<AliasRow>();
  return std::optional<AliasRow>(read_alias(*stmt));
}

Result<void> LambdaStore::put_alias(const AliasRow& row) {
  static const std::string sql =
      std::string("INSERT OR REPLACE INTO aliases (") + k_alias_columns + ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8)";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(row.account, row.region, row.function_name, row.name, row.function_version, row.description,
                 row.routing_json, row.revision_id);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "put_alias"));
  return {};
}

Result<bool> LambdaStore::delete_alias(const Scope& scope, const std::string& function_name,
                                       const std::string& alias) {
  auto stmt = m_db->prepared("DELETE FROM aliases WHERE account=?1 AND region=?2 AND function_name=?3 AND name=?4");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, function_name, alias);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "delete_alias"));
  bool deleted = m_db->changes() > 0;
  if (auto gone = delete_policy(scope, function_name, alias); !gone) return fail(gone.error());
  return deleted;
}

Result<std::vector<AliasRow>> LambdaStore::list_aliases(const Scope& scope, const std::string& function_name,
                                                        const std::string& after_name, int limit) {
  static const std::string sql =
      std::string("SELECT ") + k_alias_columns +
      " FROM aliases WHERE account=?1 AND region=?2 AND function_name=?3 AND name>?4 ORDER BY name LIMIT ?5";
  auto stmt = m_db->prepared(sql.c_str());
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, function_name, after_name, limit);
  std::vector<AliasRow> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return fail(db_error(row.error(), "list_aliases"));
    if (!*row) break;
    out.push_back(read_alias(*stmt));
  }
  return out;
}

Result<std::optional<PolicyRow>> LambdaStore::get_policy(const Scope& scope, const std::string& function_name,
                                                         const std::string& qualifier) {
  auto stmt = m_db->prepared(
      "SELECT statements_json, revision_id FROM lambda_policies WHERE account=?1 AND region=?2 AND function_name=?3 "
      "AND qualifier=?4");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, function_name, qualifier);
  auto row = stmt->step();
  if (!row) return fail(db_error(row.error(), "get_policy"));
  if (!*row) return std::optional<PolicyRow>();
  return std::optional<PolicyRow>(PolicyRow{scope.account, scope.region, function_name, qualifier,
                                            stmt->column_text(0), stmt->column_text(1)});
}

Result<void> LambdaStore::put_policy(const PolicyRow& row) {
  auto stmt = m_db->prepared(
      "INSERT OR REPLACE INTO lambda_policies (account, region, function_name, qualifier, statements_json, revision_id) "
      "VALUES (?1,?2,?3,?4,?5,?6)");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(row.account, row.region, row.function_name, row.qualifier, row.statements_json, row.revision_id);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "put_policy"));
  return {};
}

Result<void> LambdaStore::delete_policy(const Scope& scope, const std::string& function_name,
                                        const std::string& qualifier) {
  auto stmt = m_db->prepared(
      "DELETE FROM lambda_policies WHERE account=?1 AND region=?2 AND function_name=?3 AND qualifier=?4");
  if (!stmt) return fail(stmt.error());
  stmt->bind_all(scope.account, scope.region, function_name, qualifier);
  if (auto done = stmt->run(); !done) return fail(db_error(done.error(), "delete_policy"));
  return {};
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
