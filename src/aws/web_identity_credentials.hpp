#pragma once
// STS AssumeRoleWithWebIdentity with an OIDC token read from a file (GitHub Actions, EKS, GitLab):
// AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN [+ AWS_ROLE_SESSION_NAME], each falling back to the
// profile's web_identity_token_file, role_arn, role_session_name. The token file is read again at
// every refresh (it rotates).

#include "aws/credential_chain.hpp"

namespace lcd::aws {

class WebIdentityCredentials final : public CredentialProvider {
 public:
  // use_environment false: only the profile's settings (explicit profile, or a source_profile).
  WebIdentityCredentials(ChainInputs inputs, std::string profile, bool use_environment)
      : m_inputs(std::move(inputs)), m_profile(std::move(profile)), m_use_environment(use_environment) {}
  std::string name() const override { return "web identity token"; }
  Result<CredentialLookup> load() override;

 private:
  std::string lookup(const std::string& env_name, const std::string& profile_key, std::string& from) const;
  ChainInputs m_inputs;
  std::string m_profile;
  bool m_use_environment;
};

}  // namespace lcd::aws
