#include "aws/error_parser.hpp"

#include <array>
#include <charconv>

#include <nlohmann/json.hpp>

#include "util/strings.hpp"
#include "util/xml_document.hpp"

namespace lcd::aws {
namespace {

std::string header_value(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers)
    if (iequals(key, name)) return value;
  return "";
}

std::string reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "HTTP " + std::to_string(status);
  }
}

// botocore: code.split(':', 1)[0].rsplit('#', 1)[-1]
std::string clean_code(std::string_view code) {
  code = trim(code);
  code = code.substr(0, code.find(':'));
  size_t hash = code.rfind('#');
  if (hash != std::string_view::npos) code = code.substr(hash + 1);
  return std::string(code);
}

bool looks_like_html_or_empty(std::string_view body) {
  std::string_view t = trim(body);
  return t.empty() || starts_with(to_lower(t.substr(0, 14)), "<html") || starts_with(to_lower(t.substr(0, 14)), "<!doctype");
}

void parse_json_error(const HeaderList& headers, std::string_view body, Error& error) {
  std::string code = header_value(headers, "x-amzn-ErrorType");
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    auto text = [&](const char* key) -> std::string {
      auto it = json.find(key);
      return it != json.end() && it->is_string() ? it->get<std::string>() : "";
    };
    if (code.empty()) code = text("__type");
    if (code.empty()) code = text("code");
    if (code.empty()) code = text("Code");
    // "Type" is User/Service in Lambda bodies, not the code; used only when nothing else names it.
    if (code.empty()) {
      std::string type = text("Type");
      if (!type.empty() && type != "User" && type != "Service") code = type;
    }
    error.message = text("message");
    if (error.message.empty()) error.message = text("Message");
    if (error.message.empty()) error.message = text("errorMessage");
  }
  error.code = clean_code(code);
}

// S3: <Error><Code/><Message/><RequestId/></Error>; query: <ErrorResponse><Error>..</Error><RequestId/>
// </ErrorResponse>; EC2-style: <Response><Errors><Error>..</Error></Errors><RequestID/></Response>.
// A body that is not XML leaves the fields empty (the status then names the error).
void parse_xml_error(std::string_view body, Error& error) {
  auto doc = parse_xml(body);
  if (!doc) return;
  const XmlElement* e = doc->name == "Error" ? &*doc : doc->child("Error");
  if (!e) {
    if (const XmlElement* errors = doc->child("Errors")) e = errors->child("Error");
  }
  if (e) {
    error.code = clean_code(e->child_text("Code"));
    error.message = e->child_text("Message");
  }
  for (const XmlElement* at : {e, static_cast<const XmlElement*>(&*doc)}) {
    if (!at || !error.request_id.empty()) continue;
    error.request_id = at->child_text("RequestId");
    if (error.request_id.empty()) error.request_id = at->child_text("RequestID");
  }
}

}  // namespace

bool is_throttling_code(std::string_view code) {
  static constexpr std::array<std::string_view, 14> k_codes = {
      "Throttling",          "ThrottlingException",          "ThrottledException",
      "RequestThrottledException", "TooManyRequestsException", "ProvisionedThroughputExceededException",
      "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
      "LimitExceededException", "RequestThrottled",         "SlowDown",
      "PriorRequestNotComplete", "EC2ThrottledException"};
  for (std::string_view c : k_codes)
    if (c == code) return true;
  return false;
}

long parse_retry_after_ms(std::string_view value) {
  value = trim(value);
  if (value.empty()) return -1;
  long seconds = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc() || end != value.data() + value.size() || seconds < 0) return -1;
  return seconds * 1000;
}

ErrorKind classify_error(int status, std::string_view code, std::string_view message) {
  if (is_throttling_code(code) || status == 429) return ErrorKind::throttled;
  if (code == "ResourceNotFoundException" || code == "NoSuchKey" || code == "NoSuchBucket" ||
      code == "NoSuchUpload" || code == "NotFound")
    return ErrorKind::not_found;
  if (code == "ValidationError" && message.find("does not exist") != std::string_view::npos)
    return ErrorKind::not_found;
  if (code == "ResourceConflictException" || code == "ResourceInUseException" || code == "AlreadyExistsException" ||
      code == "BucketAlreadyExists" || code == "BucketAlreadyOwnedByYou" || code == "OperationAbortedException")
    return ErrorKind::conflict;
  if (code == "PreconditionFailedException" || code == "PreconditionFailed") return ErrorKind::precondition;
  if (code == "InvalidSignatureException" || code == "UnrecognizedClientException" || code == "ExpiredToken" ||
      code == "ExpiredTokenException" || code == "SignatureDoesNotMatch" || code == "AccessDenied" ||
      code == "AccessDeniedException" || code == "InvalidClientTokenId" || code == "MissingAuthenticationToken" ||
      code == "MissingAuthenticationTokenException" || code == "RequestTimeTooSkewed" || code == "InvalidAccessKeyId")
    return ErrorKind::auth;
  if (status == 404) return ErrorKind::not_found;
  if (status == 409) return ErrorKind::conflict;
  if (status == 412) return ErrorKind::precondition;
  if (status == 401 || status == 403) return ErrorKind::auth;
  if (status >= 500) return ErrorKind::server;
  return ErrorKind::invalid;
}

Error parse_error_response(Protocol protocol, int status, const HeaderList& headers, std::string_view body,
                           std::string_view method) {
  Error error;
  error.http_status = status;
  error.request_id = header_value(headers, "x-amzn-RequestId");
  if (error.request_id.empty()) error.request_id = header_value(headers, "x-amz-request-id");
  error.retry_after_ms = parse_retry_after_ms(header_value(headers, "Retry-After"));

  if (status >= 500 && looks_like_html_or_empty(body) && header_value(headers, "x-amzn-ErrorType").empty()) {
    error.code = std::to_string(status);
    error.message = reason_phrase(status);
  } else {
    switch (protocol) {
      case Protocol::rest_json:
        parse_json_error(headers, body, error);
        break;
      case Protocol::query_xml:
        // An endpoint that does not serve the service may answer in JSON whatever the protocol.
        if (starts_with(trim(body), "{")) parse_json_error(headers, body, error);
        else parse_xml_error(body, error);
        break;
      case Protocol::rest_xml:
        if (trim(body).empty() || iequals(method, "HEAD")) {
          error.code = std::to_string(status);
          error.message = reason_phrase(status);
        } else {
          parse_xml_error(body, error);
        }
        break;
    }
  }
  if (error.code.empty()) error.code = std::to_string(status);
  if (error.message.empty()) error.message = reason_phrase(status);
  // A bucket in another region than the request was signed for (aws-api-notes-2 §17.3): say where it is.
  if (protocol == Protocol::rest_xml && (status == 301 || status == 400)) {
    std::string bucket_region = header_value(headers, "x-amz-bucket-region");
    if (!bucket_region.empty() && error.message.find(bucket_region) == std::string::npos) {
      error.message += " (the bucket is in region " + bucket_region +
                       "; S3 bucket names are global, so a bucket of another region cannot serve this one)";
    }
  }
  error.kind = classify_error(status, error.code, error.message);
  return error;
}

}  // namespace lcd::aws
