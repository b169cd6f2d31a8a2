#include "pipeline/deploy_lock.hpp"

#include <unistd.h>

#include <cstdlib>

#include <nlohmann/json.hpp>

#include "pipeline/backup_store.hpp"
#include "util/crypto.hpp"

namespace lcd::pipeline {
namespace {

using json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::system_clock;

system_clock::time_point from_ms(int64_t ms) { return system_clock::time_point(milliseconds(ms)); }

std::string env_or_empty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// Past its expiry by more than this, a lease is dead: a quarter of the lease, at least 5 s, absorbs
// clock skew between the holder and the taker.
milliseconds takeover_grace(std::chrono::seconds lease) {
  return std::max<milliseconds>(milliseconds(5000), std::chrono::duration_cast<milliseconds>(lease) / 4);
}

bool is_code(const Error& e, const char* code) { return e.code == code; }

Error lost_error(const std::string& reason) {
  return Error{ErrorKind::conflict, "lost the deploy lock: " + reason};
}

}  // namespace

std::string lock_record_json(const LockRecord& r) {
  json j;
  j["owner"] = {{"host", r.owner.host}, {"pid", r.owner.pid}};
  if (!r.owner.ci_job.empty()) j["owner"]["ci_job"] = r.owner.ci_job;
  j["command"] = r.command;
  if (!r.build.empty()) j["build"] = r.build;
  j["token"] = r.token;
  j["acquired"] = format_iso8601_ms(r.acquired);
  j["acquired_ms"] = to_epoch_ms(r.acquired);
  j["expires"] = format_iso8601_ms(r.expires);
  j["expires_ms"] = to_epoch_ms(r.expires);
  return j.dump(2);
}

Result<LockRecord> parse_lock_record(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(ErrorKind::invalid, "the lock object is not JSON");
  try {
    LockRecord r;
    const json& owner = j.at("owner");
    r.owner.host = owner.at("host").get<std::string>();
    r.owner.pid = owner.at("pid").get<int>();
    r.owner.ci_job = owner.value("ci_job", "");
    r.command = j.at("command").get<std::string>();
    r.build = j.value("build", "");
    r.token = j.at("token").get<std::string>();
    r.acquired = from_ms(j.at("acquired_ms").get<int64_t>());
    r.expires = from_ms(j.at("expires_ms").get<int64_t>());
    return r;
  } catch (const json::exception& e) {
    return fail(ErrorKind::invalid, std::string("the lock object is not a lock record: ") + e.what());
  }
}

std::string describe_holder(const LockRecord& r) {
  std::string s = r.owner.host + " pid " + std::to_string(r.owner.pid);
  if (!r.owner.ci_job.empty()) s += " (" + r.owner.ci_job + ")";
  s += ", " + r.command;
  if (!r.build.empty()) s += " build " + r.build;
  s += ", since " + format_iso8601_ms(r.acquired);
  return s;
}

LockOwner current_lock_owner() {
  LockOwner owner;
  char host[256] = {};
  owner.host = gethostname(host, sizeof host - 1) == 0 ? std::string(host) : std::string("unknown-host");
  owner.pid = static_cast<int>(getpid());
  if (auto run = env_or_empty("GITHUB_RUN_ID"); !run.empty()) {
    auto repo = env_or_empty("GITHUB_REPOSITORY");
    owner.ci_job = "GitHub Actions run " + run + (repo.empty() ? "" : " of " + repo);
  } else if (auto job = env_or_empty("CI_JOB_ID"); !job.empty()) {
    owner.ci_job = "GitLab job " + job;
  } else if (auto tag = env_or_empty("BUILD_TAG"); !tag.empty()) {
    owner.ci_job = "Jenkins " + tag;
  }
  return owner;
}

std::string default_lock_bucket(const std::string& account, const std::string& region) {
  return "lambda-cd-locks-" + account + "-" + (region.empty() ? std::string("us-east-1") : region);
}

std::string lock_key(const std::string& function_name, const std::string& region) {
  return function_name + "/lock/" + (region.empty() ? std::string("default") : region) + ".json";
}

Result<std::optional<LockView>> read_lock(clients::S3Client& s3, const LockSettings& settings) {
  auto object = s3.get_object(settings.bucket, settings.key);
  if (!object) {
    if (object.error().kind == ErrorKind::not_found) return std::optional<LockView>();  // no key, or no bucket yet
    return fail(object.error());
  }
  LockView view;
  view.etag = object->info.etag;
  auto record = parse_lock_record(object->body);
  if (record) {
    view.record = std::move(*record);
  } else {
    view.readable = false;
    view.record.owner.host = "unknown (unreadable lock object)";
  }
  return std::optional<LockView>(std::move(view));
}

DeployLock::DeployLock(clients::S3Client& s3, Clock& clock, LockSettings settings, LockRecord record, std::string etag)
    : m_s3(s3), m_clock(clock), m_settings(std::move(settings)), m_record(std::move(record)), m_etag(std::move(etag)) {}

Result<std::unique_ptr<DeployLock>> DeployLock::acquire(clients::S3Client& s3, Clock& clock, Observer& observer,
                                                        const LockSettings& settings, LockRecord me) {
  if (me.token.empty()) me.token = random_uuid();
  const auto deadline = clock.monotonic() + settings.wait;
  std::string announced_token;  // the holder we last told the user about
  bool bucket_checked = false;
  auto fresh_record = [&] {
    me.acquired = clock.now();
    me.expires = me.acquired + settings.lease;
    return me;
  };
  auto held = [&](std::string etag) {
    return std::unique_ptr<DeployLock>(new DeployLock(s3, clock, settings, me, std::move(etag)));
  };
  clients::PutOptions create;
  create.content_type = "application/json";
  create.if_none_match = true;
  for (;;) {
    auto put = s3.put_object(settings.bucket, settings.key, lock_record_json(fresh_record()), create);
    if (put) return held(put->etag);
    const Error& e = put.error();
    if (is_code(e, "NoSuchBucket") && !bucket_checked) {
      bucket_checked = true;
      BackupContext bucket{s3, clock, observer, settings.bucket, settings.region};
      if (auto made = ensure_bucket(bucket); !made) return fail(made.error());
      continue;
    }
    if (is_code(e, "ConditionalRequestConflict")) {  // another writer raced us: look again
      clock.sleep_for(milliseconds(200));
      continue;
    }
    if (e.kind != ErrorKind::precondition) return fail(e);

    auto current = read_lock(s3, settings);
    if (!current) return fail(current.error());
    if (!*current) continue;  // released in between
    const LockView& view = **current;
    if (view.readable && view.record.token == me.token) return held(view.etag);  // our retried write had landed
    const auto now = clock.now();
    if (!view.readable || now > view.record.expires + takeover_grace(settings.lease)) {
      clients::PutOptions takeover;
      takeover.content_type = "application/json";
      takeover.if_match = view.etag;
      auto taken = s3.put_object(settings.bucket, settings.key, lock_record_json(fresh_record()), takeover);
      if (taken) {
        observer.warning(view.readable ? "took over the deploy lock of " + describe_holder(view.record) +
                                             ": its lease expired at " + format_iso8601_ms(view.record.expires)
                                       : "replaced an unreadable deploy lock object s3://" + settings.bucket + "/" +
                                             settings.key);
        return held(taken->etag);
      }
      if (taken.error().kind != ErrorKind::precondition && !is_code(taken.error(), "ConditionalRequestConflict") &&
          taken.error().kind != ErrorKind::not_found) {
        return fail(taken.error());
      }
      continue;  // someone else took it first, or it was released: look again
    }
    if (view.record.token != announced_token) {
      announced_token = view.record.token;
      observer.message("waiting for the deploy lock: held by " + describe_holder(view.record));
    }
    const auto left = deadline - clock.monotonic();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      return fail(ErrorKind::conflict,
                  "the deploy lock on s3://" + settings.bucket + "/" + settings.key + " is held by " +
                      describe_holder(view.record) + " (lease until " + format_iso8601_ms(view.record.expires) +
                      "); gave up after waiting " +
                      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(settings.wait).count()) +
                      " s (--lock-timeout)");
    }
    clock.sleep_for(std::min(settings.poll, std::chrono::duration_cast<milliseconds>(left) + milliseconds(1)));
  }
}

