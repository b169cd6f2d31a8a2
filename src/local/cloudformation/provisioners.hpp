#pragma once
// What CloudFormation needs from the other services on the endpoint, called in-process.
//
// LambdaProvisioner performs one Lambda REST-JSON call (the same method/path/body a client would
// send, e.g. POST /2015-03-31/functions) and returns the status and JSON body; the stack engine
// builds those requests from resource properties. LambdaApiProvisioner adapts the endpoint's
// LambdaApi; tests can use a fake.

#include <string>

#include "local/lambda_api.hpp"

namespace lcd::local::cloudformation {

struct LambdaCall {
  std::string method;  // "GET", "POST", "PUT", "DELETE"
  std::string path;    // e.g. "/2015-03-31/functions/my-fn/aliases", segments already percent-encoded
  std::string query;   // raw query without '?', e.g. "Qualifier=3"
  std::string body;    // JSON text, or empty
  std::string region;      // the stack's region and account: where the function lives
  std::string account_id;
};

struct LambdaReply {
  int status = 0;
  std::string body;  // JSON text (the function configuration, the alias, or an AWS error)
};

class LambdaProvisioner {
 public:
  virtual ~LambdaProvisioner() = default;
  virtual LambdaReply call(const LambdaCall& call) = 0;
};

// Calls LambdaApi::handle directly (no HTTP, no signature), as the call's region and account.
class LambdaApiProvisioner final : public LambdaProvisioner {
 public:
  explicit LambdaApiProvisioner(LambdaApi& api) : m_api(api) {}
  LambdaReply call(const LambdaCall& call) override;

 private:
  LambdaApi& m_api;
};

}  // namespace lcd::local::cloudformation
