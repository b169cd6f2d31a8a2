#include "aws/container_credentials.hpp"

#include "aws/aws_config.hpp"
#include "aws/shared_config.hpp"
#include "aws/transport.hpp"
#include "util/strings.hpp"

namespace lcd::aws {

bool allowed_container_host(const std::string& host) {
  return starts_with(host, "127.") || host == "::1" || host == "localhost" || host == "169.254.170.2" ||
         host == "169.254.170.23" || iequals(host, "fd00:ec2::23");
}

Result<CredentialLookup> ContainerCredentials::load() {
  const std::string relative = env_value(m_io.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const std::string full = env_value(m_io.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (relative.empty() && full.empty()) {
    return CredentialLookup::not_configured(
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set");
  }
  const std::string url = relative.empty() ? full : "http://169.254.170.2" + relative;
  auto endpoint = parse_endpoint_url(url);
  if (!endpoint) {
    return fail(ErrorKind::invalid, std::string(relative.empty() ? "AWS_CONTAINER_CREDENTIALS_FULL_URI"
                                                                 : "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") +
                                        ": " + endpoint.error().message);
  }
  if (relative.empty()) {
    if (endpoint->scheme == "http" && !allowed_container_host(endpoint->host)) {
      return fail(ErrorKind::invalid, "AWS_CONTAINER_CREDENTIALS_FULL_URI host '" + endpoint->host +
                                          "' is not allowed over http: use https, a loopback address or "
                                          "169.254.170.2 / 169.254.170.23 / fd00:ec2::23");
    }
  }

  std::string token;
  if (std::string file = env_value(m_io.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !file.empty()) {
    auto text = m_io.files(file);
    if (!text) return fail(ErrorKind::io, "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + file + ": " +
                                              text.error().message);
    if (!*text) return fail(ErrorKind::auth, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + file + " does not exist");
    token = std::string(trim(**text));
  } else {
    token = env_value(m_io.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token.find_first_of("\r\n") != std::string::npos)
    return fail(ErrorKind::invalid, "the container authorization token holds a line break");

  if (!m_io.metadata_transport) return fail(ErrorKind::internal, "container credentials: no HTTP transport");
  HttpRequest request;
  request.method = "GET";
  request.url = url;
  request.headers = {{"Host", endpoint->host_header()}};
  if (!token.empty()) request.headers.emplace_back("Authorization", token);
  const std::string where = "container credentials endpoint " + url.substr(0, url.find('?'));
  Error last;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    if (attempt > 1) m_io.clock_or_system().sleep_for(std::chrono::seconds(1));
    auto response = m_io.metadata_transport->send(request);
    if (!response) {
      last = response.error();
      continue;
    }
    if (response->status >= 500) {
      last = Error{ErrorKind::server, where + " answered HTTP " + std::to_string(response->status)};
      continue;
    }
    if (response->status != 200) {
      return fail(ErrorKind::auth, where + " answered HTTP " + std::to_string(response->status));
    }
    auto credentials = parse_credentials_json(response->body, where);
    if (!credentials) return fail(credentials.error());
    credentials->source = where;
    return CredentialLookup::found(std::move(*credentials));
  }
  last.message = where + " (3 attempts): " + last.message;
  return fail(std::move(last));
}

}  // namespace lcd::aws
