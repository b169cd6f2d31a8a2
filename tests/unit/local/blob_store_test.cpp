// The content-addressed blob store shared by the endpoint's services: a blob goes only when no
// referrer refers to it, and legacy blob directories are taken over.
#include "local/blob_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

using namespace lcd;
using namespace lcd::local;

namespace {

TEST(BlobStore, ReleaseKeepsABlobAnyReferrerStillRefersTo) {
  TempDir dir("lcd-blobs");
  BlobStore blobs(dir.path() / "blobs");
  auto hex = blobs.put("shared bytes");
  ASSERT_TRUE(hex);
  std::set<std::string> first{*hex};
  std::set<std::string> second{*hex};
  auto a = blobs.add_referrer([&](const std::string& h) -> Result<bool> { return first.count(h) > 0; });
  auto b = blobs.add_referrer([&](const std::string& h) -> Result<bool> { return second.count(h) > 0; });
  first.clear();
  blobs.release({*hex});
  EXPECT_TRUE(blobs.contains(*hex));  // the second referrer still has it
  second.clear();
  blobs.release({*hex});
  EXPECT_FALSE(blobs.contains(*hex));
}

TEST(BlobStore, AFailingCheckKeepsTheBlobAndAGoneReferrerNoLongerCounts) {
  TempDir dir("lcd-blobs");
  BlobStore blobs(dir.path() / "blobs");
  auto hex = blobs.put("bytes");
  ASSERT_TRUE(hex);
  {
    auto broken = blobs.add_referrer([](const std::string&) -> Result<bool> { return fail(ErrorKind::io, "db down"); });
    blobs.release({*hex});
    EXPECT_TRUE(blobs.contains(*hex));
  }
  blobs.release({*hex, "not-a-digest"});
  EXPECT_FALSE(blobs.contains(*hex));
}

TEST(BlobStore, ConcurrentPutsOfTheSameBytesAllSucceed) {
  TempDir dir("lcd-blobs");
  BlobStore blobs(dir.path() / "blobs");
  std::string bytes(1 << 20, 'x');
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (blobs.put(bytes)) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(*blobs.get(hex_encode(sha256(bytes))), bytes);
}

TEST(BlobStore, AdoptsALegacyDirectory) {
  TempDir dir("lcd-blobs");
  BlobStore legacy(dir.path() / "old");
  auto one = legacy.put("one");
  auto two = legacy.put("two");
  ASSERT_TRUE(one && two);
  ASSERT_TRUE(write_file_atomic(dir.path() / "old" / "notes.txt", "ignored"));
  BlobStore blobs(dir.path() / "blobs");
  ASSERT_TRUE(blobs.put("two"));
  auto adopted = blobs.adopt_directory(dir.path() / "old");
  ASSERT_TRUE(adopted) << adopted.error().message;
  EXPECT_EQ(*blobs.get(*one), "one");
  EXPECT_EQ(*blobs.get(*two), "two");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "blobs" / "notes.txt"));
  EXPECT_TRUE(blobs.adopt_directory(dir.path() / "absent"));  // nothing to take over
}

TEST(BlobStore, CodeShaConversionsRoundTrip) {
  std::string raw = sha256("x");
  EXPECT_EQ(hex_to_code_sha(hex_encode(raw)), base64_encode(raw));
  EXPECT_EQ(code_sha_to_hex(hex_to_code_sha(hex_encode(raw))), hex_encode(raw));
  EXPECT_EQ(hex_to_code_sha("zz"), "");
}

}  // namespace
