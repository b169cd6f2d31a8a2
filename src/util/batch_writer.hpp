#pragma once
// Write-behind with group commits: push() appends an item to an in-memory queue under a mutex (no
// wake-up, no I/O) and a background thread hands whatever queued to `write` every
// `batch_interval`. flush() returns once everything pushed before it was written. When the queue
// holds `max_queued` items, push() waits for the writer: memory stays bounded and nothing is
// dropped. Destruction writes what is queued, then stops.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace lcd {

struct BatchWriterOptions {
  std::chrono::milliseconds batch_interval{200};
  size_t max_queued = 100000;
  bool background = true;  // false: nothing is written until flush() (or a full queue)
};

template <class Item>
class BatchWriter {
 public:
  // `write` gets each batch in push order; its error is kept for the flush() that waited on it.
  using WriteFn = std::function<Result<void>(std::vector<Item>& batch)>;

  BatchWriter(WriteFn write, BatchWriterOptions options) : m_write(std::move(write)), m_options(options) {
    if (m_options.background) m_thread = std::thread([this] { loop(); });
  }

  ~BatchWriter() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
    std::unique_lock lock(m_mutex);
    (void)write_queued(lock);
  }

  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  void push(Item item) {
    std::unique_lock lock(m_mutex);
    while (m_queue.size() >= m_options.max_queued) {
      if (!m_thread.joinable() || m_stop) {
        (void)write_queued(lock);
        break;
      }
      m_wake.notify_one();
      m_written_cv.wait(lock);
    }
    m_queue.push_back(std::move(item));
    ++m_pushed;
  }

  Result<void> flush() {
    std::unique_lock lock(m_mutex);
    const uint64_t target = m_pushed;
    Result<void> outcome;
    while (m_written < target) {
      if (!m_thread.joinable() || m_stop) {
        auto written = write_queued(lock);
        if (!written) outcome = written;
        continue;
      }
      m_flush_requested = true;
      m_wake.notify_one();
      m_written_cv.wait(lock);
    }
    if (outcome && m_last_error_seq > m_flushed_error_seq && m_last_error_seq <= target) {
      outcome = m_last_error;
      m_flushed_error_seq = m_last_error_seq;
    }
    return outcome;
  }

  // A flush() asked for a write the writer has not started yet.
  bool flush_pending() const {
    std::lock_guard lock(m_mutex);
    return m_flush_requested;
  }

  uint64_t failed_writes() const {
    std::lock_guard lock(m_mutex);
    return m_failed_writes;
  }

 private:
  // Called with `lock` held; releases it while writing.
  Result<void> write_queued(std::unique_lock<std::mutex>& lock) {
    while (m_writing) m_written_cv.wait(lock);
    const uint64_t covers = m_pushed;
    // Whatever this call writes answers every flush() asked for so far. Left set, the loop would
    // spin on it holding the mutex, starving push() and flush() (the invoke path).
    m_flush_requested = false;
    if (m_queue.empty()) {
      m_written = covers;
      m_written_cv.notify_all();
      return {};
    }
    std::vector<Item> batch;
    batch.swap(m_queue);
    m_writing = true;
    lock.unlock();
    Result<void> written = write_batch(batch);
    lock.lock();
    m_writing = false;
    m_written = covers;
    if (!written) {
      ++m_failed_writes;
      m_last_error = written;
      m_last_error_seq = covers;
    }
    m_written_cv.notify_all();
    return written;
  }

  // An exception from the writer would end the writer's thread and with it the process: it is
  // that batch's failure instead.
  Result<void> write_batch(std::vector<Item>& batch) noexcept {
    try {
      return m_write(batch);
    } catch (const std::exception& e) {
      return fail(ErrorKind::internal, std::string("a batch write threw: ") + e.what());
    }
  }

  void loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
      m_wake.wait_for(lock, m_options.batch_interval,
                      [&] { return m_stop || m_flush_requested || m_queue.size() >= m_options.max_queued; });
      (void)write_queued(lock);
    }
  }

  WriteFn m_write;
  BatchWriterOptions m_options;
  mutable std::mutex m_mutex;
  std::condition_variable m_wake;        // flush requested, queue full, stop
  std::condition_variable m_written_cv;  // a batch was written
  std::vector<Item> m_queue;
  uint64_t m_pushed = 0;   // items pushed so far
  uint64_t m_written = 0;  // items covered by finished writes
  bool m_flush_requested = false;
  bool m_writing = false;
  bool m_stop = false;
  uint64_t m_failed_writes = 0;
  Result<void> m_last_error;
  uint64_t m_last_error_seq = 0;
  uint64_t m_flushed_error_seq = 0;
  std::thread m_thread;
};

}  // namespace lcd
