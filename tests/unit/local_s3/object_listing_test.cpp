#include "local/s3/object_listing.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace lcd::local::s3 {
namespace {

std::vector<ObjectEntry> entries(std::initializer_list<const char*> keys) {
  std::vector<ObjectEntry> out;
  for (const char* k : keys) out.push_back({k, 1, "\"e\"", "2026-11-26T12:00:00.000Z"});
  return out;
}

std::vector<std::string> keys_of(const ListPage& page) {
  std::vector<std::string> out;
  for (const auto& e : page.contents) out.push_back(e.key);
  return out;
}

const auto k_objects = entries({"a.txt", "builds/1/a.zip", "builds/1/b.zip", "builds/2/a.zip", "builds/x.zip",
                                "logs/today", "z"});

TEST(ListObjects, PrefixFilters) {
  ListParams p;
  p.prefix = "builds/";
  auto page = list_objects(k_objects, p);
  ASSERT_TRUE(page);
  EXPECT_EQ(keys_of(*page),
            (std::vector<std::string>{"builds/1/a.zip", "builds/1/b.zip", "builds/2/a.zip", "builds/x.zip"}));
  EXPECT_FALSE(page->is_truncated);
  EXPECT_TRUE(page->next_continuation_token.empty());
}

TEST(ListObjects, DelimiterGroupsCommonPrefixes) {
  ListParams p;
  p.prefix = "builds/";
  p.delimiter = "/";
  auto page = list_objects(k_objects, p);
  ASSERT_TRUE(page);
  EXPECT_EQ(keys_of(*page), (std::vector<std::string>{"builds/x.zip"}));
  EXPECT_EQ(page->common_prefixes, (std::vector<std::string>{"builds/1/", "builds/2/"}));
  EXPECT_EQ(page->key_count(), 3);
}

TEST(ListObjects, ContinuationWalksEveryKeyExactlyOnce) {
  for (int max : {1, 2, 3}) {
    for (std::string delimiter : {"", "/"}) {
      ListParams p;
      p.max_keys = max;
      p.delimiter = delimiter;
      std::vector<std::string> seen;
      int pages = 0;
      while (true) {
        auto page = list_objects(k_objects, p);
        ASSERT_TRUE(page) << page.error().message;
        ASSERT_LE(page->key_count(), max);
        for (const auto& k : keys_of(*page)) seen.push_back(k);
        for (const auto& c : page->common_prefixes) seen.push_back(c);
        ++pages;
        if (!page->is_truncated) break;
        ASSERT_FALSE(page->next_continuation_token.empty());
        p.continuation_token = page->next_continuation_token;
        ASSERT_LT(pages, 20);
      }
      // Within a page S3 reports Contents and CommonPrefixes separately; compare as a sorted set.
      std::sort(seen.begin(), seen.end());
      if (delimiter.empty()) {
        EXPECT_EQ(seen.size(), k_objects.size()) << "max " << max;
      } else {
        EXPECT_EQ(seen, (std::vector<std::string>{"a.txt", "builds/", "logs/", "z"})) << "max " << max;
      }
    }
  }
}

TEST(ListObjects, StartAfterAndMaxKeysZero) {
  ListParams p;
  p.start_after = "builds/2/a.zip";
  auto page = list_objects(k_objects, p);
  ASSERT_TRUE(page);
  EXPECT_EQ(keys_of(*page), (std::vector<std::string>{"builds/x.zip", "logs/today", "z"}));
  p.max_keys = 0;
  page = list_objects(k_objects, p);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->key_count(), 0);
  EXPECT_FALSE(page->is_truncated);
}

TEST(ListObjects, RejectsForeignToken) {
  ListParams p;
  p.continuation_token = "bm9wZQ==";  // "nope"
  auto page = list_objects(k_objects, p);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code, "InvalidArgument");
}

TEST(Range, Forms) {
  auto r = parse_range("bytes=0-4", 10);
  EXPECT_FALSE(r.whole);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 4u);
  r = parse_range("bytes=5-", 10);
  EXPECT_EQ(r.first, 5u);
  EXPECT_EQ(r.last, 9u);
  r = parse_range("bytes=-3", 10);
  EXPECT_EQ(r.first, 7u);
  EXPECT_EQ(r.last, 9u);
  r = parse_range("bytes=8-100", 10);
  EXPECT_EQ(r.last, 9u);
  EXPECT_FALSE(parse_range("bytes=10-", 10).satisfiable);
  EXPECT_TRUE(parse_range("", 10).whole);
  EXPECT_TRUE(parse_range("bytes=5-2", 10).whole);
  EXPECT_TRUE(parse_range("items=0-1", 10).whole);
}

TEST(BucketName, Rules) {
  EXPECT_TRUE(validate_bucket_name("my-bucket.v2"));
  EXPECT_TRUE(validate_bucket_name("abc"));
  for (const char* bad : {"ab", "UPPER", "under_score", "-start", "end-", "a..b", "192.168.1.1", "xn--abc",
                          "name-s3alias"}) {
    auto r = validate_bucket_name(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "InvalidBucketName");
    EXPECT_EQ(r.error().http_status, 400);
  }
  EXPECT_FALSE(validate_bucket_name(std::string(64, 'a')));
}

}  // namespace
}  // namespace lcd::local::s3
