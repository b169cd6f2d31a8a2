#include "aws/shared_config.hpp"

#include "util/strings.hpp"

namespace lcd::aws {

std::string env_value(const EnvLookup& env, const std::string& name) {
  if (!env) return "";
  auto value = env(name);
  return value ? std::string(trim(*value)) : "";
}

std::string setting(const IniSection* section, const std::string& key) {
  if (!section) return "";
  auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

std::string setting(const std::optional<IniSection>& section, const std::string& key) {
  return section ? setting(&*section, key) : "";
}

const IniSection* SharedConfig::credentials_section(const std::string& name) const {
  return find_profile(credentials, name, IniKind::credentials);
}

const IniSection* SharedConfig::config_section(const std::string& name) const {
  return find_profile(config, name, IniKind::config);
}

std::optional<IniSection> SharedConfig::profile(const std::string& name) const {
  const IniSection* conf = config_section(name);
  const IniSection* cred = credentials_section(name);
  if (!conf && !cred) return std::nullopt;
  IniSection merged = conf ? *conf : IniSection{};
  if (cred)
    for (const auto& [key, value] : *cred) merged[key] = value;
  return merged;
}

const IniSection* SharedConfig::sso_session(const std::string& name) const {
  return config.find("sso-session " + name);
}

std::string SharedConfig::describe_files() const {
  return credentials_path + (credentials_exists ? "" : " (missing)") + " and " + config_path +
         (config_exists ? "" : " (missing)");
}

Result<SharedConfig> load_shared_config(const EnvLookup& env, const FileLookup& files) {
  SharedConfig out;
  out.home = env_value(env, "HOME");
  out.credentials_path = env_value(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (out.credentials_path.empty()) out.credentials_path = out.home + "/.aws/credentials";
  out.config_path = env_value(env, "AWS_CONFIG_FILE");
  if (out.config_path.empty()) out.config_path = out.home + "/.aws/config";
  auto load = [&](const std::string& path, bool& exists, IniFile& into) -> Result<void> {
    auto text = files(path);
    if (!text) return fail(text.error());
    if (!*text) return {};
    auto ini = parse_ini(**text, path);
    if (!ini) return fail(ini.error());
    exists = true;
    into = std::move(*ini);
    return {};
  };
  if (auto r = load(out.credentials_path, out.credentials_exists, out.credentials); !r) return fail(r.error());
  if (auto r = load(out.config_path, out.config_exists, out.config); !r) return fail(r.error());
  return out;
}

}  // namespace lcd::aws
