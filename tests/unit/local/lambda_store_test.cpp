#include "local/lambda_store.hpp"

#include <gtest/gtest.h>

#include "util/file_io.hpp"

using namespace lcd;
using namespace lcd::local;

namespace {

FunctionRow sample_function(const std::string& name) {
  FunctionRow row;
  row.region = "us-east-1";
  row.name = name;
  row.spec_json = R"({"Runtime":"nodejs20.x"})";
  row.code_sha256 = "abc=";
  row.code_size = 10;
  row.revision_id = "r1";
  row.last_modified = "2026-11-26T12:00:00.000+0000";
  return row;
}

}  // namespace

TEST(LambdaStore, FunctionRoundTripAndPersistence) {
  TempDir dir("lcd-store");
  {
    auto store = LambdaStore::open(dir.path());
    ASSERT_TRUE(store) << store.error().message;
    auto written = (*store)->write([&]() -> Result<bool> {
      if (auto put = (*store)->put_function(sample_function("alpha")); !put) return fail(put.error());
      VersionRow v{"us-east-1", "alpha", 1, "{}", "abc=", 10, "rv1", "t"};
      if (auto put = (*store)->put_version(v); !put) return fail(put.error());
      AliasRow a{"us-east-1", "alpha", "live", "1", "d", "{}", "ra"};
      if (auto put = (*store)->put_alias(a); !put) return fail(put.error());
      return true;
    });
    ASSERT_TRUE(written) << written.error().message;
  }
  auto reopened = LambdaStore::open(dir.path());
  ASSERT_TRUE(reopened);
  auto& store = **reopened;
  auto fn = store.read([&] { return store.get_function("us-east-1", "alpha"); });
  ASSERT_TRUE(fn);
  ASSERT_TRUE(fn->has_value());
  EXPECT_EQ((*fn)->spec_json, R"({"Runtime":"nodejs20.x"})");
  EXPECT_EQ((*fn)->code_size, 10);
  auto other_region = store.read([&] { return store.get_function("eu-west-1", "alpha"); });
  ASSERT_TRUE(other_region);
  EXPECT_FALSE(other_region->has_value());
  auto alias = store.read([&] { return store.get_alias("us-east-1", "alpha", "live"); });
  ASSERT_TRUE(alias && alias->has_value());
  EXPECT_EQ((*alias)->function_version, "1");
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
  auto fn = s.read([&] { return s.get_function("us-east-1", "beta"); });
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
    for (int v = 1; v <= 5; ++v) {
      if (auto put = s.put_version(VersionRow{"us-east-1", "a", v, "{}", "x", 1, "r", "t"}); !put) {
        return fail(put.error());
      }
    }
    return true;
  }));
  auto first = s.read([&] { return s.list_functions("us-east-1", "", 2); });
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].name, "a");
  EXPECT_EQ((*first)[1].name, "b");
  auto rest = s.read([&] { return s.list_functions("us-east-1", "b", 2); });
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].name, "c");
  auto versions = s.read([&] { return s.list_versions("us-east-1", "a", 2, 2); });
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 3);
  EXPECT_EQ((*versions)[1].version, 4);
}

TEST(LambdaStore, DeleteFunctionRemovesVersionsAndAliases) {
  TempDir dir("lcd-store");
  auto store = LambdaStore::open(dir.path());
  ASSERT_TRUE(store);
  auto& s = **store;
  ASSERT_TRUE(s.write([&]() -> Result<bool> {
    if (auto put = s.put_function(sample_function("gone")); !put) return fail(put.error());
    if (auto put = s.put_version(VersionRow{"us-east-1", "gone", 1, "{}", "x", 1, "r", "t"}); !put) {
      return fail(put.error());
    }
    if (auto put = s.put_alias(AliasRow{"us-east-1", "gone", "live", "1", "", "{}", "r"}); !put) {
      return fail(put.error());
    }
    if (auto del = s.delete_function("us-east-1", "gone"); !del) return fail(del.error());
    return true;
  }));
  auto v = s.read([&] { return s.get_version("us-east-1", "gone", 1); });
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->has_value());
  auto a = s.read([&] { return s.get_alias("us-east-1", "gone", "live"); });
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->has_value());
}
