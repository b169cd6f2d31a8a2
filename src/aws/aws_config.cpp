#include "aws/aws_config.hpp"

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>
#include <filesystem>

#include "aws/credential_cache.hpp"
#include "aws/credential_chain.hpp"
#include "aws/shared_config.hpp"
#include "util/strings.hpp"

namespace lcd::aws {

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

std::string env_or_empty(const EnvLookup& env, const std::string& name) { return env_value(env, name); }

}  // namespace

Result<AwsConfig> resolve_aws_config(const AwsConfigOptions& options, const EnvLookup& env, const FileLookup& files) {
  CredentialIo io;
  io.env = env;
  io.files = files;
  return resolve_aws_config(options, io);
}

Result<AwsConfig> resolve_aws_config(const AwsConfigOptions& options, const CredentialIo& io) {
  const EnvLookup& env = io.env;
  AwsConfig config;
  config.env = env;
  config.endpoint_url = options.endpoint_url;
  for (const auto& [service, url] : options.service_endpoints) config.service_endpoints[to_lower(service)] = url;

  auto loaded = load_shared_config(env, io.files);
  if (!loaded) return fail(loaded.error());
  auto files = std::make_shared<const SharedConfig>(std::move(*loaded));

  const bool profile_explicit = !options.profile.empty();
  const std::string env_profile = env_or_empty(env, "AWS_PROFILE");
  config.profile = profile_explicit ? options.profile : (!env_profile.empty() ? env_profile : "default");
  const bool profile_named = profile_explicit || !env_profile.empty();
  const auto profile = files->profile(config.profile);
  if (profile_named && !profile) {
    return fail(ErrorKind::invalid, "AWS profile '" + config.profile + "' (from " +
                                        (profile_explicit ? "--profile" : "AWS_PROFILE") + ") not found in " +
                                        files->describe_files());
  }
  const IniSection* conf_section = files->config_section(config.profile);

  // Region before credentials (STS calls need it); a missing region is reported after them.
  config.region = options.region;
  if (config.region.empty()) config.region = env_or_empty(env, "AWS_REGION");
  if (config.region.empty()) config.region = env_or_empty(env, "AWS_DEFAULT_REGION");
  if (config.region.empty()) config.region = setting(conf_section, "region");
  config.profile_endpoint_url = setting(conf_section, "endpoint_url");

  // Credentials.
  if (!options.access_key_id.empty() || !options.secret_access_key.empty()) {
    if (options.access_key_id.empty() || options.secret_access_key.empty())
      return fail(ErrorKind::auth, "explicit AWS credentials need both an access key id and a secret access key");
    config.credentials = {options.access_key_id, options.secret_access_key, options.session_token};
    config.credentials_source = "explicit options";
  } else {
    ChainInputs inputs;
    inputs.files = files;
    inputs.profile = config.profile;
    inputs.profile_explicit = profile_explicit;
    inputs.io = io;
    inputs.sts.config = config;
    inputs.sts.transport = io.transport;
    inputs.sts.clock = io.clock;
    if (auto it = config.service_endpoints.find("sso"); it != config.service_endpoints.end())
      inputs.sso_endpoint_url = it->second;
    CredentialChain chain(default_credential_providers(inputs));
    auto found = chain.load();
    if (!found) {
      Error error = found.error();
      error.message = "AWS credentials (profile '" + config.profile + "'): " + error.message;
      return fail(std::move(error));
    }
    if (!found->credentials) {
      return fail(ErrorKind::auth, "no AWS credentials found for profile '" + config.profile + "' in " +
                                       files->describe_files() + " or elsewhere; tried, in order:\n" + found->skipped);
    }
    config.credentials = found->credentials->keys;
    config.credentials_source = found->credentials->source;
    if (found->credentials->expiration) {
      config.credential_cache = std::make_shared<CredentialCache>(chain.winner(), std::move(*found->credentials),
                                                                  io.clock_or_system());
    }
  }

  if (config.region.empty()) {
    return fail(ErrorKind::invalid, "no AWS region: set --region, AWS_REGION or AWS_DEFAULT_REGION, or `region` in "
                                    "profile '" + config.profile + "' of " + files->config_path +
                                    (files->config_exists ? "" : " (missing)"));
  }
  return config;
}

Result<sigv4::Credentials> AwsConfig::current_credentials() const {
  if (credential_cache) return credential_cache->get();
  return credentials;
}

std::vector<std::string> AwsConfig::secrets() const {
  sigv4::Credentials keys = credential_cache ? credential_cache->peek() : credentials;
  std::vector<std::string> out{keys.secret_access_key, keys.session_token};
  if (credential_cache && credentials.secret_access_key != keys.secret_access_key) {
    out.push_back(credentials.secret_access_key);
    out.push_back(credentials.session_token);
  }
  return out;
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
