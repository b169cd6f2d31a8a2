#include "local/service_router.hpp"

#include <algorithm>

#include "local/lambda_api.hpp"
#include "local/protocol/cbor_rpc.hpp"
#include "local/protocol/error_response.hpp"
#include "local/protocol/json_rpc.hpp"
#include "local/protocol/query_request.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local {
namespace {

// Lambda accepts signatures up to 5 minutes old (aws-api-notes §10.1).
constexpr std::chrono::seconds k_lambda_skew{300};
constexpr std::chrono::seconds k_other_skew{900};

bool is_account_id(const std::string& key) {
  return key.size() == 12 && std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The fault a service of `protocol` answers with, in that service's words.
ApiError fault_error(Fault fault, WireProtocol protocol) {
  bool s3 = protocol == WireProtocol::rest_xml;
  bool lambda = protocol == WireProtocol::rest_json;
  switch (fault) {
    case Fault::throttle: {
      if (s3) return make_api_error(503, "SlowDown", "Please reduce your request rate.");
      if (!lambda) return make_api_error(400, "Throttling", "Rate exceeded");
      ApiError e = make_api_error(429, "TooManyRequestsException", "Rate exceeded");
      e.reason = "CallerRateLimitExceeded";
      e.retry_after_s = 1;
      return e;
    }
    case Fault::error500:
      if (s3) return make_api_error(500, "InternalError", "We encountered an internal error. Please try again.");
      return make_api_error(500, lambda ? "ServiceException" : "InternalFailure", "Injected internal failure");
    case Fault::error503:
      if (s3) return make_api_error(503, "ServiceUnavailable", "Injected: service unavailable");
      return make_api_error(503, lambda ? "ServiceUnavailableException" : "ServiceUnavailable",
                            "Injected: service unavailable");
    case Fault::none:
    case Fault::reset:
    case Fault::lost: break;
  }
  return make_api_error(500, "InternalFailure", "no such fault");
}

// Signature refusals are worded by protocol family: S3's REST-XML, the query services'
// (CloudFormation, STS, IAM, CloudWatch), and the JSON ones (Lambda, Logs).
SignatureDialect signature_dialect(WireProtocol protocol) {
  switch (protocol) {
    case WireProtocol::rest_xml: return SignatureDialect::s3;
    case WireProtocol::query: return SignatureDialect::query;
    case WireProtocol::rest_json: return SignatureDialect::rest_json;
    case WireProtocol::json_1_0:
    case WireProtocol::json_1_1:
    case WireProtocol::rpc_v2_cbor: break;
  }
  return SignatureDialect::json;
}

}  // namespace

ServiceRouter::ServiceRouter(RouterOptions options, FaultInjector* faults, Clock& clock)
    : m_options(std::move(options)), m_faults(faults), m_clock(clock) {}

void ServiceRouter::add_service(const std::string& name, Service& service, ServiceInfo info) {
  m_services[name] = Entry{&service, std::move(info)};
}

std::string ServiceRouter::account_for(const std::string& access_key) const {
  if (is_account_id(access_key)) return access_key;
  if (!access_key.empty() && m_options.account_for_access_key) {
    if (auto account = m_options.account_for_access_key(access_key)) return *account;
  }
  return m_options.default_account;
}

std::string ServiceRouter::service_of_unsigned(const HttpRequest& request) const {
  if (LambdaApi::owns_path(request.raw_path)) return "lambda";
  WireProtocol protocol = detect_wire_protocol(request);
  if (protocol == WireProtocol::query) {
    std::string action = QueryRequest(request).action();
    for (const auto& [name, entry] : m_services) {
      const auto& actions = entry.info.query_actions;
      if (std::find(actions.begin(), actions.end(), action) != actions.end()) return name;
    }
    return m_services.count("cloudformation") ? "cloudformation" : "";
  }
  std::optional<std::string> prefix;
  if (auto target = parse_json_rpc_target(request.header("X-Amz-Target"))) prefix = target->prefix;
  else if (auto cbor = parse_cbor_rpc_path(request.raw_path)) prefix = cbor->service;
  if (prefix) {
    for (const auto& [name, entry] : m_services) {
      const auto& prefixes = entry.info.json_target_prefixes;
      if (std::find(prefixes.begin(), prefixes.end(), *prefix) != prefixes.end()) return name;
    }
    return "";
  }
  return m_services.count("s3") ? "s3" : "";
}

HttpResponse ServiceRouter::error_for(const Entry* entry, const HttpRequest& request, const ApiError& error,
                                      const std::string& request_id) const {
  WireProtocol protocol = detect_wire_protocol(request);
  if (!entry) return error_for_protocol(protocol, error, request_id);
  switch (entry->info.protocol) {
    case WireProtocol::rest_json: return rest_json_error(error, request_id);
    case WireProtocol::rest_xml: {
      HttpResponse r = rest_xml_error(error, request_id, request.method == "HEAD");
      r.set_header("x-amz-request-id", request_id);
      return r;
    }
    default: break;
  }
  if (protocol == WireProtocol::query) return query_error(error, request_id, entry->info.xmlns);
  HttpResponse response = error_for_protocol(protocol, error, request_id);
  if (entry->info.query_compatible) add_query_error_header(response, error);
  return response;
}

std::optional<HttpResponse> ServiceRouter::injected_fault(const Entry* entry, const HttpRequest& request,
                                                          const std::string& request_id, bool& lose_response) const {
  if (!m_faults || !m_faults->enabled()) return std::nullopt;
  Fault fault = m_faults->next_request_fault();
  lose_response = fault == Fault::lost;
  if (fault == Fault::none || fault == Fault::lost) return std::nullopt;
  if (fault == Fault::reset) {
    HttpResponse r;
    r.reset_connection = true;
    return r;
  }
  WireProtocol protocol = entry ? entry->info.protocol : WireProtocol::rest_json;
  return error_for(entry, request, fault_error(fault, protocol), request_id);
}

HttpResponse ServiceRouter::handle(const HttpRequest& request) {
  std::string request_id = random_uuid();
  auto auth = parse_sigv4_authorization(request);
  // Package downloads (GetFunction Code.Location) are plain URLs, never signed or faulted.
  bool code_download = starts_with(request.raw_path, "/_lambda-cd/code/");
  std::string service = code_download ? "lambda" : auth ? auth->service : service_of_unsigned(request);
  auto it = m_services.find(service);
  const Entry* entry = it == m_services.end() ? nullptr : &it->second;
  bool lose_response = false;
  if (!code_download) {
    if (auto fault = injected_fault(entry, request, request_id, lose_response)) return *fault;
    if (m_options.verify_signatures) {
      auto skew = service == "lambda" ? k_lambda_skew : k_other_skew;
      WireProtocol protocol = entry ? entry->info.protocol : detect_wire_protocol(request);
      if (auto ok = verify_signature(request, auth, m_options.credentials, m_clock.now(), skew,
                                     signature_dialect(protocol));
          !ok) {
        return error_for(entry, request, ok.error(), request_id);
      }
    }
  }
  if (!entry) {
    ApiError e = service.empty()
                     ? make_api_error(404, "UnknownOperationException",
                                      "No service matches " + request.method + " " + request.raw_path)
                     : make_api_error(400, "UnknownServiceException",
                                      "Service '" + service + "' is not served by lambda-cd local");
    return error_for(nullptr, request, e, request_id);
  }
  RequestContext context;
  context.request_id = request_id;
  context.region = auth && !auth->region.empty() ? auth->region : m_options.default_region;
  context.access_key = auth ? auth->access_key : std::string();
  context.account_id = account_for(context.access_key);
  context.host = request.header("Host");
  context.protocol = entry->info.protocol == WireProtocol::rest_json || entry->info.protocol == WireProtocol::rest_xml
                         ? entry->info.protocol
                         : detect_wire_protocol(request);
  if (context.protocol == WireProtocol::query) {
    // Query services keep form values in documents that must be UTF-8 (a stack's parameters, a
    // metric's dimensions): a value that is not is refused here, before anything is stored.
    QueryRequest form(request);
    for (const auto& [name, value] : form.pairs()) {
      if (is_valid_utf8(name) && is_valid_utf8(value)) continue;
      std::string what = is_valid_utf8(name) ? "The value of parameter " + name : "A parameter name";
      return error_for(entry, request,
                       make_api_error(400, "InvalidParameterValue", what + " is not valid UTF-8."), request_id);
    }
  }
  HttpResponse response = entry->service->handle(request, context);
  if (lose_response) {
    response = HttpResponse{};
    response.reset_connection = true;
  }
  return response;
}

}  // namespace lcd::local
