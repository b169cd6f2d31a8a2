#pragma once
// Credentials, region and endpoint resolved the way the AWS SDKs and CLI do (highest first):
//   credentials: explicit keys > the default credential chain (aws/credential_chain.hpp: environment,
//                assume role, web identity, SSO, credentials file, credential_process, config file,
//                container, EC2 instance metadata) for the profile: explicit > AWS_PROFILE > "default"
//   region:      explicit > AWS_REGION > AWS_DEFAULT_REGION > profile `region` in the config file
//   endpoint:    explicit per service > explicit for all > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL
//                > profile `endpoint_url` > https://<service>.<region>.amazonaws.com
// Files: AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials), AWS_CONFIG_FILE (default ~/.aws/config).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "aws/credential_provider.hpp"
#include "sigv4/signing_request.hpp"
#include "util/result.hpp"

namespace lcd::aws {

class CredentialCache;  // aws/credential_cache.hpp

struct AwsConfigOptions {
  std::string profile;            // --profile; empty: AWS_PROFILE, then "default"
  std::string access_key_id;      // explicit keys win over everything
  std::string secret_access_key;
  std::string session_token;
  std::string region;             // --region
  std::string endpoint_url;       // --endpoint-url: every service
  std::map<std::string, std::string> service_endpoints;  // per signing name, e.g. {"s3", "http://..."}
};

struct Endpoint {
  std::string scheme;     // "https" or "http"
  std::string host;       // "lambda.us-east-1.amazonaws.com", "127.0.0.1", "::1" (no brackets)
  int port = 0;           // 0 = scheme default
  std::string base_path;  // "" or "/prefix" (no trailing slash), prepended to request paths
  // "host" or "host:port" when the port is not the scheme default (the signed Host header).
  std::string host_header() const;
  // "scheme://host[:port]" + base_path.
  std::string url() const;
};

// Parses "http(s)://host[:port][/path]"; IPv6 hosts in brackets. Errors (kind invalid) quote the URL.
Result<Endpoint> parse_endpoint_url(const std::string& url);

// "AWS_ENDPOINT_URL_" + signing name uppercased with '-' and ' ' as '_' ("lambda" -> AWS_ENDPOINT_URL_LAMBDA).
std::string endpoint_env_var(const std::string& service);

struct AwsConfig {
  sigv4::Credentials credentials;  // long-term keys, or the first temporary set
  std::string credentials_source;  // "explicit options", "environment", "profile dev in ~/.aws/credentials", ...
  // Temporary credentials (STS, SSO, container, instance metadata, a process): refreshed from their
  // source before they expire. Null for long-term keys.
  std::shared_ptr<CredentialCache> credential_cache;
  std::string region;
  std::string profile;             // the profile consulted
  std::string endpoint_url;        // explicit for all services
  std::map<std::string, std::string> service_endpoints;  // explicit, by signing name
  std::string profile_endpoint_url;
  EnvLookup env;                   // consulted for AWS_ENDPOINT_URL[_<SERVICE>] (AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true skips)

  // The endpoint for a signing name, by the precedence above.
  Result<Endpoint> endpoint_for(const std::string& service) const;
  // The credentials to sign with now (temporary ones refreshed first when about to expire).
  Result<sigv4::Credentials> current_credentials() const;
  // The secrets in use, for redaction (never refreshes).
  std::vector<std::string> secrets() const;
};

// Resolves everything at once. Missing credentials -> one ErrorKind::auth error naming every source
// tried and why it did not apply; a configured source that fails -> its error, prefixed with its name;
// an explicitly named profile that exists in neither file -> ErrorKind::invalid; no region ->
// ErrorKind::invalid naming --region, AWS_REGION, AWS_DEFAULT_REGION and the profile.
Result<AwsConfig> resolve_aws_config(const AwsConfigOptions& options, const CredentialIo& io);
// Environment and files only: the sources that need HTTP (STS, SSO, container, instance metadata)
// report that they have no transport.
Result<AwsConfig> resolve_aws_config(const AwsConfigOptions& options, const EnvLookup& env, const FileLookup& files);

}  // namespace lcd::aws
