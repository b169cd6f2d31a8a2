#include "aws/credential_chain.hpp"

#include "aws/assume_role_credentials.hpp"
#include "aws/container_credentials.hpp"
#include "aws/environment_credentials.hpp"
#include "aws/instance_metadata_credentials.hpp"
#include "aws/process_credentials.hpp"
#include "aws/profile_credentials.hpp"
#include "aws/sso_credentials.hpp"
#include "aws/web_identity_credentials.hpp"

namespace lcd::aws {

std::vector<std::shared_ptr<CredentialProvider>> profile_credential_providers(const ChainInputs& inputs,
                                                                              const std::string& profile) {
  return {
      std::make_shared<WebIdentityCredentials>(inputs, profile, /*use_environment=*/false),
      std::make_shared<SsoCredentials>(inputs, profile),
      std::make_shared<ProfileCredentials>(inputs.files, profile, ProfileCredentials::File::credentials),
      std::make_shared<ProcessCredentials>(inputs.files, profile, inputs.io),
      std::make_shared<ProfileCredentials>(inputs.files, profile, ProfileCredentials::File::config),
  };
}

std::vector<std::shared_ptr<CredentialProvider>> default_credential_providers(const ChainInputs& inputs) {
  std::vector<std::shared_ptr<CredentialProvider>> out;
  if (!inputs.profile_explicit) out.push_back(std::make_shared<EnvironmentCredentials>(inputs.io.env));
  out.push_back(std::make_shared<AssumeRoleCredentials>(inputs, inputs.profile));
  auto profile_sources = profile_credential_providers(inputs, inputs.profile);
  // The web identity environment variables count unless a profile was named explicitly.
  profile_sources[0] = std::make_shared<WebIdentityCredentials>(inputs, inputs.profile, !inputs.profile_explicit);
  out.insert(out.end(), profile_sources.begin(), profile_sources.end());
  out.push_back(std::make_shared<ContainerCredentials>(inputs.io));
  out.push_back(std::make_shared<InstanceMetadataCredentials>(inputs.io, inputs.files->profile(inputs.profile)));
  return out;
}

std::shared_ptr<CredentialProvider> named_credential_source(const ChainInputs& inputs, const std::string& name) {
  if (name == "Environment") return std::make_shared<EnvironmentCredentials>(inputs.io.env);
  if (name == "EcsContainer") return std::make_shared<ContainerCredentials>(inputs.io);
  if (name == "Ec2InstanceMetadata")
    return std::make_shared<InstanceMetadataCredentials>(inputs.io, inputs.files->profile(inputs.profile));
  return nullptr;
}

Result<CredentialLookup> CredentialChain::load() {
  std::string tried;
  for (const auto& provider : m_providers) {
    auto found = provider->load();
    if (!found) {
      Error error = found.error();
      error.message = provider->name() + ": " + error.message;
      return fail(std::move(error));
    }
    if (found->credentials) {
      m_winner = provider;
      return found;
    }
    tried += "  " + provider->name() + ": " + found->skipped + "\n";
  }
  if (!tried.empty()) tried.pop_back();
  return CredentialLookup::not_configured(std::move(tried));
}

}  // namespace lcd::aws
