// The content-addressed blob store shared by the endpoint's services: a blob goes only when no
// referrer refers to it, and legacy blob directories are taken over.
#include "local/blob_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
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

// What a SIGKILL leaves: a blob whose row was never committed, and an atomic write's temp file.
TEST(BlobStore, SweepRemovesWhatNoReferrerRefersToAndStaleTempFiles) {
  TempDir dir("lcd-blobs");
  BlobStore before_crash(dir.path() / "blobs");
  auto kept = before_crash.put("referred to");
  auto orphan = before_crash.put("row never committed");
  ASSERT_TRUE(kept && orphan);
  auto temp = dir.path() / "blobs" / (std::string(64, 'a') + ".zip.tmp.4242");
  ASSERT_TRUE(write_file_atomic(temp, "torn"));
  ASSERT_TRUE(write_file_atomic(dir.path() / "blobs" / "notes.txt", "not ours"));

  BlobStore blobs(dir.path() / "blobs");
  std::set<std::string> rows{*kept};
  auto referrer = blobs.add_referrer([&](const std::string& h) -> Result<bool> { return rows.count(h) > 0; });
  auto swept = blobs.sweep_unreferenced();
  ASSERT_TRUE(swept) << swept.error().message;
  EXPECT_EQ(*swept, 2u);
  EXPECT_TRUE(blobs.contains(*kept));
  EXPECT_FALSE(blobs.contains(*orphan));
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "blobs" / "notes.txt"));  // other names are left alone
}

TEST(BlobStore, SweepKeepsABlobWhenAReferrerCannotTell) {
  TempDir dir("lcd-blobs");
  BlobStore blobs(dir.path() / "blobs");
  auto hex = blobs.put("bytes");
  ASSERT_TRUE(hex);
  auto broken = blobs.add_referrer([](const std::string&) -> Result<bool> { return fail(ErrorKind::io, "db down"); });
  auto swept = blobs.sweep_unreferenced();
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 0u);
  EXPECT_TRUE(blobs.contains(*hex));
}

// Another endpoint on the same state directory may be between storing a blob and committing its
// row: while it uses the directory, a starting endpoint sweeps nothing.
TEST(BlobStore, SweepRemovesNothingWhileAnotherUserHoldsTheDirectory) {
  TempDir dir("lcd-blobs");
  auto running = std::make_unique<BlobStore>(dir.path() / "blobs");
  ASSERT_TRUE(running->sweep_unreferenced());  // registers it as a user of the directory
  auto in_flight = running->put("its row is about to be committed");
  ASSERT_TRUE(in_flight);
  auto no_rows = [](const std::string&) -> Result<bool> { return false; };
  {
    BlobStore starting(dir.path() / "blobs");
    auto referrer = starting.add_referrer(no_rows);
    auto swept = starting.sweep_unreferenced();
    ASSERT_TRUE(swept);
    EXPECT_EQ(*swept, 0u);
    EXPECT_TRUE(starting.contains(*in_flight));
  }
  // Once the other user is gone (its process ended), the next start cleans up.
  running.reset();
  BlobStore alone(dir.path() / "blobs");
  auto referrer = alone.add_referrer(no_rows);
  auto swept = alone.sweep_unreferenced();
  ASSERT_TRUE(swept);
  EXPECT_EQ(*swept, 1u);
  EXPECT_FALSE(alone.contains(*in_flight));
}

TEST(BlobStore, CodeShaConversionsRoundTrip) {
  std::string raw = sha256("x");
  EXPECT_EQ(hex_to_code_sha(hex_encode(raw)), base64_encode(raw));
  EXPECT_EQ(code_sha_to_hex(hex_to_code_sha(hex_encode(raw))), hex_encode(raw));
  EXPECT_EQ(hex_to_code_sha("zz"), "");
}

}  // namespace
