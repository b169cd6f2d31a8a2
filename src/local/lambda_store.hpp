#pragma once
// Durable Lambda metadata in the endpoint's one SQLite database (state_layout.hpp; WAL, every
// acknowledged change fsynced: it survives a crash of the process or the machine). One connection
// (through the shared SqliteDb wrapper) behind a mutex: callers group statements
// into transactions with write(), or consistent reads with read(). Primitives must only be
// called from inside those callbacks.

#include <cstdint>
#include <filesystem>
#include <condition_variable>
#include <functional>
#include <map>
#include <thread>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "local/sqlite_db.hpp"
#include "util/result.hpp"

namespace lcd::local {

// Lambda resources live in an (account, region) pair, as on AWS.
struct Scope {
  std::string account;
  std::string region;
};

struct FunctionRow {
  std::string account;
  std::string region;
  std::string name;
  std::string spec_json;      // the configurable fields of $LATEST, a JSON object
  std::string code_sha256;    // base64(sha256(zip))
  int64_t code_size = 0;
  std::string revision_id;          // while busy (Pending / InProgress), or for good when settled is empty
  std::string settled_revision_id;  // what RevisionId becomes when the busy window ends ("" = no change)
  std::string last_modified;  // "2019-08-14T22:26:11.234+0000"
  int64_t busy_until_ms = 0;  // epoch ms: Pending / InProgress until then
  bool creating = false;      // the busy phase is creation (State Pending), else an update
  int64_t next_version = 1;   // numbers are never reused
  std::string published_source_hash;  // what $LATEST looked like at the last publish
  int64_t last_published = 0;         // 0: none yet
  std::string tags_json = "{}";
  int64_t reserved_concurrency = -1;  // PutFunctionConcurrency; -1: none reserved

  Scope scope() const { return {account, region}; }
  // RevisionId as AWS reports it at `now_ms`: it changes again when Pending/InProgress ends.
  const std::string& revision_at(int64_t now_ms) const {
    return now_ms < busy_until_ms || settled_revision_id.empty() ? revision_id : settled_revision_id;
  }
  // Folds a finished busy window into revision_id (call before changing the revision).
  void settle(int64_t now_ms) {
    if (now_ms >= busy_until_ms && !settled_revision_id.empty()) {
      revision_id = settled_revision_id;
      settled_revision_id.clear();
    }
  }
};

struct VersionRow {
  std::string account;
  std::string region;
  std::string function_name;
  int64_t version = 0;
  std::string spec_json;
  std::string code_sha256;
  int64_t code_size = 0;
  std::string revision_id;
  std::string last_modified;
  int64_t pending_until_ms = 0;  // State Pending until then (published while $LATEST was busy)
};

struct AliasRow {
  std::string account;
  std::string region;
  std::string function_name;
  std::string name;
  std::string function_version;
  std::string description;
  std::string routing_json;   // {"2": 0.1} or "{}"
  std::string revision_id;
};

// A resource-based policy: one per function ("" qualifier), version or alias.
struct PolicyRow {
  std::string account;
  std::string region;
  std::string function_name;
  std::string qualifier;
  std::string statements_json;  // JSON array of statement objects, in the order they were added
  std::string revision_id;
};

// What $LATEST was before an update, kept so invokes during the update's InProgress window run it
// (AWS: "you can still invoke it"; invocations use the previous code and configuration).
struct LatestBeforeUpdate {
  std::string spec_json;
  std::string code_sha256;
  int64_t until_ms = 0;  // the busy_until_ms of the update it precedes
};

// How a store failure is reported through a caller's error type (overloaded for other error types
// next to them, found by argument-dependent lookup).
inline Error adapt_store_error(const Error& error, const Error*) { return error; }

class LambdaStore {
 public:
  // Opens (creating if needed) the endpoint's database in state directory `dir` (state_layout.hpp).
  // A database written before resources were kept per account is migrated in one transaction:
  // its rows belong to `default_account` afterwards.
  static Result<std::unique_ptr<LambdaStore>> open(const std::filesystem::path& dir,
                                                   const std::string& default_account = "000000000000");
  ~LambdaStore();
  LambdaStore(const LambdaStore&) = delete;
  LambdaStore& operator=(const LambdaStore&) = delete;

