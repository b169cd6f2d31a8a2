#pragma once
// The temporary credentials STS has issued: who each access key acts as (account, ARN, user id),
// its secret and session token, and when it expires. Rows in the endpoint's one SQLite database
// (state_layout.hpp; own connection), so credentials a client cached keep acting for the same
// account after the endpoint restarts; every issued key is also indexed in memory, because the
// router asks for the account of every request's access key. Rows expired for more than a day
// are dropped when the store opens.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "local/sqlite_db.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace lcd::local::sts {

enum class SessionKind { assumed_role, session_token };

struct Session {
  std::string access_key;     // ASIA...
  std::string secret_key;
  std::string session_token;
  std::string account_id;     // the account the credentials act for
  std::string arn;            // what GetCallerIdentity answers for them
  std::string user_id;
  SessionKind kind = SessionKind::assumed_role;
  int64_t expires_ms = 0;     // epoch ms
};

class SessionStore {
 public:
  static Result<std::unique_ptr<SessionStore>> open(const std::filesystem::path& state_dir, Clock& clock);

  Result<void> add(const Session& session);
  std::optional<Session> find(const std::string& access_key) const;

 private:
  SessionStore() = default;
  Result<void> load();

  std::unique_ptr<SqliteDb> m_db;
  Clock* m_clock = nullptr;
  mutable std::mutex m_mutex;
  std::unordered_map<std::string, Session> m_by_key;
};

}  // namespace lcd::local::sts
