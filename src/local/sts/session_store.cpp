#include "local/sts/session_store.hpp"

#include "local/state_layout.hpp"

namespace lcd::local::sts {
namespace {

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS sts_sessions (
  access_key TEXT PRIMARY KEY, secret_key TEXT NOT NULL, session_token TEXT NOT NULL, account TEXT NOT NULL,
  arn TEXT NOT NULL, user_id TEXT NOT NULL, kind TEXT NOT NULL, expires_ms INTEGER NOT NULL) WITHOUT ROWID;
)sql";

constexpr int64_t k_keep_expired_ms = 24LL * 3600 * 1000;

const char* kind_name(SessionKind kind) { return kind == SessionKind::assumed_role ? "assumed-role" : "session"; }

}  // namespace

Result<std::unique_ptr<SessionStore>> SessionStore::open(const std::filesystem::path& state_dir, Clock& clock) {
  std::unique_ptr<SessionStore> store(new SessionStore());
  store->m_clock = &clock;
  auto db = SqliteDb::open(state_database(state_dir), k_schema);
  if (!db) return fail(db.error());
  store->m_db = std::move(*db);
  if (auto loaded = store->load(); !loaded) return fail(loaded.error());
  return store;
}

Result<void> SessionStore::load() {
  int64_t cutoff = to_epoch_ms(m_clock->now()) - k_keep_expired_ms;
  if (auto pruned = m_db->exec("DELETE FROM sts_sessions WHERE expires_ms < ?", {cutoff}); !pruned) return pruned;
  auto rows = m_db->query(
      "SELECT access_key, secret_key, session_token, account, arn, user_id, kind, expires_ms FROM sts_sessions");
  if (!rows) return fail(rows.error());
  std::lock_guard<std::mutex> lock(m_mutex);
  for (const auto& r : *rows) {
    Session s;
    s.access_key = text_of(r[0]);
    s.secret_key = text_of(r[1]);
    s.session_token = text_of(r[2]);
    s.account_id = text_of(r[3]);
    s.arn = text_of(r[4]);
    s.user_id = text_of(r[5]);
    s.kind = text_of(r[6]) == "session" ? SessionKind::session_token : SessionKind::assumed_role;
    s.expires_ms = int_of(r[7]);
    m_by_key[s.access_key] = std::move(s);
  }
  return {};
}

Result<void> SessionStore::add(const Session& session) {
  auto stored = m_db->exec(
      "INSERT INTO sts_sessions (access_key, secret_key, session_token, account, arn, user_id, kind, expires_ms) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {session.access_key, session.secret_key, session.session_token, session.account_id, session.arn,
       session.user_id, std::string(kind_name(session.kind)), session.expires_ms});
  if (!stored) return stored;
  std::lock_guard<std::mutex> lock(m_mutex);
  m_by_key[session.access_key] = session;
  return {};
}

std::optional<Session> SessionStore::find(const std::string& access_key) const {
  std::lock_guard<std::mutex> lock(m_mutex);
  auto it = m_by_key.find(access_key);
  if (it == m_by_key.end()) return std::nullopt;
  return it->second;
}

}  // namespace lcd::local::sts
