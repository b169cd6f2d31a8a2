#include "aws/instance_metadata_credentials.hpp"

#include "aws/aws_config.hpp"
#include "aws/transport.hpp"
#include "util/strings.hpp"

namespace lcd::aws {

std::string InstanceMetadataCredentials::endpoint() const {
  std::string url = env_value(m_io.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (url.empty()) url = setting(m_profile, "ec2_metadata_service_endpoint");
  if (url.empty()) {
    std::string mode = env_value(m_io.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
    if (mode.empty()) mode = setting(m_profile, "ec2_metadata_service_endpoint_mode");
    url = iequals(mode, "ipv6") ? "http://[fd00:ec2::254]" : "http://169.254.169.254";
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Result<CredentialLookup> InstanceMetadataCredentials::load() {
  if (iequals(env_value(m_io.env, "AWS_EC2_METADATA_DISABLED"), "true"))
    return CredentialLookup::not_configured("AWS_EC2_METADATA_DISABLED=true");
  const std::string base = endpoint();
  auto parsed = parse_endpoint_url(base);
  if (!parsed) return fail(ErrorKind::invalid, "EC2 metadata endpoint: " + parsed.error().message);
  if (!m_io.metadata_transport) return CredentialLookup::not_configured("no HTTP transport for " + base);
  const bool v1_disabled = iequals(env_value(m_io.env, "AWS_EC2_METADATA_V1_DISABLED"), "true") ||
                           iequals(setting(m_profile, "ec2_metadata_v1_disabled"), "true");

  auto send = [&](const std::string& method, const std::string& path, const HeaderList& extra) {
    HttpRequest request;
    request.method = method;
    request.url = base + path;
    request.headers = {{"Host", parsed->host_header()}};
    for (const auto& header : extra) request.headers.push_back(header);
    return m_io.metadata_transport->send(request);
  };

  auto token_response = send("PUT", "/latest/api/token", {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}});
  if (!token_response) {
    return CredentialLookup::not_configured("no answer from " + base + " (not on EC2): " +
                                            token_response.error().message);
  }
  HeaderList auth;
  const int token_status = token_response->status;
  if (token_status == 200) {
    auth.emplace_back("X-aws-ec2-metadata-token", std::string(trim(token_response->body)));
  } else if (token_status == 403 || token_status == 404 || token_status == 405) {
    if (v1_disabled) {
      return fail(ErrorKind::auth, base + " refused an IMDSv2 token (HTTP " + std::to_string(token_status) +
                                       ") and IMDSv1 is disabled (ec2_metadata_v1_disabled)");
    }
  } else {
    return fail(ErrorKind::auth, base + " answered the IMDSv2 token request with HTTP " + std::to_string(token_status));
  }

  const std::string roles_path = "/latest/meta-data/iam/security-credentials/";
  auto roles = send("GET", roles_path, auth);
  if (!roles) return fail(ErrorKind::network, base + roles_path + ": " + roles.error().message);
  if (roles->status == 404) return CredentialLookup::not_configured("the instance at " + base + " has no IAM role");
  if (roles->status != 200)
    return fail(ErrorKind::auth, base + roles_path + " answered HTTP " + std::to_string(roles->status));
  std::string role(trim(roles->body));
  role = std::string(trim(role.substr(0, role.find('\n'))));
  if (role.empty()) return CredentialLookup::not_configured("the instance at " + base + " has no IAM role");

  auto keys = send("GET", roles_path + role, auth);
  if (!keys) return fail(ErrorKind::network, base + roles_path + role + ": " + keys.error().message);
  if (keys->status != 200)
    return fail(ErrorKind::auth, base + roles_path + role + " answered HTTP " + std::to_string(keys->status));
  const std::string what = "EC2 instance metadata role " + role;
  auto credentials = parse_credentials_json(keys->body, what);
  if (!credentials) return fail(credentials.error());
  credentials->source = what + (token_status == 200 ? " (IMDSv2)" : " (IMDSv1)");
  return CredentialLookup::found(std::move(*credentials));
}

}  // namespace lcd::aws
