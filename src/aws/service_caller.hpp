#pragma once
// The seam between typed clients (lambda, cloudformation, s3) and the AWS request layer.
// A client builds a ServiceRequest; the caller resolves the endpoint, signs, sends with
// retries, and turns AWS-shaped error responses into lcd::Error (kind, code, status, request id).

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>


#include "util/result.hpp"

namespace lcd::aws {

class BodySource;  // aws/body_source.hpp

enum class Protocol { rest_json, query_xml, rest_xml };

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ServiceRequest {
  std::string service;  // signing name and endpoint key: "lambda", "cloudformation", "s3"
  Protocol protocol = Protocol::rest_json;
  std::string method;   // "GET", "POST", ...
  std::string path;     // already percent-encoded, e.g. "/2015-03-31/functions/arn%3Aaws%3A..."
  std::vector<std::pair<std::string, std::string>> query;  // decoded names and values
  HeaderList headers;   // extra headers (Content-Type, X-Amz-Invocation-Type, ...)
  std::string body;
  std::string operation;  // for logs and errors, e.g. "PublishVersion"
  // Optional streamed body for large uploads; when set, `body` is ignored and `payload_hash`
  // (hex SHA-256 or "UNSIGNED-PAYLOAD") is signed as given (empty: hashed by reading the source once).
  std::shared_ptr<BodySource> body_source;
  std::string payload_hash;
  // false when repeating the request may act twice (Invoke): it is then retried only after errors
  // saying it was not acted on (throttling, endpoint unreachable).
  bool idempotent = true;
};

struct ServiceResponse {
  int status = 0;
  HeaderList headers;
  std::string body;
  // Case-insensitive header lookup; empty when absent.
  std::string header(std::string_view name) const;
};

class ServiceCaller {
 public:
  virtual ~ServiceCaller() = default;
  // A 2xx response is a value; anything else is an Error whose kind retry logic understands.
  virtual Result<ServiceResponse> call(const ServiceRequest& request) = 0;
};

}  // namespace lcd::aws
