#pragma once
// The HTTP seam under AwsClient: a real libcurl implementation (curl_transport) and fakes in tests.

#include <chrono>
#include <memory>
#include <string>

#include "aws/service_caller.hpp"
#include "util/result.hpp"

namespace lcd::aws {

struct HttpRequest {
  std::string method;
  std::string url;      // absolute, already percent-encoded (path and query)
  HeaderList headers;   // sent as given (Host included; the transport adds nothing it is not told to)
  std::string body;     // ignored when body_source is set
  std::shared_ptr<BodySource> body_source;  // streamed, for large uploads
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;
  std::string body;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Any HTTP status is a value; only failures to exchange (connect, TLS, timeout, reset) are
  // errors, with kind network or timeout.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

struct TransportOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{120000};  // whole exchange, including a large upload
  size_t max_idle_handles = 8;                       // pooled easy handles (each keeps its connections)
};

// libcurl with a pool of easy handles, so connections (and TLS sessions) are reused across calls
// and threads. Thread-safe.
std::unique_ptr<Transport> make_curl_transport(const TransportOptions& options = {});

}  // namespace lcd::aws
