#include "local/lambda_store.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "local/sqlite_db.hpp"
#include "local/state_layout.hpp"
#include "util/file_io.hpp"

using namespace lcd;
using namespace lcd::local;

namespace {

const Scope k_scope{"123456789012", "us-east-1"};

FunctionRow sample_function(const std::string& name, const Scope& scope = k_scope) {
  FunctionRow row;
  row.account = scope.account;
  row.region = scope.region;
  row.name = name;
  row.spec_json = R"({"Runtime":"nodejs20.x"})";
  row.code_sha256 = "abc=";
  row.code_size = 10;
  row.revision_id = "r1";
  row.last_modified = "2026-11-26T12:00:00.000+0000";
  return row;
}

VersionRow sample_version(const std::string& name, int64_t number) {
  return VersionRow{k_scope.account, k_scope.region, name, number, "{}", "x", 1, "r", "t", 0};
}

}  // namespace

TEST(LambdaStore, FunctionRoundTripAndPersistence) {
  TempDir dir("lcd-store");
  {
    auto store = LambdaStore::open(dir.path());
    ASSERT_TRUE(store) << store.error().message;
    auto written = (*store)->write([&]() -> Result<bool> {
      auto fn = sample_function("alpha");
      fn.settled_revision_id = "r2";
      fn.reserved_concurrency = 5;
      if (auto put = (*store)->put_function(fn); !put) return fail(put.error());
      VersionRow v{k_scope.account, k_scope.region, "alpha", 1, "{}", "abc=", 10, "rv1", "t", 77};
      if (auto put = (*store)->put_version(v); !put) return fail(put.error());
      AliasRow a{k_scope.account, k_scope.region, "alpha", "live", "1", "d", "{}", "ra"};
      if (auto put = (*store)->put_alias(a); !put) return fail(put.error());
      PolicyRow p{k_scope.account, k_scope.region, "alpha", "live", "[]", "rp"};
      if (auto put = (*store)->put_policy(p); !put) return fail(put.error());
      return true;
    });
    ASSERT_TRUE(written) << written.error().message;
  }
  auto reopened = LambdaStore::open(dir.path());
  ASSERT_TRUE(reopened);
  auto& store = **reopened;
  auto fn = store.read([&] { return store.get_function(k_scope, "alpha"); });
  ASSERT_TRUE(fn);
  ASSERT_TRUE(fn->has_value());
  EXPECT_EQ((*fn)->spec_json, R"({"Runtime":"nodejs20.x"})");
  EXPECT_EQ((*fn)->code_size, 10);
  EXPECT_EQ((*fn)->settled_revision_id, "r2");
  EXPECT_EQ((*fn)->reserved_concurrency, 5);
  auto version = store.read([&] { return store.get_version(k_scope, "alpha", 1); });
  ASSERT_TRUE(version && version->has_value());
  EXPECT_EQ((*version)->pending_until_ms, 77);
  auto other_region = store.read([&] { return store.get_function(Scope{k_scope.account, "eu-west-1"}, "alpha"); });
  ASSERT_TRUE(other_region);
  EXPECT_FALSE(other_region->has_value());
  auto other_account = store.read([&] { return store.get_function(Scope{"999999999999", k_scope.region}, "alpha"); });
  ASSERT_TRUE(other_account);
  EXPECT_FALSE(other_account->has_value());
  auto alias = store.read([&] { return store.get_alias(k_scope, "alpha", "live"); });
  ASSERT_TRUE(alias && alias->has_value());
  EXPECT_EQ((*alias)->function_version, "1");
  auto policy = store.read([&] { return store.get_policy(k_scope, "alpha", "live"); });
  ASSERT_TRUE(policy && policy->has_value());
  EXPECT_EQ((*policy)->revision_id, "rp");
  auto check = store.integrity_check();
  ASSERT_TRUE(check);
  EXPECT_EQ(*check, "ok");
}

TEST(LambdaStore, FailedTransactionRollsBack) {
  TempDir dir("lcd-store");
  auto store = LambdaStore::open(dir.path());
  ASSERT_TRUE(store);
  auto& s = **store;
  auto result = s.write([&]() -> Result<bool> {
    if (auto put = s.put_function(sample_function("beta")); !put) return fail(put.error());
    return fail(ErrorKind::conflict, "abort");
  });
  EXPECT_FALSE(result);
  auto fn = s.read([&] { return s.get_function(k_scope, "beta"); });
  ASSERT_TRUE(fn);
  EXPECT_FALSE(fn->has_value());
}

