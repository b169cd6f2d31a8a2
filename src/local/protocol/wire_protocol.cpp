#include "local/protocol/wire_protocol.hpp"

#include "util/strings.hpp"

namespace lcd::local {

WireProtocol detect_wire_protocol(const HttpRequest& request) {
  if (iequals(request.header("Smithy-Protocol"), "rpc-v2-cbor")) return WireProtocol::rpc_v2_cbor;
  std::string content_type = to_lower(request.header("Content-Type"));
  if (request.has_header("X-Amz-Target")) {
    return starts_with(content_type, "application/x-amz-json-1.0") ? WireProtocol::json_1_0 : WireProtocol::json_1_1;
  }
  if (starts_with(content_type, "application/x-amz-json-1.0")) return WireProtocol::json_1_0;
  if (starts_with(content_type, "application/x-amz-json-1.1")) return WireProtocol::json_1_1;
  if (starts_with(content_type, "application/x-www-form-urlencoded") && request.method == "POST") {
    return WireProtocol::query;
  }
  if (request.method == "GET" && request.raw_path == "/" && request.has_query_param("Action")) {
    return WireProtocol::query;
  }
  return WireProtocol::rest_json;
}

std::string_view wire_protocol_name(WireProtocol protocol) {
  switch (protocol) {
    case WireProtocol::rest_json: return "rest-json";
    case WireProtocol::rest_xml: return "rest-xml";
    case WireProtocol::query: return "query";
    case WireProtocol::json_1_0: return "json-1.0";
    case WireProtocol::json_1_1: return "json-1.1";
    case WireProtocol::rpc_v2_cbor: return "rpc-v2-cbor";
  }
  return "unknown";
}

}  // namespace lcd::local
