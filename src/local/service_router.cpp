#include "local/service_router.hpp"

#include "util/crypto.hpp"
#include "util/strings.hpp"

namespace lcd::local {
namespace {

// Lambda accepts signatures up to 5 minutes old (aws-api-notes §10.1).
constexpr std::chrono::seconds k_lambda_skew{300};
constexpr std::chrono::seconds k_other_skew{900};

std::optional<HttpResponse> injected_fault(FaultInjector* faults, const std::string& request_id) {
  if (!faults || !faults->enabled()) return std::nullopt;
  switch (faults->next_request_fault()) {
    case Fault::none: return std::nullopt;
    case Fault::throttle: {
      ApiError e;
      e.status = 429;
      e.code = "TooManyRequestsException";
      e.message = "Rate exceeded";
      e.reason = "CallerRateLimitExceeded";
      e.retry_after_s = 1;
      return make_error_response(e, request_id);
    }
    case Fault::error500: return make_error_response(service_error("Injected internal failure"), request_id);
    case Fault::error503: {
      ApiError e;
      e.status = 503;
      e.code = "ServiceUnavailableException";
      e.message = "Injected: service unavailable";
      return make_error_response(e, request_id);
    }
    case Fault::reset: {
      HttpResponse r;
      r.reset_connection = true;
      return r;
    }
  }
  return std::nullopt;
}

}  // namespace

void ServiceRouter::add_service(const std::string& name, HttpHandler& handler) { m_services[name] = &handler; }

ServiceRouter::ServiceRouter(RouterOptions options, LambdaApi& lambda, FaultInjector* faults, Clock& clock)
    : m_options(std::move(options)), m_lambda(lambda), m_faults(faults), m_clock(clock) {}

HttpResponse ServiceRouter::handle(const HttpRequest& request) {
  std::string request_id = random_uuid();
  auto auth = parse_sigv4_authorization(request);
  std::string service;
  if (auth) {
    service = auth->service;
  } else if (LambdaApi::owns_path(request.raw_path)) {
    service = "lambda";
  } else if (request.method == "POST" && request.raw_path == "/" &&
             starts_with(to_lower(request.header("Content-Type")), "application/x-www-form-urlencoded") &&
             request.body.find("Action=") != std::string::npos) {
    service = "cloudformation";
  } else if (m_services.count("s3")) {
    service = "s3";
  }
  // Package downloads (GetFunction Code.Location) are plain URLs, never signed or faulted.
  bool code_download = starts_with(request.raw_path, "/_lambda-cd/code/");
  if (!code_download) {
    if (auto fault = injected_fault(m_faults, request_id)) return *fault;
    if (m_options.verify_signatures) {
      auto skew = service == "lambda" ? k_lambda_skew : k_other_skew;
      if (auto ok = verify_signature(request, auth, m_options.credentials, m_clock.now(), skew); !ok) {
        return make_error_response(ok.error(), request_id);
      }
    }
  }
  RequestContext context;
  context.request_id = request_id;
  context.region = auth && !auth->region.empty() ? auth->region : m_options.default_region;
  context.host = request.header("Host");
  if (service == "lambda" || code_download) return m_lambda.handle(request, context);
  if (auto it = m_services.find(service); it != m_services.end()) return it->second->handle(request);
  ApiError e;
  e.status = 400;
  e.code = "UnknownServiceException";
  e.message = service.empty() ? "No service matches " + request.method + " " + request.raw_path
                              : "Service '" + service + "' is not served by lambda-cd local";
  if (service.empty()) {
    e.status = 404;
    e.code = "UnknownOperationException";
  }
  return make_error_response(e, request_id);
}

}  // namespace lcd::local
