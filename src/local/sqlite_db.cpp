#include "local/sqlite_db.hpp"

#include <sqlite3.h>

#include <system_error>

#include "util/file_io.hpp"

namespace lcd::local {
namespace {

Error db_error(sqlite3* db, const std::string& what) {
  return Error{ErrorKind::io, what + ": " + sqlite3_errmsg(db)};
}

sqlite3_stmt* as_stmt(void* p) { return static_cast<sqlite3_stmt*>(p); }

// A double-quoted SQL identifier.
std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string text_of(const SqlValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  return {};
}

int64_t int_of(const SqlValue& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return *i;
  return 0;
}

SqliteStatement::~SqliteStatement() {
  if (m_stmt) sqlite3_reset(as_stmt(m_stmt));
}

void SqliteStatement::bind_text(int index, std::string_view text) {
  sqlite3_bind_text(as_stmt(m_stmt), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::bind_int(int index, int64_t value) { sqlite3_bind_int64(as_stmt(m_stmt), index, value); }

void SqliteStatement::bind_null(int index) { sqlite3_bind_null(as_stmt(m_stmt), index); }

void SqliteStatement::bind_double(int index, double value) { sqlite3_bind_double(as_stmt(m_stmt), index, value); }

Result<bool> SqliteStatement::step() {
  int rc = sqlite3_step(as_stmt(m_stmt));
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(as_stmt(m_stmt));
  return fail(db_error(db, sqlite3_sql(as_stmt(m_stmt))));
}

Result<void> SqliteStatement::run() {
  auto row = step();
  if (!row) return fail(row.error());
  return {};
}

std::string SqliteStatement::column_text(int index) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(as_stmt(m_stmt), index));
  int size = sqlite3_column_bytes(as_stmt(m_stmt), index);
  return text ? std::string(text, static_cast<size_t>(size)) : std::string();
}

int64_t SqliteStatement::column_int(int index) const { return sqlite3_column_int64(as_stmt(m_stmt), index); }

double SqliteStatement::column_double(int index) const { return sqlite3_column_double(as_stmt(m_stmt), index); }

bool SqliteStatement::column_is_null(int index) const {
  return sqlite3_column_type(as_stmt(m_stmt), index) == SQLITE_NULL;
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::filesystem::path& file, const std::string& schema,
                                                 SqliteOptions options) {
  if (auto made = ensure_directory(file.parent_path()); !made) return fail(made.error());
  std::unique_ptr<SqliteDb> db(new SqliteDb());
  db->m_file = file;
  sqlite3* handle = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
              (options.caller_serializes ? SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_FULLMUTEX);
  if (sqlite3_open_v2(file.c_str(), &handle, flags, nullptr) != SQLITE_OK) {
    std::string message = handle ? sqlite3_errmsg(handle) : "out of memory";
    sqlite3_close(handle);
    return fail(ErrorKind::io, "cannot open " + file.string() + ": " + message);
  }
  db->m_db = handle;
  db->m_options = options;
  sqlite3_busy_timeout(handle, options.busy_timeout_ms);
  const char* synchronous = options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
  for (const char* pragma : {"PRAGMA journal_mode=WAL", synchronous}) {
    if (sqlite3_exec(handle, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) return fail(db_error(handle, pragma));
  }
  char* err = nullptr;
  if (sqlite3_exec(handle, schema.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err ? err : "schema";
    sqlite3_free(err);
    return fail(ErrorKind::io, "schema of " + file.string() + ": " + message);
  }
  return db;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : m_statements) sqlite3_finalize(as_stmt(stmt));
  sqlite3_close(static_cast<sqlite3*>(m_db));
}

Result<SqliteStatement> SqliteDb::prepared(const char* sql) {
  auto it = m_statements.find(std::string_view(sql));
  if (it != m_statements.end()) {
    sqlite3_reset(as_stmt(it->second));
    sqlite3_clear_bindings(as_stmt(it->second));
    return SqliteStatement(it->second);
  }
  auto* db = static_cast<sqlite3*>(m_db);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
    return fail(db_error(db, std::string("prepare ") + sql));
  }
  m_statements.emplace(sql, stmt);
  return SqliteStatement(stmt);
}

int64_t SqliteDb::changes() const { return sqlite3_changes(static_cast<sqlite3*>(m_db)); }

Result<std::vector<SqlRow>> SqliteDb::query(const std::string& sql, const std::vector<SqlValue>& params) {
  std::lock_guard lock(m_mutex);
  auto* db = static_cast<sqlite3*>(m_db);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return fail(db_error(db, "prepare"));
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> guard(stmt, sqlite3_finalize);
  for (size_t i = 0; i < params.size(); ++i) {
    int index = static_cast<int>(i + 1);
    const auto& p = params[i];
    if (const auto* s = std::get_if<std::string>(&p)) {
      sqlite3_bind_text(stmt, index, s->data(), static_cast<int>(s->size()), SQLITE_TRANSIENT);
    } else if (const auto* n = std::get_if<int64_t>(&p)) {
      sqlite3_bind_int64(stmt, index, *n);
    } else {
      sqlite3_bind_null(stmt, index);
    }
  }
  std::vector<SqlRow> rows;
  while (true) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return fail(db_error(db, "step"));
    SqlRow row;
    int columns = sqlite3_column_count(stmt);
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER: row.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c))); break;
        case SQLITE_NULL: row.emplace_back(nullptr); break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c))) : std::string());
        }
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

