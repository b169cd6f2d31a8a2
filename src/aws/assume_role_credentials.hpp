#pragma once
// A profile with role_arn: STS AssumeRole signed with the credentials of its source_profile (which
// may itself assume a role, or use SSO, a process, web identity or keys) or of its
// credential_source (Environment, EcsContainer, Ec2InstanceMetadata). Honours external_id,
// role_session_name, duration_seconds and mfa_serial (the code is asked for on the terminal; without
// one the error says so). Source-profile loops are errors; a profile may name itself as its source
// when it holds long-term keys.

#include <vector>

#include "aws/credential_chain.hpp"

namespace lcd::aws {

class AssumeRoleCredentials final : public CredentialProvider {
 public:
  AssumeRoleCredentials(ChainInputs inputs, std::string profile)
      : m_inputs(std::move(inputs)), m_profile(std::move(profile)) {}
  std::string name() const override { return "assume role"; }
  Result<CredentialLookup> load() override;

 private:
  Result<ResolvedCredentials> assume(const std::string& profile, std::vector<std::string>& visited);
  Result<ResolvedCredentials> source_credentials(const std::string& profile, const IniSection& settings,
                                                 std::vector<std::string>& visited);
  ChainInputs m_inputs;
  std::string m_profile;
};

// Whether a profile's settings make it an assume-role profile (role_arn without web_identity_token_file).
bool is_assume_role_profile(const IniSection& settings);

}  // namespace lcd::aws
