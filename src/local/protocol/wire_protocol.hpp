#pragma once
// The AWS wire protocols the endpoint speaks, and which one a request uses (aws-api-notes-2 §14.1):
// form-encoded `Action=` bodies are the query protocol, `X-Amz-Target` with
// application/x-amz-json-1.0|1.1 is JSON-RPC, `Smithy-Protocol: rpc-v2-cbor` is RPC v2 CBOR, and
// anything else is one of the REST protocols (the service knows which).

#include <string_view>

#include "local/protocol/http_types.hpp"

namespace lcd::local {

enum class WireProtocol { rest_json, rest_xml, query, json_1_0, json_1_1, rpc_v2_cbor };

WireProtocol detect_wire_protocol(const HttpRequest& request);

// "query", "json-1.0", ... for logs and messages.
std::string_view wire_protocol_name(WireProtocol protocol);

}  // namespace lcd::local
