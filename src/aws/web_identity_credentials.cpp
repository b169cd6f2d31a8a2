#include "aws/web_identity_credentials.hpp"

#include "util/strings.hpp"

namespace lcd::aws {

std::string WebIdentityCredentials::lookup(const std::string& env_name, const std::string& profile_key,
                                           std::string& from) const {
  if (m_use_environment) {
    if (std::string value = env_value(m_inputs.io.env, env_name); !value.empty()) {
      from = env_name;
      return value;
    }
  }
  std::string value = setting(m_inputs.files->profile(m_profile), profile_key);
  if (!value.empty()) from = profile_key + " of profile '" + m_profile + "'";
  return value;
}

Result<CredentialLookup> WebIdentityCredentials::load() {
  std::string token_from, role_from, session_from;
  const std::string token_file = lookup("AWS_WEB_IDENTITY_TOKEN_FILE", "web_identity_token_file", token_from);
  if (token_file.empty()) {
    return CredentialLookup::not_configured(
        std::string(m_use_environment ? "AWS_WEB_IDENTITY_TOKEN_FILE is not set and " : "") + "profile '" +
        m_profile + "' has no web_identity_token_file");
  }
  const std::string role_arn = lookup("AWS_ROLE_ARN", "role_arn", role_from);
  if (role_arn.empty()) {
    return fail(ErrorKind::invalid, "a web identity token file is set (" + token_from + " = " + token_file +
                                        ") but no role to assume: set AWS_ROLE_ARN or role_arn in profile '" +
                                        m_profile + "'");
  }
  std::string session = lookup("AWS_ROLE_SESSION_NAME", "role_session_name", session_from);
  if (session.empty()) session = default_session_name(m_inputs.io.clock_or_system());

  auto token = m_inputs.io.files(token_file);
  if (!token) return fail(ErrorKind::io, "cannot read the web identity token file " + token_file + " (" + token_from +
                                             "): " + token.error().message);
  if (!*token || trim(**token).empty()) {
    return fail(ErrorKind::auth, "the web identity token file " + token_file + " (" + token_from + ") " +
                                     (*token ? "is empty" : "does not exist"));
  }
  WebIdentityRequest request;
  request.role_arn = role_arn;
  request.role_session_name = session;
  request.web_identity_token = std::string(trim(**token));
  auto credentials = sts_assume_role_with_web_identity(m_inputs.sts, request);
  if (!credentials) return fail(credentials.error());
  credentials->source = "web identity token " + token_file + ", role " + role_arn;
  return CredentialLookup::found(std::move(*credentials));
}

}  // namespace lcd::aws
