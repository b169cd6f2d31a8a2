#pragma once
// The endpoint's front door: request ids, fault injection, optional signature checks, and routing
// by the SigV4 credential scope's service (lambda now; cloudformation and s3 can join on the same
// port), with path-based fallbacks for unsigned requests.

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "local/fault_injector.hpp"
#include "local/http_types.hpp"
#include "local/lambda_api.hpp"
#include "local/request_auth.hpp"

namespace lcd::local {

struct RouterOptions {
  std::string default_region = "us-east-1";
  bool verify_signatures = false;
  CredentialMap credentials;
};

class ServiceRouter final : public HttpHandler {
 public:
  ServiceRouter(RouterOptions options, LambdaApi& lambda, FaultInjector* faults, Clock& clock);
  HttpResponse handle(const HttpRequest& request) override;

  // Another service on the same port, chosen by the credential scope's service name ("s3",
  // "cloudformation"). Unsigned requests: Lambda paths go to Lambda, form-encoded POSTs with an
  // Action to "cloudformation", everything else to "s3" when registered.
  void add_service(const std::string& name, HttpHandler& handler);

 private:
  std::map<std::string, HttpHandler*> m_services;
  RouterOptions m_options;
  LambdaApi& m_lambda;
  FaultInjector* m_faults;
  Clock& m_clock;
};

}  // namespace lcd::local
