#pragma once
// The default credential chain, in the order of the AWS SDKs and CLI v2 (botocore
// create_credential_resolver):
//   1 environment variables          (skipped when a profile is named explicitly)
//   2 assume role                    profile role_arn + source_profile / credential_source
//   3 web identity                   AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, or the profile's
//                                    web_identity_token_file + role_arn
//   4 IAM Identity Center (SSO)      sso_session / sso_start_url, token from ~/.aws/sso/cache
//   5 shared credentials file        long-term keys
//   6 credential_process
//   7 shared config file             long-term keys
//   8 container credentials          AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI
//   9 EC2 instance metadata          IMDSv2
// The first source that finds credentials wins; a source that is configured but fails stops the
// chain with its error. When none applies, the error names every source and why it did not.

#include <memory>
#include <string>
#include <vector>

#include "aws/credential_provider.hpp"
#include "aws/shared_config.hpp"
#include "aws/sts_calls.hpp"

namespace lcd::aws {

struct ChainInputs {
  std::shared_ptr<const SharedConfig> files;
  std::string profile;            // the profile in use ("default" when none is named)
  bool profile_explicit = false;  // named by the caller (--profile): environment keys and the web
                                  // identity environment variables are not consulted
  CredentialIo io;
  StsAccess sts;                  // where STS calls go (region, endpoints)
  std::string sso_endpoint_url;   // explicit SSO portal URL (tests); empty: AWS_ENDPOINT_URL_SSO or AWS's
};

// Steps 1-9 above for inputs.profile.
std::vector<std::shared_ptr<CredentialProvider>> default_credential_providers(const ChainInputs& inputs);

// The sources that read one profile (3-7 without environment variables), for source_profile.
std::vector<std::shared_ptr<CredentialProvider>> profile_credential_providers(const ChainInputs& inputs,
                                                                              const std::string& profile);

// credential_source = Environment | EcsContainer | Ec2InstanceMetadata; nullptr for any other name.
std::shared_ptr<CredentialProvider> named_credential_source(const ChainInputs& inputs, const std::string& name);

class CredentialChain final : public CredentialProvider {
 public:
  explicit CredentialChain(std::vector<std::shared_ptr<CredentialProvider>> providers)
      : m_providers(std::move(providers)) {}
  std::string name() const override { return "credential chain"; }
  // Not configured: `skipped` lists "  <source>: <why>" lines, one per source, in order.
  Result<CredentialLookup> load() override;
  // The source that found the last credentials (what a refresh asks again); null before.
  std::shared_ptr<CredentialProvider> winner() const { return m_winner; }

 private:
  std::vector<std::shared_ptr<CredentialProvider>> m_providers;
  std::shared_ptr<CredentialProvider> m_winner;
};

}  // namespace lcd::aws
