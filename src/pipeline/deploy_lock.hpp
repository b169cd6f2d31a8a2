#pragma once
// The deploy lock: one object per function and region in an S3 bucket, taken with a conditional
// write (`If-None-Match: *`), renewed and released with `If-Match: <etag>` (aws-api-notes-2 §17.1),
// so two CI runners or laptops never change one function at the same time. The object says who
// holds it (host, pid, CI job), for which command and build, and until when; a holder that died
// leaves a lease that expires and is taken over (atomically, with If-Match) by the next run.
//
// Lease times are the holder's clock; a taker waits a grace period past the expiry so modest clock
// skew between machines cannot make two holders.

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "clients/s3_client.hpp"
#include "pipeline/observer.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace lcd::pipeline {

struct LockOwner {
  std::string host;
  int pid = 0;
  std::string ci_job;  // "GitHub Actions run 123", "GitLab job 45", "Jenkins jenkins-app-7"; empty locally
};

struct LockRecord {
  LockOwner owner;
  std::string command;  // "pipeline", "promote", ...
  std::string build;    // empty when the command has none
  std::string token;    // random; tells our own lock from another's after a retried write
  std::chrono::system_clock::time_point acquired;
  std::chrono::system_clock::time_point expires;
};

// JSON text of a lock object, and back (pure).
std::string lock_record_json(const LockRecord& record);
Result<LockRecord> parse_lock_record(std::string_view text);

// "ci-runner-3 pid 4242 (GitHub Actions run 812), pipeline build 31, since 2026-11-27T10:00:03Z"
std::string describe_holder(const LockRecord& record);

// This process, as a lock owner: host name, pid, and the CI job from GITHUB_RUN_ID (+GITHUB_REPOSITORY),
// CI_JOB_ID (GitLab) or BUILD_TAG (Jenkins) when set.
LockOwner current_lock_owner();

struct LockSettings {
  std::string bucket;
  std::string key;                                     // lock_key(function, region)
  std::string region;                                  // for CreateBucket when the bucket is missing
  std::chrono::seconds lease{120};                     // renewed every lease/3 while held
  std::chrono::milliseconds wait{std::chrono::minutes(10)};  // --lock-timeout / [lock] wait
  std::chrono::milliseconds poll{std::chrono::seconds(2)};
};

// "<function>/lock/<region>.json"
std::string lock_key(const std::string& function_name, const std::string& region);

// The bucket a lock lives in when lambda-cd.toml names none: "lambda-cd-locks-<account>-<region>",
// one per account and region (bucket names are global, so the account keeps it unique).
std::string default_lock_bucket(const std::string& account, const std::string& region);

// A lock object as read from S3.
struct LockView {
  LockRecord record;
  std::string etag;
  bool readable = true;  // false: the object exists but is not a lock record we can read
};

// The current lock object, or nullopt when none is held.
Result<std::optional<LockView>> read_lock(clients::S3Client& s3, const LockSettings& settings);

class DeployLock {
 public:
  // Takes the lock, waiting up to settings.wait while a live lease is held by another (telling
  // `observer` who holds it, once per holder); takes over an expired lease with a warning.
  // Fails with ErrorKind::conflict naming the holder when the wait runs out. `s3` must be usable
  // from the renewal thread while the command runs (give the lock its own client).
  static Result<std::unique_ptr<DeployLock>> acquire(clients::S3Client& s3, Clock& clock, Observer& observer,
                                                     const LockSettings& settings, LockRecord me);
  ~DeployLock();  // releases when still held (best effort)
  DeployLock(const DeployLock&) = delete;
  DeployLock& operator=(const DeployLock&) = delete;

  // Extends the lease (If-Match). Fails, and marks the lock lost, when another took or broke it.
  Result<void> renew();
  // Deletes the object (If-Match); a lock already lost or gone is not an error.
  Result<void> release();
  // Renews every `interval` on a background thread until release() or destruction.
  void start_renewing(std::chrono::milliseconds interval);

  // Ok while this run holds the lock; otherwise why not. Reads the lock object to see that it is
  // still ours (a broken or taken-over lock is noticed before the next step, not at the next
  // renewal); a read that fails for another reason leaves the verdict to the lease.
  Result<void> check();
  const LockRecord& record() const { return m_record; }

 private:
  DeployLock(clients::S3Client& s3, Clock& clock, LockSettings settings, LockRecord record, std::string etag);
  void stop_renewing();

  clients::S3Client& m_s3;
  Clock& m_clock;
  LockSettings m_settings;
  LockRecord m_record;
  std::mutex m_io;             // one S3 call at a time: the renewer thread and the command share m_s3
  mutable std::mutex m_mutex;  // m_etag, m_held, m_lost_reason, m_stop
  std::string m_etag;
  bool m_held = true;
  std::string m_lost_reason;
  bool m_stop = false;
  std::condition_variable m_wake;
  std::thread m_renewer;
};

// `lambda-cd unlock --force`: deletes the lock whoever holds it; returns whose it was (nullopt: none).
Result<std::optional<LockView>> break_lock(clients::S3Client& s3, const LockSettings& settings);

}  // namespace lcd::pipeline
