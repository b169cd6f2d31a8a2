#include "aws/sts_calls.hpp"

#include "aws/aws_client.hpp"
#include "aws/error_parser.hpp"
#include "util/encoding.hpp"
#include "util/xml_document.hpp"

namespace lcd::aws {
namespace {

void add(std::string& body, const std::string& name, const std::string& value) {
  if (value.empty()) return;
  body.append("&").append(name).append("=").append(uri_encode(value));
}

Result<ResolvedCredentials> call_sts(const StsAccess& sts, const sigv4::Credentials& signer,
                                     const std::string& operation, std::string body, const std::string& role_arn) {
  if (sts.config.region.empty()) {
    return fail(ErrorKind::invalid, operation + " for " + role_arn +
                                        " needs a region: set --region, AWS_REGION or AWS_DEFAULT_REGION, or "
                                        "`region` in the profile");
  }
  if (!sts.transport) return fail(ErrorKind::internal, operation + ": no HTTP transport for STS");
  AwsConfig config = sts.config;
  config.credentials = signer;
  config.credential_cache.reset();
  AwsClientOptions options;
  options.clock = sts.clock;
  AwsClient client(std::move(config), sts.transport, std::move(options));
  ServiceRequest request;
  request.service = "sts";
  request.protocol = Protocol::query_xml;
  request.method = "POST";
  request.path = "/";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  request.body = std::move(body);
  request.operation = operation;
  auto response = client.call(request);
  if (!response) {
    Error error = response.error();
    error.message = operation + " " + role_arn + ": " + error.message;
    if (error.kind == ErrorKind::invalid && (error.code == "AccessDenied" || error.code == "InvalidIdentityToken" ||
                                             error.code == "ExpiredTokenException" || error.code == "ExpiredToken"))
      error.kind = ErrorKind::auth;
    return fail(std::move(error));
  }
  return parse_sts_credentials(response->body, operation);
}

}  // namespace

std::string default_session_name(const Clock& clock) {
  return "lambda-cd-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                           clock.now().time_since_epoch()).count());
}

std::string assume_role_body(const AssumeRoleRequest& request) {
  std::string body = "Action=AssumeRole&Version=2011-06-15";
  add(body, "RoleArn", request.role_arn);
  add(body, "RoleSessionName", request.role_session_name);
  add(body, "ExternalId", request.external_id);
  add(body, "SerialNumber", request.serial_number);
  add(body, "TokenCode", request.token_code);
  if (request.duration_seconds) add(body, "DurationSeconds", std::to_string(*request.duration_seconds));
  return body;
}

std::string web_identity_body(const WebIdentityRequest& request) {
  std::string body = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15";
  add(body, "RoleArn", request.role_arn);
  add(body, "RoleSessionName", request.role_session_name);
  add(body, "WebIdentityToken", request.web_identity_token);
  if (request.duration_seconds) add(body, "DurationSeconds", std::to_string(*request.duration_seconds));
  return body;
}

Result<ResolvedCredentials> parse_sts_credentials(std::string_view xml, std::string_view operation) {
  const std::string what = std::string(operation) + " response";
  auto doc = parse_xml(xml);
  if (!doc) return fail(ErrorKind::invalid, what + " is not XML: " + doc.error().message);
  const XmlElement* result = doc->child(std::string(operation) + "Result");
  if (!result) return fail(ErrorKind::invalid, what + " has no <" + std::string(operation) + "Result>");
  const XmlElement* credentials = result->child("Credentials");
  if (!credentials) return fail(ErrorKind::invalid, what + " has no <Credentials>");
  ResolvedCredentials out;
  out.keys.access_key_id = credentials->child_text("AccessKeyId");
  out.keys.secret_access_key = credentials->child_text("SecretAccessKey");
  out.keys.session_token = credentials->child_text("SessionToken");
  if (out.keys.access_key_id.empty() || out.keys.secret_access_key.empty() || out.keys.session_token.empty())
    return fail(ErrorKind::invalid, what + " lacks AccessKeyId, SecretAccessKey or SessionToken");
  std::string expiration = credentials->child_text("Expiration");
  auto when = parse_iso8601(expiration);
  if (!when) return fail(ErrorKind::invalid, what + " has no valid <Expiration>: '" + expiration + "'");
  out.expiration = *when;
  return out;
}

Result<ResolvedCredentials> sts_assume_role(const StsAccess& sts, const sigv4::Credentials& source,
                                            const AssumeRoleRequest& request) {
  return call_sts(sts, source, "AssumeRole", assume_role_body(request), request.role_arn);
}

Result<ResolvedCredentials> sts_assume_role_with_web_identity(const StsAccess& sts, const WebIdentityRequest& request) {
  return call_sts(sts, sigv4::Credentials{}, "AssumeRoleWithWebIdentity", web_identity_body(request),
                  request.role_arn);
}

}  // namespace lcd::aws