DeployLock::~DeployLock() {
  stop_renewing();
  bool still_held;
  {
    std::lock_guard lock(m_mutex);
    still_held = m_held;
  }
  if (still_held) (void)release();  // best effort on the way out; expiry covers a failure
}

Result<void> DeployLock::renew() {
  std::string etag;
  {
    std::lock_guard lock(m_mutex);
    if (!m_held) return fail(lost_error(m_lost_reason));
    etag = m_etag;
  }
  std::lock_guard io(m_io);
  LockRecord next = m_record;
  next.expires = m_clock.now() + m_settings.lease;
  clients::PutOptions options;
  options.content_type = "application/json";
  options.if_match = etag;
  auto put = m_s3.put_object(m_settings.bucket, m_settings.key, lock_record_json(next), options);
  std::lock_guard lock(m_mutex);
  if (put) {
    m_etag = put->etag;
    m_record.expires = next.expires;
    return {};
  }
  const Error& e = put.error();
  if (e.kind == ErrorKind::precondition || e.kind == ErrorKind::not_found) {
    m_held = false;
    m_lost_reason = e.kind == ErrorKind::not_found
                        ? "the lock object was deleted (lambda-cd unlock --force?)"
                        : "another run replaced the lock object (broken, or taken over after the lease expired)";
    return fail(lost_error(m_lost_reason));
  }
  return fail(e);  // transient: the lease is still ours until it expires
}

