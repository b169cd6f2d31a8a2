#pragma once
// Typed STS operations (query protocol: form-encoded POST, XML responses, apiVersion 2011-06-15;
// aws-api-notes-2 §16) over aws::ServiceCaller. Signed for service "sts" in the configured region,
// sent to that region's endpoint (sts.<region>.amazonaws.com) unless one is configured.

#include <string>
#include <string_view>

#include "aws/service_caller.hpp"
#include "util/result.hpp"

namespace lcd::clients {

inline constexpr const char* k_sts_api_version = "2011-06-15";

struct CallerIdentity {
  std::string account;  // 12 digits, leading zeros kept
  std::string arn;      // arn:aws:iam::<account>:user/<name>, arn:aws:sts::<account>:assumed-role/<role>/<session>, ...
  std::string user_id;
};

class StsClient {
 public:
  explicit StsClient(aws::ServiceCaller& caller) : m_caller(caller) {}

  // Who the credentials belong to. Needs no permission.
  Result<CallerIdentity> get_caller_identity();

 private:
  aws::ServiceCaller& m_caller;
};

// The GetCallerIdentityResponse body (pure). Errors (invalid) name what is missing.
Result<CallerIdentity> parse_get_caller_identity(std::string_view xml);

}  // namespace lcd::clients
