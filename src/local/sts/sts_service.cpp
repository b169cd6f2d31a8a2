#include "local/sts/sts_service.hpp"

#include <chrono>

#include "local/iam/iam_errors.hpp"
#include "local/iam/iam_identifiers.hpp"
#include "local/protocol/error_response.hpp"
#include "local/protocol/xml_writer.hpp"
#include "local/sts/web_identity_token.hpp"
#include "util/crypto.hpp"
#include "util/strings.hpp"

namespace lcd::local::sts {
namespace {

using iam::constraint_error;

// AWS writes "Value null" without quotes.
ApiError missing_parameter(std::string_view field) {
  return iam::validation_error("1 validation error detected: Value null at '" + std::string(field) +
                               "' failed to satisfy constraint: Member must not be null");
}

struct RoleRef {
  std::string account;
  std::string path;
  std::string name;
};

// AssumeRole's MFA members as AWS checks them; no device exists locally, so any well-formed
// six-digit code is accepted.
std::optional<ApiError> check_mfa(const QueryRequest& q) {
  const bool serial = q.has("SerialNumber"), code = q.has("TokenCode");
  if (serial) {
    std::string value = q.get("SerialNumber");
    if (value.size() < 9) return constraint_error(value, "serialNumber", "Member must have length greater than or equal to 9");
    if (value.size() > 256) return constraint_error(value, "serialNumber", "Member must have length less than or equal to 256");
  }
  if (code) {
    std::string value = q.get("TokenCode");
    if (value.size() < 6) return constraint_error(value, "tokenCode", "Member must have length greater than or equal to 6");
    if (value.size() > 6) return constraint_error(value, "tokenCode", "Member must have length less than or equal to 6");
    if (value.find_first_not_of("0123456789") != std::string::npos)
      return constraint_error(value, "tokenCode", "Member must satisfy regular expression pattern: [\\d]*");
  }
  if (serial != code) {
    return iam::access_denied("MultiFactorAuthentication failed, must provide both MFA serial number and one time pass code.");
  }
  return std::nullopt;
}

ApiResult<RoleRef> parse_role_arn(const std::string& text) {
  if (text.empty()) return api_fail(missing_parameter("roleArn"));
  if (text.size() < 20) {
    return api_fail(constraint_error(text, "roleArn", "Member must have length greater than or equal to 20"));
  }
  auto arn = iam::parse_arn(text);
  std::optional<iam::PathAndName> role;
  if (arn && arn->service == "iam" && arn->region.empty() && iam::is_account_id(arn->account)) {
    role = iam::resource_path_and_name(*arn, "role");
  }
  if (!role) return api_fail(iam::validation_error(text + " is invalid"));
  return RoleRef{arn->account, role->path, role->name};
}

void write_credentials(XmlWriter& x, const Session& s, std::chrono::system_clock::time_point expires) {
  x.open("Credentials")
      .leaf("AccessKeyId", s.access_key)
      .leaf("SecretAccessKey", s.secret_key)
      .leaf("SessionToken", s.session_token)
      .leaf("Expiration", iam::format_iam_time(expires))
      .close("Credentials");
}

void write_assumed_role_user(XmlWriter& x, const Session& s) {
  x.open("AssumedRoleUser").leaf("AssumedRoleId", s.user_id).leaf("Arn", s.arn).close("AssumedRoleUser");
}

}  // namespace

const std::vector<std::string>& StsService::actions() {
  static const std::vector<std::string> names = {"GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity",
                                                 "GetSessionToken", "GetAccessKeyInfo"};
  return names;
}

Result<std::unique_ptr<StsService>> StsService::open(StsServiceOptions options, Clock& clock) {
  std::unique_ptr<StsService> service(new StsService(std::move(options), clock));
  auto sessions = SessionStore::open(service->m_options.state_dir, clock);
  if (!sessions) return fail(sessions.error());
  service->m_sessions = std::move(*sessions);
  return service;
}

std::optional<std::string> StsService::account_for_access_key(const std::string& access_key) const {
  if (auto session = m_sessions->find(access_key)) return session->account_id;
  return std::nullopt;
}

Caller StsService::caller(const RequestContext& context) const {
  Caller out;
  if (!context.access_key.empty()) {
    if (auto session = m_sessions->find(context.access_key)) {
      out.account_id = session->account_id;
      out.arn = session->arn;
      out.user_id = session->user_id;
      out.session = std::move(session);
      return out;
    }
  }
  out.account_id = context.account_id;
  out.arn = iam::root_arn(context.account_id);
  out.user_id = context.account_id;
  return out;
}

HttpResponse StsService::handle(const HttpRequest& request, const RequestContext& context) {
  QueryRequest q(request);
  const std::string& action = q.action();
  ApiResult<std::string> body = api_fail(make_api_error(400, "InvalidAction",
                                                        "Could not find operation " + action + " for version 2011-06-15"));
  try {
    if (action == "GetCallerIdentity") body = get_caller_identity(context);
    else if (action == "AssumeRole") body = assume_role(q, context);
    else if (action == "AssumeRoleWithWebIdentity") body = assume_role_with_web_identity(q, context);
    else if (action == "GetSessionToken") body = get_session_token(q, context);
    else if (action == "GetAccessKeyInfo") body = get_access_key_info(q, context);
  } catch (const std::exception& e) {
    body = api_fail(make_api_error(500, "InternalFailure", e.what()));
  }
  if (!body) return query_error(body.error(), context.request_id, k_xmlns);
  HttpResponse response;
  response.content_type = "text/xml";
  response.set_header("x-amzn-RequestId", context.request_id);
  response.body = query_response_xml(action, *body, context.request_id, k_xmlns);
  return response;
}

ApiResult<std::string> StsService::get_caller_identity(const RequestContext& context) {
  Caller who = caller(context);
  XmlWriter x;
  x.leaf("Arn", who.arn).leaf("UserId", who.user_id).leaf("Account", who.account_id);
  return x.str();
}

ApiResult<std::string> StsService::issue(Session principal, long duration_s) {
  auto expires = m_clock.now() + std::chrono::seconds(duration_s);
  principal.access_key = iam::unique_id("ASIA", 20);
  principal.secret_key = iam::random_base64(30);
  principal.session_token = iam::random_base64(120);
  principal.expires_ms = to_epoch_ms(expires);
  if (auto stored = m_sessions->add(principal); !stored) return api_fail(from_error(stored.error()));
  XmlWriter x;
  write_credentials(x, principal, expires);
  if (principal.kind == SessionKind::assumed_role) write_assumed_role_user(x, principal);
  return x.str();
}

ApiResult<std::optional<iam::RoleRecord>> StsService::role_for(const std::string& role_arn,
                                                              const iam::TrustRequest& request,
                                                              const ApiError& denied) {
  std::optional<iam::RoleRecord> role;
  if (m_options.iam) {
    auto found = m_options.iam->find_role_by_arn(role_arn);
    if (!found) return api_fail(found.error());
    role = std::move(*found);
  }
  if (m_options.strict && (!role || !iam::trust_allows(role->trust_policy, request))) return api_fail(denied);
  return role;
}

iam::TrustRequest StsService::trust_request_for(const Caller& who, const std::string& action) const {
  iam::TrustRequest request{action, {{"AWS", who.arn}, {"AWS", who.account_id}, {"AWS", iam::root_arn(who.account_id)}}};
  if (who.session && who.session->kind == SessionKind::assumed_role) {
    // arn:aws:sts::<acct>:assumed-role/<role>/<session>: trust policies name the role's IAM ARN.
    auto arn = iam::parse_arn(who.arn);
    auto parts = arn ? split(arn->resource, '/') : std::vector<std::string>();
    if (parts.size() == 3) {
      std::string role_arn = iam::role_arn(who.account_id, "/", parts[1]);
      if (m_options.iam) {
        auto role = m_options.iam->store().find_role(who.account_id, parts[1]);
        if (role && *role) role_arn = (*role)->arn();
      }
      request.principals.emplace_back("AWS", role_arn);
    }
  }
  return request;
}

void StsService::record_use(const iam::RoleRecord& role, const std::string& region) {
  auto when = iam::format_iam_time(m_clock.now());
  (void)m_options.iam->store().update_role(role.account_id, role.name, [&](iam::RoleRecord& r) -> ApiResult<void> {
    r.last_used_date = when;
    r.last_used_region = region;
    return {};
  });
}

ApiResult<std::string> StsService::assume_role(const QueryRequest& q, const RequestContext& context) {
  auto role = parse_role_arn(q.get("RoleArn"));
  if (!role) return api_fail(role.error());
  if (!q.has("RoleSessionName")) return api_fail(missing_parameter("roleSessionName"));
  std::string session_name = q.get("RoleSessionName");
  if (auto ok = iam::check_name(session_name, "roleSessionName", 2, 64); !ok) return api_fail(ok.error());
  if (q.has("ExternalId")) {
    std::string external_id = q.get("ExternalId");
    if (external_id.size() < 2 || external_id.size() > 1224) {
      return api_fail(constraint_error(external_id, "externalId",
                                       external_id.size() < 2 ? "Member must have length greater than or equal to 2"
                                                              : "Member must have length less than or equal to 1224"));
    }
  }
  if (auto mfa = check_mfa(q)) return api_fail(std::move(*mfa));
  auto duration = iam::integer_param(q.get("DurationSeconds"), "durationSeconds", 900, 43200, 3600);
  if (!duration) return api_fail(duration.error());
  Caller who = caller(context);
  if (who.session && who.session->kind == SessionKind::assumed_role && *duration > 3600) {
    return api_fail(iam::validation_error(
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."));
  }
  std::string arn = q.get("RoleArn");
  auto known = role_for(arn, trust_request_for(who, "sts:AssumeRole"),
                        iam::access_denied("User: " + who.arn + " is not authorized to perform: sts:AssumeRole on "
                                           "resource: " + arn));
  if (!known) return api_fail(known.error());
  if (*known && *duration > (*known)->max_session_duration) {
    return api_fail(iam::validation_error("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
  }
  Session session;
  session.kind = SessionKind::assumed_role;
  session.account_id = role->account;
  session.arn = iam::assumed_role_arn(role->account, role->name, session_name);
  std::string role_id = *known ? (*known)->role_id : iam::derived_id("AROA", arn);
  session.user_id = role_id + ":" + session_name;
  if (*known) record_use(**known, context.region);
  auto credentials = issue(session, *duration);
  if (!credentials) return api_fail(credentials.error());
  std::string out = *credentials;
  if (q.has("SourceIdentity")) out += XmlWriter().leaf("SourceIdentity", q.get("SourceIdentity")).str();
  return out;
}

ApiResult<std::string> StsService::assume_role_with_web_identity(const QueryRequest& q, const RequestContext& context) {
  auto role = parse_role_arn(q.get("RoleArn"));
  if (!role) return api_fail(role.error());
  if (!q.has("RoleSessionName")) return api_fail(missing_parameter("roleSessionName"));
  std::string session_name = q.get("RoleSessionName");
  if (auto ok = iam::check_name(session_name, "roleSessionName", 2, 64); !ok) return api_fail(ok.error());
  if (!q.has("WebIdentityToken")) return api_fail(missing_parameter("webIdentityToken"));
  std::string token = q.get("WebIdentityToken");
  if (token.size() < 4) {
    return api_fail(constraint_error("***", "webIdentityToken", "Member must have length greater than or equal to 4"));
  }
  auto duration = iam::integer_param(q.get("DurationSeconds"), "durationSeconds", 900, 43200, 3600);
  if (!duration) return api_fail(duration.error());
  auto claims = parse_web_identity_token(token);
  if (!claims) {
    return api_fail(make_api_error(400, "InvalidIdentityToken",
                                   "The ID Token provided is not a valid JWT. (You may see this error if you sent an "
                                   "Access Token): " + claims.error().message));
  }
  int64_t now_s = to_epoch_ms(m_clock.now()) / 1000;
  if (claims->expires_at && *claims->expires_at <= now_s) {
    return api_fail(make_api_error(400, "ExpiredTokenException",
                                   "Token expired: current date/time " + std::to_string(now_s) +
                                       " must be before the expiration date/time " + std::to_string(*claims->expires_at)));
  }
  std::string arn = q.get("RoleArn");
  iam::TrustRequest request{"sts:AssumeRoleWithWebIdentity",
                            {{"Federated", federated_principal(claims->issuer, role->account)}}};
  auto known = role_for(arn, request, iam::access_denied("Not authorized to perform sts:AssumeRoleWithWebIdentity"));
  if (!known) return api_fail(known.error());
  if (*known && *duration > (*known)->max_session_duration) {
    return api_fail(iam::validation_error("The requested DurationSeconds exceeds the MaxSessionDuration set for this role."));
  }
  Session session;
  session.kind = SessionKind::assumed_role;
  session.account_id = role->account;
  session.arn = iam::assumed_role_arn(role->account, role->name, session_name);
  std::string role_id = *known ? (*known)->role_id : iam::derived_id("AROA", arn);
  session.user_id = role_id + ":" + session_name;
  if (*known) record_use(**known, context.region);
  auto credentials = issue(session, *duration);
  if (!credentials) return api_fail(credentials.error());
  std::string provider = q.has("ProviderId") ? q.get("ProviderId") : claims->issuer;
  XmlWriter x;
  x.raw(*credentials)
      .leaf("SubjectFromWebIdentityToken", claims->subject)
      .leaf("Provider", provider)
      .leaf("Audience", claims->audience);
  return x.str();
}

ApiResult<std::string> StsService::get_session_token(const QueryRequest& q, const RequestContext& context) {
  Caller who = caller(context);
  if (who.session) return api_fail(iam::access_denied("Cannot call GetSessionToken with session credentials"));
  auto duration = iam::integer_param(q.get("DurationSeconds"), "durationSeconds", 900, 129600, 43200);
  if (!duration) return api_fail(duration.error());
  // An account's root user gets sessions of at most an hour.
  bool root = who.arn == iam::root_arn(who.account_id);
  long seconds = root ? std::min(*duration, 3600L) : *duration;
  Session session;
  session.kind = SessionKind::session_token;
  session.account_id = who.account_id;
  session.arn = who.arn;
  session.user_id = who.user_id;
  return issue(session, seconds);
}

ApiResult<std::string> StsService::get_access_key_info(const QueryRequest& q, const RequestContext& context) {
  if (!q.has("AccessKeyId")) return api_fail(missing_parameter("accessKeyId"));
  std::string key = q.get("AccessKeyId");
  (void)context;
  std::string account = m_options.default_account;
  if (iam::is_account_id(key)) {
    account = key;
  } else if (auto session = m_sessions->find(key)) {
    account = session->account_id;
  }
  return XmlWriter().leaf("Account", account).str();
}

}  // namespace lcd::local::sts
