#pragma once
// Who a request is from and where it goes, decided once by the router for every service: the
// region and account that own whatever the request touches (aws-api-notes-2 intro: every service
// takes region and account from the request), the request id it is answered under, and the Host
// it arrived on (for URLs that point back at this endpoint).

#include <string>

#include "local/protocol/http_types.hpp"
#include "local/protocol/wire_protocol.hpp"

namespace lcd::local {

struct RequestContext {
  std::string region = "us-east-1";
  // A 12-digit access key id acts as that account (as LocalStack does); otherwise the endpoint's
  // --account-id, or the account an STS session was issued for.
  std::string account_id = "000000000000";
  std::string access_key;  // from the SigV4 scope; empty for unsigned requests
  std::string request_id;
  std::string host;  // Host header
  WireProtocol protocol = WireProtocol::rest_json;
};

// One AWS service on the endpoint's port. Called concurrently from the server's worker threads;
// never throws (every failure is an answer in the service's own error shape).
class Service {
 public:
  virtual ~Service() = default;
  virtual HttpResponse handle(const HttpRequest& request, const RequestContext& context) = 0;
};

}  // namespace lcd::local
