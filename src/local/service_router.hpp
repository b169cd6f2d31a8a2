#pragma once
// The endpoint's front door: request ids, fault injection, optional signature checks, the request's
// region and account, and routing by the SigV4 credential scope's service, with fallbacks for
// unsigned requests (Lambda paths, query Actions, JSON targets and CBOR service paths a service
// registered, else S3).

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "local/fault_injector.hpp"
#include "local/protocol/http_types.hpp"
#include "local/protocol/request_context.hpp"
#include "local/request_auth.hpp"
#include "util/clock.hpp"

namespace lcd::local {

struct RouterOptions {
  std::string default_region = "us-east-1";
  std::string default_account = "000000000000";
  bool verify_signatures = false;
  CredentialMap credentials;
  // The account a non-numeric access key acts for (e.g. temporary credentials the endpoint's STS
  // issued); nullopt: the default account.
  std::function<std::optional<std::string>(const std::string& access_key)> account_for_access_key;
};

// How a service answers errors the router produces for it (faults, signatures).
struct ServiceInfo {
  WireProtocol protocol = WireProtocol::rest_json;  // its main protocol; query/JSON ones are detected per request
  std::string xmlns;                                // query protocol error namespace
  std::vector<std::string> query_actions;           // unsigned form-encoded requests with these Actions
  std::vector<std::string> json_target_prefixes;    // unsigned requests with X-Amz-Target "<prefix>.Op"
                                                    // or RPC v2 CBOR paths /service/<prefix>/operation/Op
  bool query_compatible = false;                    // JSON/CBOR errors also carry x-amzn-query-error
};

class ServiceRouter final : public HttpHandler {
 public:
  ServiceRouter(RouterOptions options, FaultInjector* faults, Clock& clock);
  HttpResponse handle(const HttpRequest& request) override;

  // A service on this port, chosen by the credential scope's service name ("lambda", "s3",
  // "cloudformation", "sts", …). The service must outlive the router.
  void add_service(const std::string& name, Service& service, ServiceInfo info);

  // The account a request acts for: a 12-digit access key id is that account; otherwise
  // `account_for_access_key`, else the default account.
  std::string account_for(const std::string& access_key) const;

 private:
  struct Entry {
    Service* service = nullptr;
    ServiceInfo info;
  };
  std::string service_of_unsigned(const HttpRequest& request) const;
  HttpResponse error_for(const Entry* entry, const HttpRequest& request, const ApiError& error,
                         const std::string& request_id) const;
  // An error or reset to answer instead of serving; `lose_response` set when the request is to be
  // served and its answer replaced by a reset.
  std::optional<HttpResponse> injected_fault(const Entry* entry, const HttpRequest& request,
                                             const std::string& request_id, bool& lose_response) const;

  std::map<std::string, Entry> m_services;
  RouterOptions m_options;
  FaultInjector* m_faults;
  Clock& m_clock;
};

}  // namespace lcd::local