TEST(LambdaStore, ListsInStableOrderWithCursor) {
  TempDir dir("lcd-store");
  auto store = LambdaStore::open(dir.path());
  ASSERT_TRUE(store);
  auto& s = **store;
  ASSERT_TRUE(s.write([&]() -> Result<bool> {
    for (const char* name : {"c", "a", "b"}) {
      if (auto put = s.put_function(sample_function(name)); !put) return fail(put.error());
    }
    if (auto put = s.put_function(sample_function("a", Scope{"999999999999", k_scope.region})); !put) {
      return fail(put.error());
    }
    for (int v = 1; v <= 5; ++v) {
      if (auto put = s.put_version(sample_version("a", v)); !put) return fail(put.error());
    }
    return true;
  }));
  auto first = s.read([&] { return s.list_functions(k_scope, "", 2); });
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].name, "a");
  EXPECT_EQ((*first)[1].name, "b");
  auto rest = s.read([&] { return s.list_functions(k_scope, "b", 2); });
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].name, "c");
  auto versions = s.read([&] { return s.list_versions(k_scope, "a", 2, 2); });
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 3);
  EXPECT_EQ((*versions)[1].version, 4);
  auto count = s.read([&] { return s.count_functions(k_scope); });
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 3);
  auto size = s.read([&] { return s.total_code_size(k_scope); });
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, 3 * 10 + 5 * 1);
}

TEST(LambdaStore, DeleteFunctionRemovesVersionsAliasesAndPolicies) {
  TempDir dir("lcd-store");
  auto store = LambdaStore::open(dir.path());
  ASSERT_TRUE(store);
  auto& s = **store;
  ASSERT_TRUE(s.write([&]() -> Result<bool> {
    if (auto put = s.put_function(sample_function("gone")); !put) return fail(put.error());
    if (auto put = s.put_version(sample_version("gone", 1)); !put) return fail(put.error());
    if (auto put = s.put_alias(AliasRow{k_scope.account, k_scope.region, "gone", "live", "1", "", "{}", "r"}); !put) {
      return fail(put.error());
    }
    if (auto put = s.put_policy(PolicyRow{k_scope.account, k_scope.region, "gone", "", "[]", "r"}); !put) {
      return fail(put.error());
    }
    if (auto del = s.delete_function(k_scope, "gone"); !del) return fail(del.error());
    return true;
  }));
  auto v = s.read([&] { return s.get_version(k_scope, "gone", 1); });
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->has_value());
  auto a = s.read([&] { return s.get_alias(k_scope, "gone", "live"); });
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->has_value());
  auto p = s.read([&] { return s.get_policy(k_scope, "gone", ""); });
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->has_value());
}

TEST(LambdaStore, ReservedConcurrencyIsSummedPerScope) {
  TempDir dir("lcd-store");
  auto store = LambdaStore::open(dir.path());
  ASSERT_TRUE(store);
  auto& s = **store;
  ASSERT_TRUE(s.write([&]() -> Result<bool> {
    auto a = sample_function("a");
    a.reserved_concurrency = 3;
    auto b = sample_function("b");
    b.reserved_concurrency = 0;
    auto c = sample_function("c");  // none reserved
    auto elsewhere = sample_function("d", Scope{k_scope.account, "eu-west-1"});
    elsewhere.reserved_concurrency = 50;
    for (const auto& row : {a, b, c, elsewhere}) {
      if (auto put = s.put_function(row); !put) return fail(put.error());
    }
    return true;
  }));
  auto all = s.read([&] { return s.total_reserved_concurrency(k_scope); });
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, 3);
  auto except_a = s.read([&] { return s.total_reserved_concurrency(k_scope, "a"); });
  ASSERT_TRUE(except_a);
  EXPECT_EQ(*except_a, 0);
}

