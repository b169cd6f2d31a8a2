#include "clients/query_protocol.hpp"

#include "util/encoding.hpp"

namespace lcd::clients {

std::string build_query_body(const std::string& action, const std::string& version, const QueryParams& params) {
  std::string body = "Action=" + uri_encode(action) + "&Version=" + uri_encode(version);
  for (const auto& [name, value] : params) body += "&" + uri_encode(name) + "=" + uri_encode(value);
  return body;
}

aws::ServiceRequest query_request(const std::string& service, const std::string& version, const std::string& action,
                                  const QueryParams& params) {
  aws::ServiceRequest r;
  r.service = service;
  r.protocol = aws::Protocol::query_xml;
  r.method = "POST";
  r.path = "/";
  r.operation = action;
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.body = build_query_body(action, version, params);
  return r;
}

Result<XmlElement> parse_query_result(std::string_view xml, std::string_view action, std::string_view service) {
  auto doc = parse_xml(xml);
  if (!doc) return fail(doc.error());
  const std::string response_name = std::string(action) + "Response";
  if (doc->name != response_name) {
    return fail(ErrorKind::invalid, "unexpected " + std::string(service) + " response: <" + doc->name +
                                        "> instead of <" + response_name + ">");
  }
  const XmlElement* result = doc->child(std::string(action) + "Result");
  if (!result) return XmlElement{};
  return *result;
}

}  // namespace lcd::clients
