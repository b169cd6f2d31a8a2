#pragma once
// Long-term keys (aws_access_key_id, aws_secret_access_key[, aws_session_token]) of a profile, in
// the shared credentials file or in the config file: two places the SDKs look at separately.

#include <memory>

#include "aws/credential_provider.hpp"
#include "aws/shared_config.hpp"

namespace lcd::aws {

class ProfileCredentials final : public CredentialProvider {
 public:
  enum class File { credentials, config };
  ProfileCredentials(std::shared_ptr<const SharedConfig> files, std::string profile, File file)
      : m_files(std::move(files)), m_profile(std::move(profile)), m_file(file) {}
  std::string name() const override {
    return m_file == File::credentials ? "shared credentials file" : "shared config file";
  }
  // A key id without its secret (or the reverse) is an error (kind auth).
  Result<CredentialLookup> load() override;

 private:
  std::shared_ptr<const SharedConfig> m_files;
  std::string m_profile;
  File m_file;
};

}  // namespace lcd::aws
