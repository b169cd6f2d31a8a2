#pragma once
// Durable Lambda metadata in SQLite (WAL, synchronous=FULL: every acknowledged change survives a
// crash of the process or the machine). One connection behind a mutex: callers group statements
// into transactions with write(), or consistent reads with read(). Primitives must only be
// called from inside those callbacks.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lcd::local {

struct FunctionRow {
  std::string region;
  std::string name;
  std::string spec_json;      // the configurable fields of $LATEST, a JSON object
  std::string code_sha256;    // base64(sha256(zip))
  int64_t code_size = 0;
  std::string revision_id;
  std::string last_modified;  // "2019-08-14T22:26:11.234+0000"
  int64_t busy_until_ms = 0;  // epoch ms: Pending / InProgress until then
  bool creating = false;      // the busy phase is creation (State Pending), else an update
  int64_t next_version = 1;   // numbers are never reused
  std::string published_source_hash;  // what $LATEST looked like at the last publish
  int64_t last_published = 0;         // 0: none yet
  std::string tags_json = "{}";
};

struct VersionRow {
  std::string region;
  std::string function_name;
  int64_t version = 0;
  std::string spec_json;
  std::string code_sha256;
  int64_t code_size = 0;
  std::string revision_id;
  std::string last_modified;
};

struct AliasRow {
  std::string region;
  std::string function_name;
  std::string name;
  std::string function_version;
  std::string description;
  std::string routing_json;   // {"2": 0.1} or "{}"
  std::string revision_id;
};

// How a store failure is reported through a caller's error type (overloaded for other error types
// next to them, found by argument-dependent lookup).
inline Error adapt_store_error(const Error& error, const Error*) { return error; }

class LambdaStore {
 public:
  // Opens (creating if needed) <dir>/lambda.sqlite3.
  static Result<std::unique_ptr<LambdaStore>> open(const std::filesystem::path& dir);
  ~LambdaStore();
  LambdaStore(const LambdaStore&) = delete;
  LambdaStore& operator=(const LambdaStore&) = delete;

  // Runs `body` inside BEGIN IMMEDIATE .. COMMIT; rolls back when it returns an error.
  // The commit is durable when this returns a value.
  template <class T>
  auto write(T&& body) -> decltype(body()) {
    using E = typename decltype(body())::error_type;
    std::lock_guard lock(m_mutex);
    if (auto begun = exec("BEGIN IMMEDIATE"); !begun) {
      return tl::unexpected(adapt_store_error(begun.error(), static_cast<const E*>(nullptr)));
    }
    auto result = body();
    if (!result) {
      (void)exec("ROLLBACK");
      return result;
    }
    if (auto committed = exec("COMMIT"); !committed) {
      (void)exec("ROLLBACK");
      return tl::unexpected(adapt_store_error(committed.error(), static_cast<const E*>(nullptr)));
    }
    return result;
  }
  template <class T>
  auto read(T&& body) -> decltype(body()) {
    std::lock_guard lock(m_mutex);
    return body();
  }

  // Primitives (call inside write()/read()).
  Result<std::optional<FunctionRow>> get_function(const std::string& region, const std::string& name);
  Result<void> put_function(const FunctionRow& row);  // insert or replace
  Result<void> delete_function(const std::string& region, const std::string& name);  // + versions, aliases
  // Functions in name order after `after_name` (exclusive; "" = from the start).
  Result<std::vector<FunctionRow>> list_functions(const std::string& region, const std::string& after_name,
                                                  int limit);
  Result<int64_t> count_functions(const std::string& region);
  Result<int64_t> total_code_size(const std::string& region);

  Result<std::optional<VersionRow>> get_version(const std::string& region, const std::string& name, int64_t version);
  Result<void> put_version(const VersionRow& row);
  Result<void> delete_version(const std::string& region, const std::string& name, int64_t version);
  Result<std::vector<VersionRow>> list_versions(const std::string& region, const std::string& name,
                                                int64_t after_version, int limit);

  Result<std::optional<AliasRow>> get_alias(const std::string& region, const std::string& function_name,
                                            const std::string& alias);
  Result<void> put_alias(const AliasRow& row);
  Result<bool> delete_alias(const std::string& region, const std::string& function_name, const std::string& alias);
  // Aliases in name order after `after_name`; all when limit < 0.
  Result<std::vector<AliasRow>> list_aliases(const std::string& region, const std::string& function_name,
                                             const std::string& after_name, int limit);

  // Every blob (hex sha256) some function or version still references.
  Result<std::vector<std::string>> referenced_code(const std::string& region);

  // "ok" when PRAGMA integrity_check passes.
  Result<std::string> integrity_check();

 private:
  LambdaStore() = default;
  Result<void> exec(const char* sql);

  class Statements;
  std::mutex m_mutex;
  void* m_db = nullptr;  // sqlite3*
  std::unique_ptr<Statements> m_statements;
};

}  // namespace lcd::local
