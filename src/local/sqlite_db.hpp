#pragma once
// The one SQLite wrapper of the local endpoint (the only file that includes sqlite3.h is its .cpp).
// Every service opens its own connection to the same WAL database: statements with positional
// parameters and rows of values (serialized by the connection's recursive mutex), and cached
// prepared statements for hot paths (the caller serializes those itself).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/result.hpp"

namespace lcd::local {

using SqlValue = std::variant<std::nullptr_t, int64_t, std::string>;
using SqlRow = std::vector<SqlValue>;

struct SqliteOptions {
  // true: synchronous=FULL, a commit returns after the WAL is fsynced. false: synchronous=NORMAL,
  // commits are written without fsync and the owner fsyncs wal_path() before acknowledging them.
  bool synchronous_full = true;
  int busy_timeout_ms = 10000;
  // true: the connection is opened without SQLite's own mutex; the owner serializes every call.
  bool caller_serializes = false;
  // After a transaction() commits, a write-ahead log larger than this is checkpointed and truncated
  // (waiting at most `wal_checkpoint_wait_ms` for readers; else the next commit tries again). SQLite's
  // own checkpoints never shrink the file and cannot finish while readers keep arriving, so under a
  // steady load it would only grow. 0: left to SQLite.
  uint64_t wal_limit_bytes = 4 * 1024 * 1024;
  int wal_checkpoint_wait_ms = 100;
};

// A cached prepared statement, bound and stepped by its user; reset (ending its implicit read
// transaction) when the handle goes. Valid while its SqliteDb lives.
class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept : m_stmt(other.m_stmt) { other.m_stmt = nullptr; }
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  ~SqliteStatement();

  void bind_text(int index, std::string_view text);
  void bind_int(int index, int64_t value);
  void bind_null(int index);
  void bind_double(int index, double value);
  // Binds ?1, ?2, ... in order: strings as text, integers and bools as integers.
  template <typename... Values>
  void bind_all(const Values&... values) {
    int index = 0;
    (bind_value(++index, values), ...);
  }
  // true: a row is ready to read; false: no more rows.
  Result<bool> step();
  // step() that must finish without a row (INSERT, UPDATE, DELETE, BEGIN ...).
  Result<void> run();
  std::string column_text(int index) const;
  int64_t column_int(int index) const;
  double column_double(int index) const;
  bool column_is_null(int index) const;

 private:
  friend class SqliteDb;
  explicit SqliteStatement(void* stmt) : m_stmt(stmt) {}
  void bind_value(int index, std::string_view text) { bind_text(index, text); }
  void bind_value(int index, int64_t value) { bind_int(index, value); }
  void* m_stmt;  // sqlite3_stmt*
};

// An open BEGIN .. COMMIT on a connection: rolled back unless commit() succeeded, also when an
// exception passes through the scope that holds it (a connection is never left inside a
// transaction that no one will finish). `run` executes one statement on that connection.
class SqliteTransaction {
 public:
  using Runner = std::function<Result<void>(const char* sql)>;
  static Result<SqliteTransaction> begin(Runner run, const char* begin_sql = "BEGIN IMMEDIATE");
  SqliteTransaction(SqliteTransaction&& other) noexcept : m_run(std::move(other.m_run)), m_open(other.m_open) {
    other.m_open = false;
  }
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  SqliteTransaction(const SqliteTransaction&) = delete;
  ~SqliteTransaction() { rollback(); }

  // COMMIT; on failure the transaction is rolled back before returning.
  Result<void> commit();
  void rollback() noexcept;

 private:
  explicit SqliteTransaction(Runner run) : m_run(std::move(run)) {}
  Runner m_run;
  bool m_open = false;
};

class SqliteDb {
 public:
  // Opens (creating if needed) `file` in WAL mode and runs `schema` (idempotent DDL).
  static Result<std::unique_ptr<SqliteDb>> open(const std::filesystem::path& file, const std::string& schema,
                                                SqliteOptions options = {});
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  Result<std::vector<SqlRow>> query(const std::string& sql, const std::vector<SqlValue>& params = {});
  Result<void> exec(const std::string& sql, const std::vector<SqlValue>& params = {});

  // Runs `body` inside BEGIN IMMEDIATE .. COMMIT; rolls back when it returns an error or throws
  // (the exception then goes on). Nested calls from the same thread join the outer transaction.
  Result<void> transaction(const std::function<Result<void>()>& body);

  // The statement for `sql`, prepared once per connection and cached by its text; reset with its
  // bindings cleared. Not locked: for owners that serialize their calls (caller_serializes).
  Result<SqliteStatement> prepared(const char* sql);
  // Rows changed by the last INSERT, UPDATE or DELETE on this connection.
  int64_t changes() const;

  // Copies every row of `tables` from the database in `legacy_file` (same table names; the
  // columns the legacy table has) in one transaction, keeping rows already present. Idempotent.
  Result<void> import_tables(const std::filesystem::path& legacy_file, const std::vector<std::string>& tables);

  const std::filesystem::path& file() const { return m_file; }
  std::filesystem::path wal_path() const { return m_file.string() + "-wal"; }

 private:
  SqliteDb() = default;
  void limit_wal();
  std::recursive_mutex m_mutex;
  SqliteOptions m_options;
  int m_depth = 0;
  void* m_db = nullptr;  // sqlite3*
  std::filesystem::path m_file;
  std::map<std::string, void*, std::less<>> m_statements;  // sqlite3_stmt*
};

std::string text_of(const SqlValue& value);
int64_t int_of(const SqlValue& value);

// Renames a legacy database file (and its -wal/-shm) to <name>.migrated so its import runs once.
Result<void> retire_legacy_database(const std::filesystem::path& legacy_file);

}  // namespace lcd::local