Result<void> SqliteDb::exec(const std::string& sql, const std::vector<SqlValue>& params) {
  auto rows = query(sql, params);
  if (!rows) return fail(rows.error());
  return {};
}

Result<SqliteTransaction> SqliteTransaction::begin(Runner run, const char* begin_sql) {
  SqliteTransaction tx(std::move(run));
  if (auto begun = tx.m_run(begin_sql); !begun) return fail(begun.error());
  tx.m_open = true;
  return tx;
}

Result<void> SqliteTransaction::commit() {
  auto committed = m_run("COMMIT");
  if (committed) m_open = false;
  else rollback();
  return committed;
}

void SqliteTransaction::rollback() noexcept {
  if (!m_open) return;
  m_open = false;
  try {
    (void)m_run("ROLLBACK");  // nothing more to do when even this fails: the error came first
  } catch (...) {
  }
}

Result<void> SqliteDb::transaction(const std::function<Result<void>()>& body) {
  std::lock_guard lock(m_mutex);
  struct Depth {
    int& depth;
    explicit Depth(int& d) : depth(d) { ++depth; }
    ~Depth() { --depth; }
  };
  if (m_depth > 0) {
    Depth nested(m_depth);
    return body();
  }
  auto tx = SqliteTransaction::begin([this](const char* sql) { return exec(sql); });
  if (!tx) return fail(tx.error());
  Result<void> result;
  {
    Depth outer(m_depth);
    result = body();
  }
  if (!result) return result;  // ~SqliteTransaction rolls back
  auto committed = tx->commit();
  if (committed) limit_wal();
  return committed;
}

void SqliteDb::limit_wal() {
  if (m_options.wal_limit_bytes == 0) return;
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(wal_path(), ec);
  if (ec || size <= m_options.wal_limit_bytes) return;
  auto* db = static_cast<sqlite3*>(m_db);
  // Best effort: busy (a reader or writer did not finish in time) leaves it to the next commit.
  sqlite3_busy_timeout(db, m_options.wal_checkpoint_wait_ms);
  (void)sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  sqlite3_busy_timeout(db, m_options.busy_timeout_ms);
}

Result<void> SqliteDb::import_tables(const std::filesystem::path& legacy_file, const std::vector<std::string>& tables) {
  std::lock_guard lock(m_mutex);
  if (auto attached = exec("ATTACH DATABASE ? AS legacy", {legacy_file.string()}); !attached) return attached;
  auto imported = transaction([&]() -> Result<void> {
    for (const auto& table : tables) {
      auto columns = query("SELECT name FROM pragma_table_info(?, 'legacy')", {table});
      if (!columns) return fail(columns.error());
      if (columns->empty()) continue;  // the legacy database never had this table
      std::string list;
      for (const auto& c : *columns) list += (list.empty() ? "" : ", ") + quoted(text_of(c[0]));
      std::string sql = "INSERT OR IGNORE INTO main." + quoted(table) + " (" + list + ") SELECT " + list +
                        " FROM legacy." + quoted(table);
      if (auto copied = exec(sql); !copied) return fail(copied.error());
    }
    return {};
  });
  auto detached = exec("DETACH DATABASE legacy");
  if (!imported) return imported;
  if (!detached) return detached;
  return {};
}

Result<void> retire_legacy_database(const std::filesystem::path& legacy_file) {
  // The main file first: once it is gone the import never runs again, whatever happens next.
  std::error_code ec;
  auto target = legacy_file.string() + ".migrated";
  std::filesystem::rename(legacy_file, target, ec);
  if (ec) return fail(ErrorKind::io, "cannot rename " + legacy_file.string() + ": " + ec.message());
  for (const char* suffix : {"-wal", "-shm"}) {
    std::filesystem::path side = legacy_file.string() + suffix;
    if (std::filesystem::exists(side, ec)) std::filesystem::rename(side, target + suffix, ec);
    if (ec) return fail(ErrorKind::io, "cannot rename " + side.string() + ": " + ec.message());
  }
  return {};
}

}  // namespace lcd::local
