#include "local/s3/sqlite_db.hpp"

#include <sqlite3.h>

#include "util/file_io.hpp"

namespace lcd::local::s3 {
namespace {

Error db_error(sqlite3* db, const std::string& what) {
  return Error{ErrorKind::io, what + ": " + sqlite3_errmsg(db)};
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

Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::filesystem::path& file, const std::string& schema) {
  if (auto made = ensure_directory(file.parent_path()); !made) return fail(made.error());
  std::unique_ptr<SqliteDb> db(new SqliteDb());
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(file.c_str(), &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = handle ? sqlite3_errmsg(handle) : "out of memory";
    sqlite3_close(handle);
    return fail(ErrorKind::io, "cannot open " + file.string() + ": " + message);
  }
  db->m_db = handle;
  sqlite3_busy_timeout(handle, 10000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
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

SqliteDb::~SqliteDb() { sqlite3_close(static_cast<sqlite3*>(m_db)); }

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

Result<void> SqliteDb::transaction(const std::function<Result<void>()>& body) {
  std::lock_guard lock(m_mutex);
  if (m_depth > 0) {
    ++m_depth;
    auto result = body();
    --m_depth;
    return result;
  }
  if (auto begun = exec("BEGIN IMMEDIATE"); !begun) return begun;
  ++m_depth;
  auto result = body();
  --m_depth;
  if (!result) {
    (void)exec("ROLLBACK");
    return result;
  }
  if (auto committed = exec("COMMIT"); !committed) {
    (void)exec("ROLLBACK");
    return committed;
  }
  return {};
}

}  // namespace lcd::local::s3
