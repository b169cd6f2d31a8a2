// The shared SQLite wrapper on a real database file: several connections to one WAL file,
// cached prepared statements, and the one-time import of a legacy database.
#include "local/sqlite_db.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "util/file_io.hpp"

using namespace lcd;
using namespace lcd::local;

namespace {

TEST(SqliteDb, TwoConnectionsToOneFileSeeEachOthersCommits) {
  TempDir dir("lcd-sqlite");
  auto a = SqliteDb::open(dir.path() / "one.sqlite3", "CREATE TABLE IF NOT EXISTS a (k TEXT PRIMARY KEY, v INTEGER);");
  ASSERT_TRUE(a) << a.error().message;
  auto b = SqliteDb::open(dir.path() / "one.sqlite3", "CREATE TABLE IF NOT EXISTS b (k TEXT PRIMARY KEY);",
                          SqliteOptions{false, 5000, true});
  ASSERT_TRUE(b) << b.error().message;
  ASSERT_TRUE((*a)->transaction([&]() -> Result<void> { return (*a)->exec("INSERT INTO a VALUES (?, ?)", {"x", int64_t{7}}); }));
  auto seen = (*b)->query("SELECT v FROM a WHERE k = ?", {"x"});
  ASSERT_TRUE(seen) << seen.error().message;
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ(int_of((*seen)[0][0]), 7);
  // Both schemas live in the one file.
  auto tables = (*a)->query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  ASSERT_TRUE(tables);
  ASSERT_EQ(tables->size(), 2u);
  EXPECT_EQ(text_of((*tables)[0][0]), "a");
  EXPECT_EQ(text_of((*tables)[1][0]), "b");
  auto mode = (*b)->query("PRAGMA journal_mode");
  ASSERT_TRUE(mode);
  EXPECT_EQ(text_of((*mode)[0][0]), "wal");
}

TEST(SqliteDb, PreparedStatementsAreCachedAndReusable) {
  TempDir dir("lcd-sqlite");
  auto db = SqliteDb::open(dir.path() / "p.sqlite3", "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v INTEGER);",
                           SqliteOptions{false, 5000, true});
  ASSERT_TRUE(db) << db.error().message;
  for (int i = 0; i < 3; ++i) {
    auto insert = (*db)->prepared("INSERT INTO t (k, v) VALUES (?1, ?2)");
    ASSERT_TRUE(insert) << insert.error().message;
    insert->bind_text(1, "k" + std::to_string(i));
    insert->bind_int(2, i * 10);
    ASSERT_TRUE(insert->run());
    EXPECT_EQ((*db)->changes(), 1);
  }
  auto select = (*db)->prepared("SELECT k, v FROM t WHERE v >= ?1 ORDER BY k");
  ASSERT_TRUE(select);
  select->bind_int(1, 10);
  std::vector<std::pair<std::string, int64_t>> rows;
  while (true) {
    auto row = select->step();
    ASSERT_TRUE(row) << row.error().message;
    if (!*row) break;
    rows.emplace_back(select->column_text(0), select->column_int(1));
  }
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::pair<std::string, int64_t>{"k1", 10}));
  EXPECT_EQ(rows[1], (std::pair<std::string, int64_t>{"k2", 20}));
  // A duplicate key is an error with SQLite's reason, not a crash.
  auto again = (*db)->prepared("INSERT INTO t (k, v) VALUES (?1, ?2)");
  ASSERT_TRUE(again);
  again->bind_text(1, "k0");
  again->bind_int(2, 1);
  auto dup = again->run();
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("UNIQUE"), std::string::npos) << dup.error().message;
  auto bad = (*db)->prepared("SELECT nope FROM t");
  EXPECT_FALSE(bad);
}

