#include "aws/aws_config.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>
#include <filesystem>

#include "aws/ini_file.hpp"
#include "util/strings.hpp"

namespace lcd::aws {

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
}

FileLookup real_files() {
  return [](const std::string& path) -> Result<std::optional<std::string>> {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorKind::io, "cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return std::optional<std::string>(out.str());
  };
}

std::string Endpoint::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const bool default_port = port == 0 || (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  if (!default_port) h += ":" + std::to_string(port);
  return h;
}

std::string Endpoint::url() const { return scheme + "://" + host_header() + base_path; }

Result<Endpoint> parse_endpoint_url(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return fail(ErrorKind::invalid, "invalid endpoint URL '" + url + "': " + why);
  };
  Endpoint out;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return bad("expected http://host[:port] or https://host[:port]");
  out.scheme = to_lower(url.substr(0, scheme_end));
  if (out.scheme != "http" && out.scheme != "https") return bad("scheme must be http or https");
  std::string rest = url.substr(scheme_end + 3);
  size_t path_start = rest.find('/');
  std::string authority = rest.substr(0, path_start);
  if (path_start != std::string::npos) {
    out.base_path = rest.substr(path_start);
    while (!out.base_path.empty() && out.base_path.back() == '/') out.base_path.pop_back();
  }
  if (authority.find('@') != std::string::npos) return bad("user info is not supported");
  std::string port_text;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return bad("unclosed '[' in IPv6 host");
    out.host = authority.substr(1, close - 1);
    std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("unexpected text after IPv6 host");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad("no host");
  if (!port_text.empty()) {
    int port = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c)) || port > 65535) return bad("port is not a number 1-65535");
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535) return bad("port is not a number 1-65535");
    out.port = port;
  }
  return out;
}

