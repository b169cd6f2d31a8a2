#pragma once
// AWS IAM Identity Center (SSO) profiles: sso_account_id + sso_role_name with either sso_session
// (an [sso-session NAME] section holding sso_start_url and sso_region) or the legacy sso_start_url +
// sso_region in the profile. The access token is the one `aws sso login` cached in
// ~/.aws/sso/cache/<sha1 of the session name, or of the start URL>.json; it is exchanged for role
// credentials with the portal's GetRoleCredentials (GET /federation/credentials). A missing or
// expired token is an error telling to run `aws sso login`; lambda-cd never starts a login itself.

#include "aws/credential_chain.hpp"

namespace lcd::aws {

class SsoCredentials final : public CredentialProvider {
 public:
  SsoCredentials(ChainInputs inputs, std::string profile) : m_inputs(std::move(inputs)), m_profile(std::move(profile)) {}
  std::string name() const override { return "IAM Identity Center (SSO)"; }
  Result<CredentialLookup> load() override;

 private:
  ChainInputs m_inputs;
  std::string m_profile;
};

// The token cache file for a session name (or, for legacy profiles, the start URL).
std::string sso_token_cache_path(const std::string& home, const std::string& session_or_start_url);

}  // namespace lcd::aws
