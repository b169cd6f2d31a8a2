#include "local/protocol/json_rpc.hpp"

namespace lcd::local {

std::optional<JsonRpcTarget> parse_json_rpc_target(std::string_view x_amz_target) {
  auto dot = x_amz_target.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == x_amz_target.size()) return std::nullopt;
  return JsonRpcTarget{std::string(x_amz_target.substr(0, dot)), std::string(x_amz_target.substr(dot + 1))};
}

HttpResponse json_rpc_response(std::string json_body, std::string_view request_id, WireProtocol protocol) {
  HttpResponse response;
  response.status = 200;
  response.content_type =
      protocol == WireProtocol::json_1_0 ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
  response.set_header("x-amzn-RequestId", std::string(request_id));
  response.body = std::move(json_body);
  return response;
}

}  // namespace lcd::local
