#pragma once
// STS on the local endpoint (query protocol, API 2011-06-15; aws-api-notes-2 §16): GetCallerIdentity,
// AssumeRole, AssumeRoleWithWebIdentity, GetSessionToken and GetAccessKeyInfo. Every answer is
// about the request's own account and caller: a 12-digit access key is that account's root, the
// temporary credentials STS issued act as the role (or caller) they were issued for, in that
// role's account — the router learns it through account_for_access_key().

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "local/iam/iam_service.hpp"
#include "local/protocol/api_error.hpp"
#include "local/protocol/http_types.hpp"
#include "local/protocol/query_request.hpp"
#include "local/protocol/request_context.hpp"
#include "local/iam/policy_document.hpp"
#include "local/sts/session_store.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace lcd::local::sts {

struct StsServiceOptions {
  std::filesystem::path state_dir;  // the endpoint's state (state_layout.hpp)
  std::string default_account = "000000000000";  // the account of keys that name none (the router's)
  // IAM, for the roles' ids and session limits (and RoleLastUsed); null: roles are taken as named.
  iam::IamService* iam = nullptr;
  // --strict-iam: the role must exist and its trust policy must let the caller (or the web
  // identity's provider) assume it, else AccessDenied as AWS answers.
  bool strict = false;
};

// Who a request's credentials belong to, as GetCallerIdentity reports it.
struct Caller {
  std::string account_id;
  std::string arn;
  std::string user_id;
  std::optional<Session> session;  // set for credentials STS issued
};

class StsService final : public Service {
 public:
  static constexpr const char* k_xmlns = "https://sts.amazonaws.com/doc/2011-06-15/";

  static Result<std::unique_ptr<StsService>> open(StsServiceOptions options, Clock& clock);

  // Form-encoded POST (or GET) with Action=...; never throws.
  HttpResponse handle(const HttpRequest& request, const RequestContext& context) override;

  // The account temporary credentials issued here act for; nullopt for any other key.
  std::optional<std::string> account_for_access_key(const std::string& access_key) const;

  // The request's caller: an issued session's principal, else the root of the request's account.
  Caller caller(const RequestContext& context) const;

  // The actions this service answers (for routing unsigned requests: AssumeRoleWithWebIdentity
  // is sent without a signature).
  static const std::vector<std::string>& actions();

 private:
  StsService(StsServiceOptions options, Clock& clock) : m_options(std::move(options)), m_clock(clock) {}

  ApiResult<std::string> get_caller_identity(const RequestContext& context);
  ApiResult<std::string> assume_role(const QueryRequest& q, const RequestContext& context);
  ApiResult<std::string> assume_role_with_web_identity(const QueryRequest& q, const RequestContext& context);
  ApiResult<std::string> get_session_token(const QueryRequest& q, const RequestContext& context);
  ApiResult<std::string> get_access_key_info(const QueryRequest& q, const RequestContext& context);
  // New credentials for `principal` acting in `account`, valid for `duration_s`; the
  // <Credentials> element.
  ApiResult<std::string> issue(Session principal, long duration_s);
  // The role an assume-role call names: IAM's record when IAM knows it. Under strict, a role IAM
  // does not know, or whose trust policy does not allow `request`, is `denied`.
  // The principals a caller is, as trust policies name them: its own ARN, its account (which names
  // every principal of the account) and, for an assumed-role session, its role's ARN.
  iam::TrustRequest trust_request_for(const Caller& who, const std::string& action) const;
  // RoleLastUsed, as AWS records it when credentials are issued for the role.
  void record_use(const iam::RoleRecord& role, const std::string& region);
  ApiResult<std::optional<iam::RoleRecord>> role_for(const std::string& role_arn, const iam::TrustRequest& request,
                                                     const ApiError& denied);

  StsServiceOptions m_options;
  Clock& m_clock;
  std::unique_ptr<SessionStore> m_sessions;
};

}  // namespace lcd::local::sts