std::string endpoint_env_var(const std::string& service) {
  std::string name = "AWS_ENDPOINT_URL_";
  for (char c : service) {
    if (c == '-' || c == ' ') name.push_back('_');
    else name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return name;
}

namespace {

std::string env_or_empty(const EnvLookup& env, const std::string& name) {
  if (!env) return "";
  auto value = env(name);
  return value ? std::string(trim(*value)) : "";
}

struct LoadedFile {
  std::string path;
  bool exists = false;
  IniFile ini;
};

Result<LoadedFile> load_ini(const FileLookup& files, const std::string& path) {
  LoadedFile out;
  out.path = path;
  auto text = files(path);
  if (!text) return fail(text.error());
  if (!*text) return out;
  auto ini = parse_ini(**text, path);
  if (!ini) return fail(ini.error());
  out.exists = true;
  out.ini = std::move(*ini);
  return out;
}

std::string value_of(const IniSection* section, const std::string& key) {
  if (!section) return "";
  auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

std::string describe_file(const LoadedFile& file) { return file.path + (file.exists ? "" : " (missing)"); }

}  // namespace

Result<AwsConfig> resolve_aws_config(const AwsConfigOptions& options, const EnvLookup& env, const FileLookup& files) {
  AwsConfig config;
  config.env = env;
  config.endpoint_url = options.endpoint_url;
  for (const auto& [service, url] : options.service_endpoints) config.service_endpoints[to_lower(service)] = url;

  std::string home = env_or_empty(env, "HOME");
  std::string credentials_path = env_or_empty(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_path.empty()) credentials_path = home + "/.aws/credentials";
  std::string config_path = env_or_empty(env, "AWS_CONFIG_FILE");
  if (config_path.empty()) config_path = home + "/.aws/config";

  const bool profile_explicit = !options.profile.empty();
  const std::string env_profile = env_or_empty(env, "AWS_PROFILE");
  config.profile = profile_explicit ? options.profile : (!env_profile.empty() ? env_profile : "default");
  const bool profile_named = profile_explicit || !env_profile.empty();

  auto credentials_file = load_ini(files, credentials_path);
  if (!credentials_file) return fail(credentials_file.error());
  auto config_file = load_ini(files, config_path);
  if (!config_file) return fail(config_file.error());
  const IniSection* cred_section = find_profile(credentials_file->ini, config.profile, IniKind::credentials);
  const IniSection* conf_section = find_profile(config_file->ini, config.profile, IniKind::config);
  const std::string files_looked_at = describe_file(*credentials_file) + " and " + describe_file(*config_file);

  if (profile_named && !cred_section && !conf_section) {
    return fail(ErrorKind::invalid, "AWS profile '" + config.profile + "' (from " +
                                        (profile_explicit ? "--profile" : "AWS_PROFILE") + ") not found in " +
                                        files_looked_at);
  }

  // Credentials.
  auto from_profile = [&]() -> bool {
    for (const IniSection* section : {cred_section, conf_section}) {
      std::string key = value_of(section, "aws_access_key_id");
      std::string secret = value_of(section, "aws_secret_access_key");
      if (key.empty() || secret.empty()) continue;
      config.credentials = {key, secret, value_of(section, "aws_session_token")};
      config.credentials_source = "profile " + config.profile + " in " +
                                  (section == cred_section ? credentials_file->path : config_file->path);
      return true;
    }
    return false;
  };
  const std::string env_key = env_or_empty(env, "AWS_ACCESS_KEY_ID");
  const std::string env_secret = env_or_empty(env, "AWS_SECRET_ACCESS_KEY");
  if (!options.access_key_id.empty() || !options.secret_access_key.empty()) {
    if (options.access_key_id.empty() || options.secret_access_key.empty())
      return fail(ErrorKind::auth, "explicit AWS credentials need both an access key id and a secret access key");
    config.credentials = {options.access_key_id, options.secret_access_key, options.session_token};
    config.credentials_source = "explicit options";
  } else if (profile_explicit) {
    if (!from_profile())
      return fail(ErrorKind::auth, "AWS profile '" + config.profile +
                                       "' has no aws_access_key_id/aws_secret_access_key in " + files_looked_at);
  } else if (!env_key.empty() || !env_secret.empty()) {
    if (env_key.empty() || env_secret.empty())
      return fail(ErrorKind::auth, std::string(env_key.empty() ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
                                       " is set but " + (env_key.empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY") +
                                       " is not");
    config.credentials = {env_key, env_secret, env_or_empty(env, "AWS_SESSION_TOKEN")};
    config.credentials_source = "environment";
  } else if (!from_profile()) {
    return fail(ErrorKind::auth, "no AWS credentials found: looked at explicit options, AWS_ACCESS_KEY_ID/"
                                 "AWS_SECRET_ACCESS_KEY, and profile '" + config.profile + "' in " + files_looked_at);
  }

  // Region.
  config.region = options.region;
  if (config.region.empty()) config.region = env_or_empty(env, "AWS_REGION");
  if (config.region.empty()) config.region = env_or_empty(env, "AWS_DEFAULT_REGION");
  if (config.region.empty()) config.region = value_of(conf_section, "region");
  if (config.region.empty()) {
    return fail(ErrorKind::invalid, "no AWS region: set --region, AWS_REGION or AWS_DEFAULT_REGION, or `region` in "
                                    "profile '" + config.profile + "' of " + describe_file(*config_file));
  }
  config.profile_endpoint_url = value_of(conf_section, "endpoint_url");
  return config;
}

Result<Endpoint> AwsConfig::endpoint_for(const std::string& service) const {
  const std::string name = to_lower(service);
  if (auto it = service_endpoints.find(name); it != service_endpoints.end()) return parse_endpoint_url(it->second);
  if (!endpoint_url.empty()) return parse_endpoint_url(endpoint_url);
  const bool ignore_configured = to_lower(env_or_empty(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) == "true";
  if (!ignore_configured) {
    if (std::string url = env_or_empty(env, endpoint_env_var(name)); !url.empty()) return parse_endpoint_url(url);
    if (std::string url = env_or_empty(env, "AWS_ENDPOINT_URL"); !url.empty()) return parse_endpoint_url(url);
    if (!profile_endpoint_url.empty()) return parse_endpoint_url(profile_endpoint_url);
  }
  return parse_endpoint_url("https://" + name + "." + region + ".amazonaws.com");
}

}  // namespace lcd::aws
