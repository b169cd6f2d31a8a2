#pragma once
// The AWS query protocol as clients send it (CloudFormation, CloudWatch): a form-encoded POST of
// "Action=X&Version=V&name=value..." and an XML <XResponse><XResult>...</XResult></XResponse>
// answer. Lists are "Name.member.N"; nested members are dotted paths.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/service_caller.hpp"
#include "util/xml_document.hpp"
#include "util/result.hpp"

namespace lcd::clients {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// "Action=X&Version=V&k=v..." with every name and value percent-encoded (RFC 3986 unreserved set).
std::string build_query_body(const std::string& action, const std::string& version, const QueryParams& params);

// A POST / of that body for `service` (the SigV4 signing name and endpoint key).
aws::ServiceRequest query_request(const std::string& service, const std::string& version, const std::string& action,
                                  const QueryParams& params);

// The <{action}Result> element of a response; an empty element when the result is absent (an
// operation with no output, or an empty list). `service` names the service in errors.
Result<XmlElement> parse_query_result(std::string_view xml, std::string_view action, std::string_view service);

}  // namespace lcd::clients
