#include "aws/assume_role_credentials.hpp"

#include <algorithm>
#include <charconv>

#include "util/strings.hpp"

namespace lcd::aws {
namespace {

bool has_static_keys(const IniSection& settings) {
  return settings.count("aws_access_key_id") || settings.count("aws_secret_access_key");
}

Error config_error(const std::string& message) { return Error{ErrorKind::invalid, message}; }

}  // namespace

bool is_assume_role_profile(const IniSection& settings) {
  return !setting(&settings, "role_arn").empty() && !settings.count("web_identity_token_file");
}

Result<CredentialLookup> AssumeRoleCredentials::load() {
  auto settings = m_inputs.files->profile(m_profile);
  if (!settings) return CredentialLookup::not_configured("no profile '" + m_profile + "'");
  if (!is_assume_role_profile(*settings))
    return CredentialLookup::not_configured("profile '" + m_profile + "' has no role_arn");
  std::vector<std::string> visited{m_profile};
  auto credentials = assume(m_profile, visited);
  if (!credentials) return fail(credentials.error());
  return CredentialLookup::found(std::move(*credentials));
}

Result<ResolvedCredentials> AssumeRoleCredentials::source_credentials(const std::string& profile,
                                                                      const IniSection& settings,
                                                                      std::vector<std::string>& visited) {
  const std::string source_profile = setting(&settings, "source_profile");
  const std::string credential_source = setting(&settings, "credential_source");
  if (!source_profile.empty() && !credential_source.empty())
    return fail(config_error("profile '" + profile + "' has both source_profile and credential_source"));
  if (source_profile.empty() && credential_source.empty()) {
    return fail(config_error("profile '" + profile + "' has role_arn but neither source_profile nor "
                             "credential_source to sign AssumeRole with"));
  }
  if (!credential_source.empty()) {
    auto provider = named_credential_source(m_inputs, credential_source);
    if (!provider) {
      return fail(config_error("profile '" + profile + "': credential_source '" + credential_source +
                               "' is not one of Environment, EcsContainer, Ec2InstanceMetadata"));
    }
    auto found = provider->load();
    if (!found) return fail(found.error());
    if (!found->credentials) {
      return fail(Error{ErrorKind::auth, "profile '" + profile + "': credential_source " + credential_source +
                                             " has no credentials (" + found->skipped + ")"});
    }
    return std::move(*found->credentials);
  }

  auto source_settings = m_inputs.files->profile(source_profile);
  if (!source_settings) {
    return fail(config_error("the source_profile '" + source_profile + "' of profile '" + profile +
                             "' does not exist in " + m_inputs.files->describe_files()));
  }
  const bool seen = std::find(visited.begin(), visited.end(), source_profile) != visited.end();
  // A profile may source itself only for its own long-term keys.
  const bool self_with_keys = source_profile == profile && has_static_keys(*source_settings);
  if (seen && !self_with_keys) {
    visited.push_back(source_profile);
    return fail(config_error("source_profile loop: " + join(visited, " -> ")));
  }
  visited.push_back(source_profile);
  if (has_static_keys(*source_settings) || !is_assume_role_profile(*source_settings)) {
    CredentialChain chain(profile_credential_providers(m_inputs, source_profile));
    auto found = chain.load();
    if (!found) return fail(found.error());
    if (!found->credentials) {
      return fail(config_error("the source_profile '" + source_profile + "' of profile '" + profile +
                               "' has no credentials; tried:\n" + found->skipped));
    }
    return std::move(*found->credentials);
  }
  return assume(source_profile, visited);
}

Result<ResolvedCredentials> AssumeRoleCredentials::assume(const std::string& profile,
                                                          std::vector<std::string>& visited) {
  auto settings = m_inputs.files->profile(profile);
  if (!settings) return fail(config_error("no profile '" + profile + "'"));
  auto source = source_credentials(profile, *settings, visited);
  if (!source) return fail(source.error());

  AssumeRoleRequest request;
  request.role_arn = setting(settings, "role_arn");
  request.role_session_name = setting(settings, "role_session_name");
  if (request.role_session_name.empty()) request.role_session_name = default_session_name(m_inputs.io.clock_or_system());
  request.external_id = setting(settings, "external_id");
  if (std::string duration = setting(settings, "duration_seconds"); !duration.empty()) {
    int seconds = 0;
    auto [end, ec] = std::from_chars(duration.data(), duration.data() + duration.size(), seconds);
    if (ec != std::errc() || end != duration.data() + duration.size() || seconds < 900 || seconds > 43200) {
      return fail(config_error("profile '" + profile + "': duration_seconds must be a number of seconds from 900 "
                               "to 43200, not '" + duration + "'"));
    }
    request.duration_seconds = seconds;
  }
  request.serial_number = setting(settings, "mfa_serial");
  if (!request.serial_number.empty()) {
    if (!m_inputs.io.mfa_prompt) {
      return fail(Error{ErrorKind::auth, "profile '" + profile + "' needs an MFA code for " + request.serial_number +
                                             " (mfa_serial) and there is no terminal to ask on; run it "
                                             "interactively or use credentials without MFA in CI"});
    }
    auto code = m_inputs.io.mfa_prompt("Enter MFA code for " + request.serial_number + ": ");
    if (!code) {
      Error error = code.error();
      error.message = "profile '" + profile + "' needs an MFA code for " + request.serial_number + ": " + error.message;
      return fail(std::move(error));
    }
    request.token_code = std::string(trim(*code));
    if (request.token_code.empty()) return fail(Error{ErrorKind::auth, "no MFA code entered for " + request.serial_number});
  }
  auto assumed = sts_assume_role(m_inputs.sts, source->keys, request);
  if (!assumed) return fail(assumed.error());
  assumed->source = "role " + request.role_arn + " (profile " + profile + ", from " + source->source + ")";
  return assumed;
}

}  // namespace lcd::aws