Result<void> DeployLock::release() {
  stop_renewing();
  std::string etag;
  {
    std::lock_guard lock(m_mutex);
    if (!m_held) return {};
    m_held = false;
    m_lost_reason = "released";
    etag = m_etag;
  }
  std::lock_guard io(m_io);
  auto deleted = m_s3.delete_object(m_settings.bucket, m_settings.key, etag);
  if (!deleted && deleted.error().kind != ErrorKind::precondition && deleted.error().kind != ErrorKind::not_found) {
    return fail(deleted.error());
  }
  return {};
}

void DeployLock::start_renewing(std::chrono::milliseconds interval) {
  if (m_renewer.joinable()) return;
  m_renewer = std::thread([this, interval] {
    std::unique_lock lock(m_mutex);
    while (!m_stop && m_held) {
      if (m_wake.wait_for(lock, interval, [this] { return m_stop; })) break;
      lock.unlock();
      (void)renew();  // a transient failure is retried at the next tick; a lost lock ends the loop
      lock.lock();
    }
  });
}

void DeployLock::stop_renewing() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_wake.notify_all();
  if (m_renewer.joinable() && m_renewer.get_id() != std::this_thread::get_id()) m_renewer.join();
}

Result<void> DeployLock::check() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_held) return fail(lost_error(m_lost_reason));
  }
  std::lock_guard io(m_io);
  auto current = read_lock(m_s3, m_settings);
  if (!current) return {};  // cannot tell now; the lease still protects us
  std::lock_guard lock(m_mutex);
  if (!m_held) return fail(lost_error(m_lost_reason));
  if (*current && (*current)->readable && (*current)->record.token == m_record.token) return {};
  m_held = false;
  m_lost_reason = *current ? "the lock now belongs to " + describe_holder((*current)->record) +
                                 " (broken with `lambda-cd unlock --force`, or taken over after the lease expired)"
                           : "the lock object was deleted (lambda-cd unlock --force?)";
  return fail(lost_error(m_lost_reason));
}

Result<std::optional<LockView>> break_lock(clients::S3Client& s3, const LockSettings& settings) {
  auto current = read_lock(s3, settings);
  if (!current || !*current) return current;
  auto deleted = s3.delete_object(settings.bucket, settings.key, (*current)->etag);
  if (!deleted) {
    if (deleted.error().kind == ErrorKind::not_found) return std::optional<LockView>();
    if (deleted.error().kind == ErrorKind::precondition) {
      return fail(ErrorKind::conflict, "the deploy lock changed hands while breaking it; run `lambda-cd lock status`");
    }
    return fail(deleted.error());
  }
  return current;
}

}  // namespace lcd::pipeline
