#include "util/batch_writer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lcd {
namespace {

using namespace std::chrono_literals;

// Blocks the first write until released, so a flush() can arrive while a batch is being written.
struct GatedSink {
  std::mutex mutex;
  std::condition_variable cv;
  bool writing = false;
  bool released = false;
  std::vector<int> written;

  Result<void> write(std::vector<int>& batch) {
    std::unique_lock lock(mutex);
    writing = true;
    cv.notify_all();
    cv.wait(lock, [&] { return released; });
    written.insert(written.end(), batch.begin(), batch.end());
    return {};
  }
  void wait_writing() {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return writing; }));
  }
  void release() {
    std::lock_guard lock(mutex);
    released = true;
    cv.notify_all();
  }
};

TEST(BatchWriter, WritesInPushOrderAndFlushWaitsForIt) {
  std::vector<int> written;
  BatchWriter<int> writer(
      [&](std::vector<int>& batch) -> Result<void> {
        written.insert(written.end(), batch.begin(), batch.end());
        return {};
      },
      BatchWriterOptions{1h, 100, true});
  for (int i = 0; i < 5; ++i) writer.push(i);
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(written, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(BatchWriter, AFlushDuringAWriteLeavesTheWriterIdleAfterwards) {
  GatedSink sink;
  BatchWriter<int> writer([&](std::vector<int>& batch) { return sink.write(batch); },
                          BatchWriterOptions{10ms, 100, true});
  writer.push(1);
  sink.wait_writing();
  auto flushed = std::async(std::launch::async, [&] { return writer.flush(); });
  // The flush is waiting on the batch being written.
  ASSERT_EQ(flushed.wait_for(100ms), std::future_status::timeout);
  sink.release();
  ASSERT_TRUE(flushed.get());
  // Nothing is left to write: the request must be answered, or the writer's loop spins on it
  // holding the mutex and push() (the invoke path) waits behind it.
  bool pending = true;
  for (int i = 0; i < 200 && pending; ++i) {
    pending = writer.flush_pending();
    if (pending) std::this_thread::sleep_for(10ms);
  }
  EXPECT_FALSE(pending);
  writer.push(2);
  ASSERT_TRUE(writer.flush());
  std::lock_guard lock(sink.mutex);
  EXPECT_EQ(sink.written, (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace lcd

namespace lcd {
namespace {

// A writer that throws (nlohmann's dump on a string that is not UTF-8 did, in the metrics writer)
// fails that batch; it used to end the writer's thread and, uncaught, the whole endpoint.
TEST(BatchWriter, AWriterThatThrowsFailsThatBatchAndTheNextOneIsWritten) {
  std::vector<int> written;
  BatchWriter<int> writer(
      [&](std::vector<int>& batch) -> Result<void> {
        for (int v : batch) {
          if (v < 0) throw std::runtime_error("bad item");
        }
        written.insert(written.end(), batch.begin(), batch.end());
        return {};
      },
      BatchWriterOptions{});
  writer.push(-1);
  auto failed = writer.flush();
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("bad item"), std::string::npos) << failed.error().message;
  EXPECT_EQ(writer.failed_writes(), 1u);
  writer.push(7);
  ASSERT_TRUE(writer.flush());
  EXPECT_EQ(written, std::vector<int>{7});
}

}  // namespace
}  // namespace lcd
