#include "aws/aws_client.hpp"

#include "aws/body_source.hpp"
#include "aws/error_parser.hpp"
#include "aws/redaction.hpp"
#include "aws/terminal_prompt.hpp"
#include "sigv4/signer.hpp"
#include "util/crypto.hpp"
#include "util/duration.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::aws {

std::string encode_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out.push_back('&');
    out.append(uri_encode(name)).append("=").append(uri_encode(value));
  }
  return out;
}

AwsClient::AwsClient(AwsConfig config, std::shared_ptr<Transport> transport, AwsClientOptions options)
    : m_config(std::move(config)),
      m_transport(std::move(transport)),
      m_options(std::move(options)),
      m_clock(m_options.clock ? *m_options.clock : system_clock()),
      m_retry(m_options.retry, m_options.random ? m_options.random : default_random_source()) {}

void AwsClient::notify(CallEvent event) const {
  if (!m_options.observer) return;
  event.text = redact_secrets(std::move(event.text), m_config.secrets());
  m_options.observer(event);
}

Result<HttpRequest> AwsClient::build_signed_request(const ServiceRequest& request) {
  auto endpoint = m_config.endpoint_for(request.service);
  if (!endpoint) return fail(endpoint.error());
  auto credentials = m_config.current_credentials();
  if (!credentials) return fail(credentials.error());

  sigv4::SigningRequest to_sign;
  to_sign.method = request.method;
  to_sign.path = endpoint->base_path + (request.path.empty() ? "/" : request.path);
  to_sign.query = request.query;
  to_sign.headers.emplace_back("Host", endpoint->host_header());
  for (const auto& header : request.headers) {
    if (iequals(header.first, "host")) continue;
    to_sign.headers.push_back(header);
  }
  if (request.body_source) {
    if (!request.payload_hash.empty()) {
      to_sign.payload_hash = request.payload_hash;
    } else {
      auto hash = hash_body_source(*request.body_source);
      if (!hash) return fail(hash.error());
      to_sign.payload_hash = *hash;
    }
  } else {
    to_sign.payload_hash = request.payload_hash.empty() ? hex_encode(sha256(request.body)) : request.payload_hash;
  }

  // No credentials: an anonymous request (STS AssumeRoleWithWebIdentity, the SSO portal).
  sigv4::SigningResult signature;
  if (!credentials->access_key_id.empty()) {
    signature = sigv4::sign_headers(
        to_sign, sigv4::signing_params_for(*credentials, m_config.region, request.service, m_clock.now()));
  }

  HttpRequest http;
  http.method = request.method;
  http.url = endpoint->scheme + "://" + endpoint->host_header() + to_sign.path;
  if (!request.query.empty()) http.url += "?" + encode_query(request.query);
  http.headers = std::move(to_sign.headers);
  for (auto& header : signature.headers_to_add) http.headers.push_back(std::move(header));
  // Not signed (SigV4 signers leave User-Agent out), so proxies may rewrite it.
  if (!m_options.user_agent.empty()) http.headers.emplace_back("User-Agent", m_options.user_agent);
  if (request.body_source) http.body_source = request.body_source;
  else http.body = request.body;
  return http;
}

Result<std::string> AwsClient::presign_url(const ServiceRequest& request, std::chrono::seconds expires) {
  if (expires.count() < 1 || expires.count() > 604800)
    return fail(ErrorKind::invalid, "presigned URL expiry must be 1 to 604800 seconds");
  auto endpoint = m_config.endpoint_for(request.service);
  if (!endpoint) return fail(endpoint.error());
  auto credentials = m_config.current_credentials();
  if (!credentials) return fail(credentials.error());
  sigv4::SigningRequest to_sign;
  to_sign.method = request.method;
  to_sign.path = endpoint->base_path + (request.path.empty() ? "/" : request.path);
  to_sign.query = request.query;
  to_sign.headers.emplace_back("Host", endpoint->host_header());
  to_sign.payload_hash = request.service == "s3" ? sigv4::k_unsigned_payload : hex_encode(sha256(request.body));
  sigv4::SigningParams params =
      sigv4::signing_params_for(*credentials, m_config.region, request.service, m_clock.now());
  params.expires = expires;
  sigv4::SigningResult signature = sigv4::presign_query(to_sign, params);
  std::vector<std::pair<std::string, std::string>> query = request.query;
  for (auto& param : signature.query_to_add) query.push_back(std::move(param));
  return endpoint->scheme + "://" + endpoint->host_header() + to_sign.path + "?" + encode_query(query);
}

