#pragma once
// One place AWS credentials can come from (the environment, a profile, STS, SSO, a process,
// container or instance metadata) behind one interface, so the default chain can try them in the
// SDKs' order and a cache can ask the winning one again before its credentials expire.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sigv4/signing_request.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"
#include "util/subprocess.hpp"

namespace lcd::aws {

class Transport;  // aws/transport.hpp

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
// The real process environment (getenv).
EnvLookup process_environment();

// File access as a seam: nullopt when the file does not exist, an Error when it cannot be read.
using FileLookup = std::function<Result<std::optional<std::string>>(const std::string& path)>;
FileLookup real_files();

// Runs credential_process commands (run_process in production).
using ProcessRunner = std::function<Result<ProcessResult>(const ProcessSpec&)>;
// Asks the person at the terminal for an MFA code; `prompt` names the device. An Error when there
// is no terminal to ask on.
using MfaPrompt = std::function<Result<std::string>(const std::string& prompt)>;

// Everything credential sources read or reach, as seams.
struct CredentialIo {
  EnvLookup env;
  FileLookup files;
  std::shared_ptr<Transport> transport;           // STS and the SSO portal; null: those sources fail
  std::shared_ptr<Transport> metadata_transport;  // container and instance metadata (short timeouts)
  Clock* clock = nullptr;                         // null: system_clock()
  ProcessRunner run_process;                      // empty: lcd::run_process
  MfaPrompt mfa_prompt;                           // empty: no terminal, MFA profiles fail clearly
  Clock& clock_or_system() const { return clock ? *clock : system_clock(); }
};

struct ResolvedCredentials {
  sigv4::Credentials keys;
  std::optional<std::chrono::system_clock::time_point> expiration;  // nullopt: long-term keys
  std::string source;  // for messages, e.g. "web identity token /run/token, role arn:aws:iam::1:role/ci"
};

// What one provider found: credentials, or why it does not apply here (named in the error that
// lists every source tried).
struct CredentialLookup {
  std::optional<ResolvedCredentials> credentials;
  std::string skipped;
  static CredentialLookup found(ResolvedCredentials credentials);
  static CredentialLookup not_configured(std::string why);
};

class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  virtual std::string name() const = 0;
  // An Error means the source is configured but failed; the chain stops there rather than falling
  // through to credentials the user did not mean (as the SDKs do). Kind auth for rejected or
  // expired credentials, invalid for configuration mistakes.
  virtual Result<CredentialLookup> load() = 0;
};

// The JSON credentials document container metadata, instance metadata and credential_process
// print: AccessKeyId, SecretAccessKey, Token or SessionToken, Expiration (optional). `what` names
// the source in errors; the document itself is never quoted (it holds the secret).
Result<ResolvedCredentials> parse_credentials_json(std::string_view json, const std::string& what);

// "2026-11-26T12:00:00Z", with optional fraction and "Z", "UTC", "+hh:mm" or "+hhmm" offsets.
std::optional<std::chrono::system_clock::time_point> parse_iso8601(std::string_view text);

}  // namespace lcd::aws
