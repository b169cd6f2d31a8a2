#pragma once
// The endpoint's front door: request ids, fault injection, optional signature checks, and routing
// by the SigV4 credential scope's service (lambda now; cloudformation and s3 can join on the same
// port), with path-based fallbacks for unsigned requests.

#include <chrono>
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

 private:
  RouterOptions m_options;
  LambdaApi& m_lambda;
  FaultInjector* m_faults;
  Clock& m_clock;
};

}  // namespace lcd::local
