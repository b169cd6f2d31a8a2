#include "aws/credential_cache.hpp"

#include "util/clock.hpp"

namespace lcd::aws {

Result<sigv4::Credentials> CredentialCache::get() {
  std::lock_guard<std::mutex> lock(m_mutex);
  if (!m_current.expiration) return m_current.keys;
  const auto now = m_clock.now();
  const auto remaining = *m_current.expiration - now;
  if (remaining > k_advisory_window) return m_current.keys;
  const bool mandatory = remaining <= k_mandatory_window;
  if (!mandatory && m_last_failure && now - *m_last_failure < std::chrono::seconds(10)) return m_current.keys;

  auto refreshed = m_provider->load();
  if (refreshed && refreshed->credentials) {
    m_current = std::move(*refreshed->credentials);
    m_last_failure.reset();
    ++m_refreshes;
    return m_current.keys;
  }
  m_last_failure = now;
  if (!mandatory) return m_current.keys;
  Error error = refreshed ? Error{ErrorKind::auth, "no longer configured: " + refreshed->skipped} : refreshed.error();
  error.message = "credentials from " + m_current.source + " expire at " + format_iso8601_ms(*m_current.expiration) +
                  " and could not be refreshed: " + error.message;
  if (error.kind != ErrorKind::network && error.kind != ErrorKind::timeout && error.kind != ErrorKind::server &&
      error.kind != ErrorKind::throttled)
    error.kind = ErrorKind::auth;
  return fail(std::move(error));
}

sigv4::Credentials CredentialCache::peek() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_current.keys;
}

std::string CredentialCache::source() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_current.source;
}

int CredentialCache::refreshes() const {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_refreshes;
}

}  // namespace lcd::aws
