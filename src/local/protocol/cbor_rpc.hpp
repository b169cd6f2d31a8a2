#pragma once
// Smithy RPC v2 CBOR (CloudWatch for the SDKs that prefer it; aws-api-notes-2 §14.1, §14.8):
// `POST /service/<ServiceShape>/operation/<Operation>` with `Smithy-Protocol: rpc-v2-cbor` and a
// CBOR map of the input's members. Requests decode to the same JSON document the JSON protocols
// give (timestamps, sent as tag 1 + epoch seconds, become plain epoch seconds); responses encode an
// RPC document (rpc_document.hpp) with its timestamps tagged again, as clients require.

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "local/protocol/api_error.hpp"
#include "local/protocol/http_types.hpp"

namespace lcd::local {

struct CborRpcTarget {
  std::string service;    // "GraniteServiceVersion20100801"
  std::string operation;  // "GetMetricData"
};

// From "/service/<service>/operation/<operation>"; nullopt for any other path.
std::optional<CborRpcTarget> parse_cbor_rpc_path(std::string_view raw_path);

// The input document: a CBOR map (definite or indefinite lengths, half/single/double floats, tags
// dropped, null members left out); an empty body is an empty input. Anything else is a 400
// SerializationException naming what was wrong.
ApiResult<nlohmann::json> decode_cbor_request(std::string_view body);

// CBOR of an RPC document: definite-length maps and arrays, integers as major types 0/1, other
// numbers float64, rpc_timestamp as tag 1 + epoch seconds (an integer when whole).
std::string encode_cbor_document(const nlohmann::json& document);

// 200 with the encoded document, `Smithy-Protocol: rpc-v2-cbor`, `Content-Type: application/cbor`.
HttpResponse cbor_rpc_response(const nlohmann::json& document, std::string_view request_id);

// The error shape of RPC v2 CBOR: a map {"__type": code, "message": …} (plus ApiError::extra).
HttpResponse cbor_rpc_error(const ApiError& error, std::string_view request_id);

}  // namespace lcd::local
