#pragma once
// The AWS shared credentials and config files of one run, read once: where they are
// (AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/credentials; AWS_CONFIG_FILE, default ~/.aws/config),
// and each profile's settings the way the SDKs merge them.

#include <optional>
#include <string>

#include "aws/credential_provider.hpp"
#include "aws/ini_file.hpp"

namespace lcd::aws {

struct SharedConfig {
  std::string credentials_path;
  std::string config_path;
  bool credentials_exists = false;
  bool config_exists = false;
  IniFile credentials;
  IniFile config;

  // The profile's settings: "[profile NAME]" (or "[default]") of the config file overlaid with
  // "[NAME]" of the credentials file; nullopt when neither file has it.
  std::optional<IniSection> profile(const std::string& name) const;
  const IniSection* credentials_section(const std::string& name) const;
  const IniSection* config_section(const std::string& name) const;
  // "[sso-session NAME]" of the config file.
  const IniSection* sso_session(const std::string& name) const;
  // "<credentials path>[ (missing)] and <config path>[ (missing)]"
  std::string describe_files() const;
  std::string home;  // HOME, for ~/.aws/sso/cache
};

// Errors name the file and line of a malformed file.
Result<SharedConfig> load_shared_config(const EnvLookup& env, const FileLookup& files);

// A key of a section, "" when absent.
std::string setting(const IniSection* section, const std::string& key);
std::string setting(const std::optional<IniSection>& section, const std::string& key);

// The trimmed value of an environment variable, "" when unset.
std::string env_value(const EnvLookup& env, const std::string& name);

}  // namespace lcd::aws