// A state directory written before resources were kept per account: its tables are keyed by
// region only. Opening it migrates every row to the endpoint's account, once, and nothing is lost.
TEST(LambdaStore, MigratesRegionKeyedStateToTheDefaultAccount) {
  TempDir dir("lcd-store");
  {
    const char* first_schema = R"sql(
CREATE TABLE functions (
  region TEXT NOT NULL, name TEXT NOT NULL, spec_json TEXT NOT NULL, code_sha256 TEXT NOT NULL,
  code_size INTEGER NOT NULL, revision_id TEXT NOT NULL, last_modified TEXT NOT NULL,
  busy_until_ms INTEGER NOT NULL, creating INTEGER NOT NULL, next_version INTEGER NOT NULL,
  published_source_hash TEXT NOT NULL, last_published INTEGER NOT NULL, tags_json TEXT NOT NULL,
  PRIMARY KEY (region, name)) WITHOUT ROWID;
CREATE TABLE versions (
  region TEXT NOT NULL, function_name TEXT NOT NULL, version INTEGER NOT NULL, spec_json TEXT NOT NULL,
  code_sha256 TEXT NOT NULL, code_size INTEGER NOT NULL, revision_id TEXT NOT NULL, last_modified TEXT NOT NULL,
  PRIMARY KEY (region, function_name, version)) WITHOUT ROWID;
CREATE TABLE aliases (
  region TEXT NOT NULL, function_name TEXT NOT NULL, name TEXT NOT NULL, function_version TEXT NOT NULL,
  description TEXT NOT NULL, routing_json TEXT NOT NULL, revision_id TEXT NOT NULL,
  PRIMARY KEY (region, function_name, name)) WITHOUT ROWID;
CREATE TABLE latest_before_update (
  region TEXT NOT NULL, name TEXT NOT NULL, spec_json TEXT NOT NULL, code_sha256 TEXT NOT NULL,
  until_ms INTEGER NOT NULL, PRIMARY KEY (region, name)) WITHOUT ROWID;
)sql";
    auto db = SqliteDb::open(state_database(dir.path()), first_schema);
    ASSERT_TRUE(db) << db.error().message;
    ASSERT_TRUE((*db)->exec("INSERT INTO functions VALUES ('eu-west-1','old','{}','sha=',42,'rev','t',0,0,3,'h',2,"
                            "'{\"team\":\"cd\"}')"));
    ASSERT_TRUE((*db)->exec("INSERT INTO versions VALUES ('eu-west-1','old',2,'{}','sha=',42,'rv2','t')"));
    ASSERT_TRUE((*db)->exec("INSERT INTO aliases VALUES ('eu-west-1','old','live','2','','{}','ra')"));
    ASSERT_TRUE((*db)->exec("INSERT INTO latest_before_update VALUES ('eu-west-1','old','{}','sha0=',99)"));
  }
  const Scope migrated{"111122223333", "eu-west-1"};
  for (int open = 0; open < 2; ++open) {  // the second open finds nothing left to migrate
    auto store = LambdaStore::open(dir.path(), "111122223333");
    ASSERT_TRUE(store) << store.error().message;
    auto& s = **store;
    auto fn = s.read([&] { return s.get_function(migrated, "old"); });
    ASSERT_TRUE(fn && fn->has_value()) << open;
    EXPECT_EQ((*fn)->code_size, 42);
    EXPECT_EQ((*fn)->revision_id, "rev");
    EXPECT_EQ((*fn)->settled_revision_id, "");
    EXPECT_EQ((*fn)->next_version, 3);
    EXPECT_EQ((*fn)->tags_json, R"({"team":"cd"})");
    EXPECT_EQ((*fn)->reserved_concurrency, -1);
    auto version = s.read([&] { return s.get_version(migrated, "old", 2); });
    ASSERT_TRUE(version && version->has_value());
    EXPECT_EQ((*version)->revision_id, "rv2");
    EXPECT_EQ((*version)->pending_until_ms, 0);
    auto alias = s.read([&] { return s.get_alias(migrated, "old", "live"); });
    ASSERT_TRUE(alias && alias->has_value());
    auto before = s.read([&] { return s.get_latest_before_update(migrated, "old"); });
    ASSERT_TRUE(before && before->has_value());
    EXPECT_EQ((*before)->until_ms, 99);
    auto check = s.integrity_check();
    ASSERT_TRUE(check);
    EXPECT_EQ(*check, "ok");
  }
}

TEST(LambdaStore, ExceptionInsideWriteRollsBackAndTheNextWriteCommits) {
  TempDir dir("lcd-store");
  {
    auto store = LambdaStore::open(dir.path());
    ASSERT_TRUE(store);
    auto& s = **store;
    EXPECT_THROW(s.write([&]() -> Result<bool> {
      if (auto put = s.put_function(sample_function("thrown")); !put) return fail(put.error());
      throw std::runtime_error("handler bug");
    }),
                 std::runtime_error);
    auto next = s.write([&]() -> Result<bool> {
      if (auto put = s.put_function(sample_function("after")); !put) return fail(put.error());
      return true;
    });
    ASSERT_TRUE(next) << next.error().message << " (a transaction left open makes BEGIN fail)";
  }
  // Reopened from disk: the write after the exception committed, the one that threw did not.
  auto reopened = LambdaStore::open(dir.path());
  ASSERT_TRUE(reopened);
  auto& s = **reopened;
  auto after = s.read([&] { return s.get_function(k_scope, "after"); });
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->has_value());
  auto thrown = s.read([&] { return s.get_function(k_scope, "thrown"); });
  ASSERT_TRUE(thrown);
  EXPECT_FALSE(thrown->has_value());
}