TEST(SqliteDb, ImportsLegacyTablesOnceAndKeepsExistingRows) {
  TempDir dir("lcd-sqlite");
  auto legacy_file = dir.path() / "old" / "old.sqlite3";
  {
    auto legacy = SqliteDb::open(legacy_file, "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL);");
    ASSERT_TRUE(legacy) << legacy.error().message;
    ASSERT_TRUE((*legacy)->exec("INSERT INTO t VALUES ('a', 'old-a'), ('b', 'old-b')"));
  }
  // The new table has one more column (with a default) and already holds 'a'.
  auto db = SqliteDb::open(dir.path() / "new.sqlite3",
                           "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT NOT NULL, extra TEXT DEFAULT 'd');"
                           "CREATE TABLE IF NOT EXISTS untouched (x INTEGER);");
  ASSERT_TRUE(db);
  ASSERT_TRUE((*db)->exec("INSERT INTO t (k, v) VALUES ('a', 'new-a')"));
  auto imported = (*db)->import_tables(legacy_file, {"t", "untouched"});
  ASSERT_TRUE(imported) << imported.error().message;
  auto rows = (*db)->query("SELECT k, v, extra FROM t ORDER BY k");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ(text_of((*rows)[0][1]), "new-a");
  EXPECT_EQ(text_of((*rows)[1][1]), "old-b");
  EXPECT_EQ(text_of((*rows)[1][2]), "d");
  // Detached again: a second import of the same file works (idempotent) and changes nothing.
  ASSERT_TRUE((*db)->import_tables(legacy_file, {"t"}));
  EXPECT_EQ((*db)->query("SELECT k FROM t")->size(), 2u);
  ASSERT_TRUE(retire_legacy_database(legacy_file));
  EXPECT_FALSE(std::filesystem::exists(legacy_file));
  EXPECT_TRUE(std::filesystem::exists(legacy_file.string() + ".migrated"));
  // A legacy file that cannot be opened is an error, not an empty import.
  auto broken = (*db)->import_tables(dir.path() / "old" / "absent-dir" / "x.sqlite3", {"t"});
  EXPECT_FALSE(broken);
}

}  // namespace

namespace {

TEST(SqliteDb, ExceptionInsideTransactionRollsBackAndTheNextTransactionCommits) {
  TempDir dir("lcd-sqlite");
  const char* schema = "CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY);";
  auto db = SqliteDb::open(dir.path() / "x.sqlite3", schema);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_THROW((*db)->transaction([&]() -> Result<void> {
    if (auto ok = (*db)->exec("INSERT INTO t VALUES ('thrown')"); !ok) return ok;
    // Nested: the inner scope's exception passes through both levels.
    return (*db)->transaction([&]() -> Result<void> { throw std::runtime_error("handler bug"); });
  }),
               std::runtime_error);
  ASSERT_TRUE((*db)->transaction([&]() -> Result<void> { return (*db)->exec("INSERT INTO t VALUES ('after')"); }));
  // Another connection sees only the committed row: the first transaction did not stay open.
  auto other = SqliteDb::open(dir.path() / "x.sqlite3", schema);
  ASSERT_TRUE(other);
  auto rows = (*other)->query("SELECT k FROM t ORDER BY k");
  ASSERT_TRUE(rows) << rows.error().message;
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(text_of((*rows)[0][0]), "after");
}

}  // namespace

namespace {

// The largest the write-ahead log got over 20 commits of ~50 KB each.
uint64_t largest_wal_over_commits(uint64_t wal_limit) {
  TempDir dir("lcd-sqlite-wal");
  SqliteOptions options;
  options.wal_limit_bytes = wal_limit;
  auto db = SqliteDb::open(dir.path() / "w.sqlite3", "CREATE TABLE IF NOT EXISTS t (v BLOB);", options);
  EXPECT_TRUE(db) << db.error().message;
  if (!db) return 0;
  uint64_t largest = 0;
  for (int i = 0; i < 20; ++i) {
    auto done = (*db)->transaction([&]() -> Result<void> {
      return (*db)->exec("INSERT INTO t VALUES (?)", {std::string(50000, static_cast<char>('a' + i))});
    });
    EXPECT_TRUE(done);
    largest = std::max<uint64_t>(largest, std::filesystem::file_size((*db)->wal_path()));
  }
  auto rows = (*db)->query("SELECT COUNT(*) FROM t");
  EXPECT_TRUE(rows && int_of((*rows)[0][0]) == 20);
  return largest;
}

TEST(SqliteDb, WriteAheadLogIsTruncatedPastItsLimit) {
  // ~1 MB committed; SQLite alone (autocheckpoint at 1,000 pages) keeps all of it in the log.
  EXPECT_GT(largest_wal_over_commits(0), 900u * 1000);
  // With a 64 KiB limit the log never holds more than the limit and one commit.
  EXPECT_LE(largest_wal_over_commits(64 * 1024), 64u * 1024 + 70u * 1000);
}

}  // namespace
