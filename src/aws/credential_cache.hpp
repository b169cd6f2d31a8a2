#pragma once
// Temporary credentials kept between calls and fetched again from their source before they expire
// (a canary shift can outlast an STS session). Within 5 minutes of expiry every get() tries a refresh
// (at most one every 10 seconds after a failure) and keeps the current credentials if it fails; within
// 1 minute of expiry a failed refresh is an error. Thread-safe; one refresh at a time.

#include <chrono>
#include <memory>
#include <mutex>

#include "aws/credential_provider.hpp"

namespace lcd::aws {

class CredentialCache {
 public:
  static constexpr std::chrono::minutes k_advisory_window{5};
  static constexpr std::chrono::minutes k_mandatory_window{1};

  CredentialCache(std::shared_ptr<CredentialProvider> provider, ResolvedCredentials initial, Clock& clock)
      : m_provider(std::move(provider)), m_current(std::move(initial)), m_clock(clock) {}

  // The credentials to sign with now, refreshed first when they are about to expire.
  Result<sigv4::Credentials> get();
  // The current credentials without refreshing (redaction of secrets in messages).
  sigv4::Credentials peek() const;
  std::string source() const;
  int refreshes() const;

 private:
  std::shared_ptr<CredentialProvider> m_provider;
  ResolvedCredentials m_current;
  Clock& m_clock;
  mutable std::mutex m_mutex;
  int m_refreshes = 0;
  std::optional<std::chrono::system_clock::time_point> m_last_failure;
};

}  // namespace lcd::aws
