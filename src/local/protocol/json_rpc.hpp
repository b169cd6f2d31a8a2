#pragma once
// JSON 1.0/1.1 RPC (CloudWatch Logs `Logs_20140328.<Op>`, CloudWatch for boto3
// `GraniteServiceVersion20100801.<Op>`): the operation comes from X-Amz-Target, the input is the
// JSON body, the output a JSON body with the protocol's content type.

#include <optional>
#include <string>
#include <string_view>

#include "local/protocol/http_types.hpp"
#include "local/protocol/wire_protocol.hpp"

namespace lcd::local {

struct JsonRpcTarget {
  std::string prefix;     // "Logs_20140328"
  std::string operation;  // "PutLogEvents"
};

// From "Prefix.Operation"; nullopt when the header is missing or has no dot.
std::optional<JsonRpcTarget> parse_json_rpc_target(std::string_view x_amz_target);

// 200 with `json_body` and the content type of `protocol` (json_1_0 or json_1_1).
HttpResponse json_rpc_response(std::string json_body, std::string_view request_id, WireProtocol protocol);

}  // namespace lcd::local
