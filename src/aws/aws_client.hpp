#pragma once
// The ServiceCaller for real AWS (and any AWS-compatible endpoint): resolves the endpoint of
// request.service, signs with SigV4 (Host with port), sends through a Transport, retries in
// standard mode and turns error responses into lcd::Error.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "aws/aws_config.hpp"
#include "aws/retry_strategy.hpp"
#include "aws/service_caller.hpp"
#include "aws/transport.hpp"
#include "util/clock.hpp"

namespace lcd::aws {

// What the client reports while it works; `text` is already redacted (safe for --verbose).
struct CallEvent {
  enum class Type { request, response, retry, failure };
  Type type = Type::request;
  std::string service;
  std::string operation;
  int attempt = 1;
  int status = 0;                    // response / failure
  std::chrono::milliseconds delay{0};  // retry: the wait before the next attempt
  std::string text;
  std::chrono::milliseconds elapsed{0};  // retry: time since the call's first attempt started
};
using CallObserver = std::function<void(const CallEvent&)>;

struct AwsClientOptions {
  RetryOptions retry;
  RandomSource random;       // empty: default_random_source()
  Clock* clock = nullptr;    // empty: system_clock(); signs with now() and sleeps between attempts
  CallObserver observer;     // optional
  std::string user_agent = "lambda-cd/0.1";
};

class AwsClient final : public ServiceCaller {
 public:
  AwsClient(AwsConfig config, std::shared_ptr<Transport> transport, AwsClientOptions options = {});

  Result<ServiceResponse> call(const ServiceRequest& request) override;

  // One signed attempt's HTTP request (signed at clock.now()).
  Result<HttpRequest> build_signed_request(const ServiceRequest& request);

  // A presigned URL (query form) for the request, valid for `expires` (1 s .. 7 days). Headers other
  // than Host are not signed; S3 uses UNSIGNED-PAYLOAD, other services the hash of request.body.
  Result<std::string> presign_url(const ServiceRequest& request, std::chrono::seconds expires);

  const AwsConfig& config() const { return m_config; }
  RetryStrategy& retry_strategy() { return m_retry; }

 private:
  void notify(CallEvent event) const;

  AwsConfig m_config;
  std::shared_ptr<Transport> m_transport;
  AwsClientOptions m_options;
  Clock& m_clock;
  RetryStrategy m_retry;
};

// Resolves the configuration from the process environment and ~/.aws files and sends over libcurl.
Result<std::unique_ptr<AwsClient>> make_aws_client(const AwsConfigOptions& config_options,
                                                   AwsClientOptions client_options = {},
                                                   const TransportOptions& transport_options = {});

// The query string as sent: names and values percent-encoded with the SigV4 unreserved set, in order.
std::string encode_query(const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace lcd::aws