  // Runs `body` in BEGIN IMMEDIATE .. COMMIT; rolls back when it returns an error or throws. Returns only
  // after the commit is durable: commits are written to the WAL without fsync (synchronous=NORMAL)
  // and a syncer thread fsyncs the WAL for every commit made so far, outside the store lock
  // (group commit: concurrent writers share one fsync instead of queueing for one each).
  template <class T>
  auto write(T&& body) -> decltype(body()) {
    using R = decltype(body());
    using E = typename R::error_type;
    auto store_error = [](const Error& e) { return R(tl::unexpect, adapt_store_error(e, static_cast<const E*>(nullptr))); };
    std::optional<R> result;
    uint64_t seq = 0;
    {
      std::lock_guard lock(m_mutex);
      auto tx = SqliteTransaction::begin([this](const char* sql) { return exec(sql); });
      if (!tx) return store_error(tx.error());
      result.emplace(body());  // an exception leaves through ~SqliteTransaction's ROLLBACK
      if (!*result) return std::move(*result);
      if (auto committed = tx->commit(); !committed) return store_error(committed.error());
      seq = ++m_commit_seq;
    }
    if (auto durable = await_durable(seq); !durable) return store_error(durable.error());
    return std::move(*result);
  }
  // Consistent reads. When they may have seen commits not yet durable, waits until those are
  // (a reader never reports state that a crash could still take back).
  template <class T>
  auto read(T&& body) -> decltype(body()) {
    using E = typename decltype(body())::error_type;
    std::unique_lock lock(m_mutex);
    auto result = body();
    uint64_t seen = m_commit_seq;
    lock.unlock();
    if (auto durable = await_durable(seen); !durable) {
      return decltype(body())(tl::unexpect, adapt_store_error(durable.error(), static_cast<const E*>(nullptr)));
    }
    return result;
  }

  // Primitives (call inside write()/read()).
  Result<std::optional<FunctionRow>> get_function(const Scope& scope, const std::string& name);
  Result<void> put_function(const FunctionRow& row);  // insert or replace
  // + versions, aliases, policies, the pre-update $LATEST
  Result<void> delete_function(const Scope& scope, const std::string& name);
  // Functions in name order after `after_name` (exclusive; "" = from the start).
  Result<std::vector<FunctionRow>> list_functions(const Scope& scope, const std::string& after_name, int limit);
  Result<int64_t> count_functions(const Scope& scope);
  // Bytes of every $LATEST and every published version (AccountUsage.TotalCodeSize).
  Result<int64_t> total_code_size(const Scope& scope);
  // Sum of ReservedConcurrentExecutions over the scope's functions, except `except_name`.
  Result<int64_t> total_reserved_concurrency(const Scope& scope, const std::string& except_name = "");

  Result<std::optional<LatestBeforeUpdate>> get_latest_before_update(const Scope& scope, const std::string& name);
  Result<void> put_latest_before_update(const Scope& scope, const std::string& name, const LatestBeforeUpdate& previous);

  Result<std::optional<VersionRow>> get_version(const Scope& scope, const std::string& name, int64_t version);
  Result<void> put_version(const VersionRow& row);
  Result<void> delete_version(const Scope& scope, const std::string& name, int64_t version);
  Result<std::vector<VersionRow>> list_versions(const Scope& scope, const std::string& name, int64_t after_version,
                                                int limit);

  Result<std::optional<AliasRow>> get_alias(const Scope& scope, const std::string& function_name,
                                            const std::string& alias);
  Result<void> put_alias(const AliasRow& row);
  Result<bool> delete_alias(const Scope& scope, const std::string& function_name, const std::string& alias);
  // Aliases in name order after `after_name`; all when limit < 0.
  Result<std::vector<AliasRow>> list_aliases(const Scope& scope, const std::string& function_name,
                                             const std::string& after_name, int limit);

  Result<std::optional<PolicyRow>> get_policy(const Scope& scope, const std::string& function_name,
                                              const std::string& qualifier);
  Result<void> put_policy(const PolicyRow& row);
  Result<void> delete_policy(const Scope& scope, const std::string& function_name, const std::string& qualifier);

  // Whether a function, version or pre-update $LATEST still served at `now_ms` (epoch ms) in any
  // account or region has code `code_sha256` (base64).
  Result<bool> references_code(const std::string& code_sha256, int64_t now_ms);

  // "ok" when PRAGMA integrity_check passes.
  Result<std::string> integrity_check();

 private:
  LambdaStore() = default;
  Result<void> exec(const char* sql);
  Result<void> migrate(const std::string& default_account);
  // One integer from `sql` bound with (account, region, name).
  Result<int64_t> scalar(const char* sql, const Scope& scope, const std::string& name, const char* what);
  // Blocks (without the store lock) until commit `seq` has been fsynced.
  Result<void> await_durable(uint64_t seq);
  void syncer_loop();

  std::mutex m_mutex;
  uint64_t m_commit_seq = 0;              // commits made (guarded by m_mutex)
  std::mutex m_sync_mutex;                // guards the members below
  std::condition_variable m_sync_cv;
  uint64_t m_requested_seq = 0;           // highest commit someone waits for
  uint64_t m_synced_seq = 0;              // every commit up to this one is on disk
  std::optional<Error> m_sync_error;      // a failed fsync: later commits cannot be acknowledged
  bool m_stopping = false;
  std::filesystem::path m_wal_path;
  std::unique_ptr<SqliteDb> m_db;
  std::thread m_syncer;
};

}  // namespace lcd::local
