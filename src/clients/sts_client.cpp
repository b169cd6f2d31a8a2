#include "clients/sts_client.hpp"

#include "util/xml_document.hpp"

namespace lcd::clients {

Result<CallerIdentity> StsClient::get_caller_identity() {
  aws::ServiceRequest r;
  r.service = "sts";
  r.protocol = aws::Protocol::query_xml;
  r.method = "POST";
  r.path = "/";
  r.operation = "GetCallerIdentity";
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.body = std::string("Action=GetCallerIdentity&Version=") + k_sts_api_version;
  auto response = m_caller.call(r);
  if (!response) return fail(response.error());
  return parse_get_caller_identity(response->body);
}

Result<CallerIdentity> parse_get_caller_identity(std::string_view xml) {
  auto doc = parse_xml(xml);
  if (!doc) return fail(doc.error());
  if (doc->name != "GetCallerIdentityResponse") {
    return fail(ErrorKind::invalid, "unexpected STS response: <" + doc->name + "> instead of <GetCallerIdentityResponse>");
  }
  const XmlElement* result = doc->child("GetCallerIdentityResult");
  if (!result) return fail(ErrorKind::invalid, "GetCallerIdentity: response has no GetCallerIdentityResult");
  CallerIdentity out;
  out.account = result->child_text("Account");
  out.arn = result->child_text("Arn");
  out.user_id = result->child_text("UserId");
  if (out.account.empty() || out.arn.empty()) {
    return fail(ErrorKind::invalid, "GetCallerIdentity: response lacks Account or Arn");
  }
  return out;
}

}  // namespace lcd::clients
