#include "aws/profile_credentials.hpp"

namespace lcd::aws {

Result<CredentialLookup> ProfileCredentials::load() {
  const bool in_credentials = m_file == File::credentials;
  const std::string& path = in_credentials ? m_files->credentials_path : m_files->config_path;
  const bool exists = in_credentials ? m_files->credentials_exists : m_files->config_exists;
  if (!exists) return CredentialLookup::not_configured(path + " does not exist");
  const IniSection* section =
      in_credentials ? m_files->credentials_section(m_profile) : m_files->config_section(m_profile);
  if (!section) return CredentialLookup::not_configured("no profile '" + m_profile + "' in " + path);
  const std::string key = setting(section, "aws_access_key_id");
  const std::string secret = setting(section, "aws_secret_access_key");
  if (key.empty() && secret.empty()) {
    return CredentialLookup::not_configured("profile '" + m_profile + "' in " + path +
                                            " has no aws_access_key_id/aws_secret_access_key");
  }
  if (key.empty() || secret.empty()) {
    return fail(ErrorKind::auth, "profile '" + m_profile + "' in " + path + " has " +
                                     (key.empty() ? "aws_secret_access_key but no aws_access_key_id"
                                                  : "aws_access_key_id but no aws_secret_access_key"));
  }
  ResolvedCredentials out;
  out.keys = {key, secret, setting(section, "aws_session_token")};
  out.source = "profile " + m_profile + " in " + path;
  return CredentialLookup::found(std::move(out));
}

}  // namespace lcd::aws
