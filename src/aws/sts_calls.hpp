#pragma once
// The STS operations credential sources need (query protocol, API 2011-06-15): AssumeRole, signed
// with the source credentials, and AssumeRoleWithWebIdentity, unsigned (the token is the proof).
// Sent through AwsClient, so endpoint resolution (AWS_ENDPOINT_URL_STS, --endpoint-url), retries and
// error parsing are those of every other call.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "aws/aws_config.hpp"
#include "aws/credential_provider.hpp"

namespace lcd::aws {

struct StsAccess {
  AwsConfig config;  // region and endpoints; its credentials are ignored
  std::shared_ptr<Transport> transport;
  Clock* clock = nullptr;
};

struct AssumeRoleRequest {
  std::string role_arn;
  std::string role_session_name;
  std::string external_id;     // optional
  std::string serial_number;   // mfa_serial, optional
  std::string token_code;      // the MFA code, with serial_number
  std::optional<int> duration_seconds;
};

struct WebIdentityRequest {
  std::string role_arn;
  std::string role_session_name;
  std::string web_identity_token;
  std::optional<int> duration_seconds;
};

Result<ResolvedCredentials> sts_assume_role(const StsAccess& sts, const sigv4::Credentials& source,
                                            const AssumeRoleRequest& request);
Result<ResolvedCredentials> sts_assume_role_with_web_identity(const StsAccess& sts, const WebIdentityRequest& request);

// Pure parts, for tests: the form bodies and the response reader (Credentials element of
// <{operation}Result>); `source` is not set.
std::string assume_role_body(const AssumeRoleRequest& request);
std::string web_identity_body(const WebIdentityRequest& request);
Result<ResolvedCredentials> parse_sts_credentials(std::string_view xml, std::string_view operation);

// "lambda-cd-<unix seconds>", the session name when a profile names none.
std::string default_session_name(const Clock& clock);

}  // namespace lcd::aws
