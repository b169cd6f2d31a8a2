#include "aws/environment_credentials.hpp"

#include "aws/shared_config.hpp"

namespace lcd::aws {

Result<CredentialLookup> EnvironmentCredentials::load() {
  const std::string key = env_value(m_env, "AWS_ACCESS_KEY_ID");
  const std::string secret = env_value(m_env, "AWS_SECRET_ACCESS_KEY");
  if (key.empty() && secret.empty())
    return CredentialLookup::not_configured("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  if (key.empty() || secret.empty()) {
    return fail(ErrorKind::auth, std::string(key.empty() ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
                                     " is set but " + (key.empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") +
                                     " is not");
  }
  ResolvedCredentials out;
  out.keys = {key, secret, env_value(m_env, "AWS_SESSION_TOKEN")};
  out.source = "environment";
  if (std::string expiration = env_value(m_env, "AWS_CREDENTIAL_EXPIRATION"); !expiration.empty()) {
    auto when = parse_iso8601(expiration);
    if (!when) return fail(ErrorKind::invalid, "AWS_CREDENTIAL_EXPIRATION is not an ISO 8601 time: " + expiration);
    out.expiration = *when;
  }
  return CredentialLookup::found(std::move(out));
}

}  // namespace lcd::aws
