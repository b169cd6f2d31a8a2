#include "local/protocol/error_response.hpp"

#include <nlohmann/json.hpp>

#include <set>

#include "local/protocol/cbor_rpc.hpp"
#include "local/protocol/xml_writer.hpp"
#include "util/encoding.hpp"

namespace lcd::local {
namespace {

// Lambda exception shapes whose modeled member is "Message"; the rest use "message" (aws-api-notes §1.1).
bool uses_capital_message(const std::string& code) {
  static const std::set<std::string> capital = {
      "ResourceNotFoundException", "ServiceException", "InvalidRuntimeException", "InvalidZipFileException",
      "InvalidSignatureException", "UnrecognizedClientException", "UnknownOperationException",
      "AccessDeniedException", "ServiceUnavailableException"};
  return capital.count(code) > 0 || code.rfind("EC2", 0) == 0 || code.rfind("KMS", 0) == 0 ||
         code.rfind("EFS", 0) == 0 || code.rfind("CodeSigning", 0) == 0;
}

void add_retry_after(HttpResponse& response, const ApiError& error) {
  if (error.retry_after_s >= 0) response.set_header("Retry-After", std::to_string(error.retry_after_s));
}

}  // namespace

HttpResponse rest_json_error(const ApiError& error, std::string_view request_id) {
  HttpResponse response;
  response.status = error.status;
  response.set_header("x-amzn-ErrorType", error.code);
  response.set_header("x-amzn-RequestId", std::string(request_id));
  nlohmann::json body;
  body["Type"] = error.status >= 500 ? "Service" : "User";
  const char* member = uses_capital_message(error.code) ? "Message" : "message";
  if (error.null_message) {
    body[member] = nullptr;
  } else {
    body[member] = error.message;
  }
  if (!error.reason.empty()) body["Reason"] = error.reason;
  for (const auto& [name, value] : error.extra) body[name] = value;
  add_retry_after(response, error);
  response.body = body.dump();
  response.content_type = "application/json";
  return response;
}

HttpResponse rest_xml_error(const ApiError& error, std::string_view request_id, bool head) {
  HttpResponse response;
  response.status = error.status;
  response.content_type = "application/xml";
  add_retry_after(response, error);
  if (head) return response;
  XmlWriter x;
  x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  x.open("Error").leaf("Code", error.code).leaf("Message", error.message);
  for (const auto& [name, value] : error.extra) x.leaf(name, value);
  x.leaf("RequestId", request_id).leaf("HostId", base64_encode(std::string(request_id))).close("Error");
  response.body = x.str();
  return response;
}

HttpResponse query_error(const ApiError& error, std::string_view request_id, std::string_view xmlns) {
  HttpResponse response;
  response.status = error.status;
  response.content_type = "text/xml";
  response.set_header("x-amzn-RequestId", std::string(request_id));
  add_retry_after(response, error);
  XmlWriter x;
  x.raw("<ErrorResponse xmlns=\"").raw(xmlns).raw("\">");
  x.open("Error").leaf("Type", error.fault_type()).leaf("Code", error.code).leaf("Message", error.message);
  for (const auto& [name, value] : error.extra) x.leaf(name, value);
  x.close("Error").leaf("RequestId", request_id).close("ErrorResponse");
  response.body = x.str();
  return response;
}

HttpResponse json_rpc_error(const ApiError& error, std::string_view request_id, WireProtocol protocol) {
  HttpResponse response;
  response.status = error.status;
  response.content_type =
      protocol == WireProtocol::json_1_0 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
  response.set_header("x-amzn-RequestId", std::string(request_id));
  add_retry_after(response, error);
  nlohmann::json body;
  body["__type"] = error.code;
  body["message"] = error.message;
  for (const auto& [name, value] : error.extra) body[name] = value;
  response.body = body.dump();
  return response;
}

void add_query_error_header(HttpResponse& response, const ApiError& error) {
  response.set_header("x-amzn-query-error", error.code + ";" + error.fault_type());
}

HttpResponse error_for_protocol(WireProtocol protocol, const ApiError& error, std::string_view request_id) {
  switch (protocol) {
    case WireProtocol::query: return query_error(error, request_id, "https://lambda-cd.local/doc/");
    case WireProtocol::json_1_0:
    case WireProtocol::json_1_1: return json_rpc_error(error, request_id, protocol);
    case WireProtocol::rpc_v2_cbor: return cbor_rpc_error(error, request_id);
    case WireProtocol::rest_xml: return rest_xml_error(error, request_id);
    case WireProtocol::rest_json: break;
  }
  return rest_json_error(error, request_id);
}

}  // namespace lcd::local
