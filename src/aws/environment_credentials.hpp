#pragma once
// AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION].

#include "aws/credential_provider.hpp"

namespace lcd::aws {

class EnvironmentCredentials final : public CredentialProvider {
 public:
  explicit EnvironmentCredentials(EnvLookup env) : m_env(std::move(env)) {}
  std::string name() const override { return "environment variables"; }
  // One of the two keys without the other is an error (kind auth).
  Result<CredentialLookup> load() override;

 private:
  EnvLookup m_env;
};

}  // namespace lcd::aws