Result<std::unique_ptr<AwsClient>> make_aws_client(const AwsConfigOptions& config_options,
                                                   AwsClientOptions client_options,
                                                   const TransportOptions& transport_options) {
  std::shared_ptr<Transport> transport = make_curl_transport(transport_options);
  CredentialIo io;
  io.env = process_environment();
  io.files = real_files();
  io.transport = transport;
  // Instance and container metadata answer in milliseconds or not at all (not on EC2/ECS): 1 s to
  // connect, 2 s in all, as the SDKs.
  TransportOptions metadata_options;
  metadata_options.connect_timeout = std::chrono::milliseconds(1000);
  metadata_options.total_timeout = std::chrono::milliseconds(2000);
  metadata_options.max_idle_handles = 1;
  io.metadata_transport = make_curl_transport(metadata_options);
  io.clock = client_options.clock;
  io.mfa_prompt = terminal_mfa_prompt();
  auto config = resolve_aws_config(config_options, io);
  if (!config) return fail(config.error());
  return std::make_unique<AwsClient>(std::move(*config), std::move(transport), std::move(client_options));
}

Result<ServiceResponse> AwsClient::call(const ServiceRequest& request) {
  const std::string label = request.operation.empty() ? request.service + " " + request.method : request.operation;
  bool retried = false;
  bool last_retry_was_network = false;
  const auto started = m_clock.monotonic();
  for (int attempt = 1;; ++attempt) {
    auto http = build_signed_request(request);
    if (!http) {
      Error error = http.error();
      error.message = label + ": " + error.message;
      return fail(std::move(error));
    }
    notify({CallEvent::Type::request, request.service, request.operation, attempt, 0, {}, format_request_log(*http)});

    Error error;
    auto response = m_transport->send(*http);
    if (response) {
      notify({CallEvent::Type::response, request.service, request.operation, attempt, response->status, {},
              format_response_log(*response)});
      if (response->status >= 200 && response->status < 300) {
        m_retry.on_success(retried, last_retry_was_network);
        return ServiceResponse{response->status, std::move(response->headers), std::move(response->body)};
      }
      error = parse_error_response(request.protocol, response->status, response->headers, response->body,
                                   request.method);
    } else {
      error = response.error();
    }
    error.message = redact_secrets(std::move(error.message), m_config.secrets());

    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.monotonic() - started);
    auto delay = m_retry.next_delay(error, attempt, elapsed, request.idempotent);
    if (!delay) {
      std::string tries;
      if (attempt > 1) tries = " (after " + std::to_string(attempt) + " attempts";
      if (attempt > 1 && m_retry.options().budget.count() > 0) {
        tries += " in " + format_duration(elapsed);
        if (is_retryable(error) && !error.unreachable && (request.idempotent || is_safe_to_repeat(error)))
          tries += ", the retry budget of " + format_duration(m_retry.options().budget) + " spent";
      }
      if (!tries.empty()) tries += ")";
      if (!request.idempotent && is_retryable(error) && !is_safe_to_repeat(error))
        tries += " (not retried: repeating " + label + " could run it twice)";
      std::string context = label + tries;
      notify({CallEvent::Type::failure, request.service, request.operation, attempt, error.http_status, {},
              context + ": " + error.describe()});
      if (error.http_status == 0) error.message = context + ": " + error.message;
      else error.message += tries;
      return fail(std::move(error));
    }
    notify({CallEvent::Type::retry, request.service, request.operation, attempt, error.http_status, *delay,
            label + ": " + error.describe() + "; retrying in " + std::to_string(delay->count()) + " ms", elapsed});
    retried = true;
    last_retry_was_network = error.http_status == 0;
    m_clock.sleep_for(*delay);
  }
}

}  // namespace lcd::aws
