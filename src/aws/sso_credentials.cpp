#include "aws/sso_credentials.hpp"

#include <nlohmann/json.hpp>

#include "aws/aws_client.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::aws {

std::string sso_token_cache_path(const std::string& home, const std::string& session_or_start_url) {
  return home + "/.aws/sso/cache/" + hex_encode(sha1(session_or_start_url)) + ".json";
}

Result<CredentialLookup> SsoCredentials::load() {
  auto settings = m_inputs.files->profile(m_profile);
  const std::string session_name = setting(settings, "sso_session");
  if (!settings || (session_name.empty() && setting(settings, "sso_start_url").empty())) {
    return CredentialLookup::not_configured("profile '" + m_profile + "' has no sso_session or sso_start_url");
  }
  const std::string login = "run `aws sso login --profile " + m_profile + "`";
  std::string start_url = setting(settings, "sso_start_url");
  std::string sso_region = setting(settings, "sso_region");
  std::string cache_key = start_url;
  if (!session_name.empty()) {
    const IniSection* session = m_inputs.files->sso_session(session_name);
    if (!session) {
      return fail(ErrorKind::invalid, "profile '" + m_profile + "' names sso_session '" + session_name +
                                          "' but " + m_inputs.files->config_path + " has no [sso-session " +
                                          session_name + "]");
    }
    start_url = setting(session, "sso_start_url");
    sso_region = setting(session, "sso_region");
    cache_key = session_name;
  }
  std::vector<std::string> missing;
  const std::string account_id = setting(settings, "sso_account_id");
  const std::string role_name = setting(settings, "sso_role_name");
  if (start_url.empty()) missing.push_back("sso_start_url");
  if (sso_region.empty()) missing.push_back("sso_region");
  if (account_id.empty()) missing.push_back("sso_account_id");
  if (role_name.empty()) missing.push_back("sso_role_name");
  if (!missing.empty()) {
    return fail(ErrorKind::invalid, "SSO profile '" + m_profile + "' lacks " + join(missing, ", ") +
                                        (session_name.empty() ? "" : " (with [sso-session " + session_name + "])"));
  }

  const std::string cache_path = sso_token_cache_path(m_inputs.files->home, cache_key);
  auto cached = m_inputs.io.files(cache_path);
  if (!cached) return fail(cached.error());
  if (!*cached) {
    return fail(ErrorKind::auth, "no SSO token for " + (session_name.empty() ? start_url : "sso-session " + session_name) +
                                     " in " + cache_path + ": " + login);
  }
  nlohmann::json token = nlohmann::json::parse(**cached, nullptr, /*allow_exceptions=*/false);
  auto text = [&](const char* key) -> std::string {
    if (!token.is_object()) return "";
    auto it = token.find(key);
    return it != token.end() && it->is_string() ? it->get<std::string>() : "";
  };
  const std::string access_token = text("accessToken");
  const auto expires_at = parse_iso8601(text("expiresAt"));
  if (access_token.empty() || !expires_at) {
    return fail(ErrorKind::auth, "the SSO token cache " + cache_path + " has no valid accessToken/expiresAt: " + login);
  }
  Clock& clock = m_inputs.io.clock_or_system();
  if (clock.now() >= *expires_at) {
    return fail(ErrorKind::auth, "the SSO token for " +
                                     (session_name.empty() ? start_url : "sso-session " + session_name) +
                                     " expired at " + text("expiresAt") + ": " + login);
  }

  if (!m_inputs.io.transport) return fail(ErrorKind::internal, "SSO: no HTTP transport");
  AwsConfig portal = m_inputs.sts.config;
  portal.credentials = {};  // GetRoleCredentials is not signed; the bearer token authorizes it
  portal.credential_cache.reset();
  portal.region = sso_region;
  portal.endpoint_url.clear();
  portal.service_endpoints.clear();
  std::string url = m_inputs.sso_endpoint_url;
  if (url.empty()) url = env_value(m_inputs.io.env, "AWS_ENDPOINT_URL_SSO");
  if (url.empty()) url = "https://portal.sso." + sso_region + ".amazonaws.com";
  portal.service_endpoints["sso"] = url;
  AwsClientOptions options;
  options.clock = m_inputs.io.clock;
  AwsClient client(std::move(portal), m_inputs.io.transport, std::move(options));
  ServiceRequest request;
  request.service = "sso";
  request.protocol = Protocol::rest_json;
  request.method = "GET";
  request.path = "/federation/credentials";
  request.query = {{"account_id", account_id}, {"role_name", role_name}};
  request.headers = {{"x-amz-sso_bearer_token", access_token}};
  request.operation = "GetRoleCredentials";
  auto response = client.call(request);
  if (!response) {
    Error error = response.error();
    if (error.http_status == 401 || error.code == "UnauthorizedException") {
      error.kind = ErrorKind::auth;
      error.message = "the SSO session of profile '" + m_profile + "' has expired or is invalid: " + login;
    } else {
      error.message = "SSO GetRoleCredentials for account " + account_id + ", role " + role_name + ": " + error.message;
    }
    return fail(std::move(error));
  }
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json* role = body.is_object() && body.contains("roleCredentials") ? &body["roleCredentials"] : nullptr;
  auto field = [&](const char* key) -> std::string {
    if (!role || !role->is_object()) return "";
    auto it = role->find(key);
    return it != role->end() && it->is_string() ? it->get<std::string>() : "";
  };
  ResolvedCredentials out;
  out.keys = {field("accessKeyId"), field("secretAccessKey"), field("sessionToken")};
  if (out.keys.access_key_id.empty() || out.keys.secret_access_key.empty() || !role->contains("expiration") ||
      !(*role)["expiration"].is_number()) {
    return fail(ErrorKind::invalid, "SSO GetRoleCredentials returned no roleCredentials");
  }
  out.expiration = std::chrono::system_clock::time_point(
      std::chrono::milliseconds((*role)["expiration"].get<int64_t>()));
  out.source = "SSO role " + role_name + " in account " + account_id + " (profile " + m_profile + ")";
  return CredentialLookup::found(std::move(out));
}

}  // namespace lcd::aws
