#include "aws/redaction.hpp"

#include "aws/body_source.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::aws {

bool is_sensitive_header(std::string_view name) {
  return iequals(name, "authorization") || iequals(name, "proxy-authorization") ||
         iequals(name, "x-amz-security-token") || iequals(name, "cookie") || iequals(name, "set-cookie");
}

bool is_sensitive_query_param(std::string_view name) {
  return iequals(name, "x-amz-signature") || iequals(name, "x-amz-credential") ||
         iequals(name, "x-amz-security-token");
}

std::string redact_url(std::string_view url) {
  size_t question = url.find('?');
  if (question == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, question + 1));
  size_t fragment = url.find('#', question);
  std::string_view query = url.substr(question + 1, fragment == std::string_view::npos ? std::string_view::npos
                                                                                       : fragment - question - 1);
  bool first = true;
  for (const std::string& pair : split(query, '&')) {
    if (!first) out.push_back('&');
    first = false;
    size_t eq = pair.find('=');
    std::string raw_name = pair.substr(0, eq);
    std::string name = uri_decode(raw_name, true).value_or(raw_name);
    if (eq != std::string::npos && is_sensitive_query_param(name)) {
      out.append(raw_name).append("=").append(k_redacted);
    } else {
      out.append(pair);
    }
  }
  if (fragment != std::string_view::npos) out.append(url.substr(fragment));
  return out;
}

std::string redact_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets)
    if (secret.size() >= k_min_secret_size) text = replace_all(std::move(text), secret, k_redacted);
  return text;
}

std::string redact_header_value(std::string_view name, std::string_view value) {
  if (!is_sensitive_header(name)) return std::string(value);
  // A SigV4 Authorization keeps its algorithm, key id, scope and signed headers (which key and region
  // signed is what one debugs); only the signature goes.
  if (iequals(name, "authorization") && starts_with(value, "AWS4-HMAC-SHA256 ")) {
    size_t signature = value.find("Signature=");
    if (signature != std::string_view::npos) return std::string(value.substr(0, signature)) + "Signature=" + k_redacted;
  }
  return k_redacted;
}

std::string format_request_log(const HttpRequest& request) {
  std::string out = request.method + " " + redact_url(request.url);
  for (const auto& [name, value] : request.headers)
    out.append("\n  ").append(name).append(": ").append(redact_header_value(name, value));
  uint64_t size = request.body_source ? request.body_source->size() : request.body.size();
  out.append("\n  (body: ").append(std::to_string(size)).append(" bytes)");
  return out;
}

std::string format_response_log(const HttpResponse& response) {
  std::string out = "HTTP " + std::to_string(response.status);
  for (const auto& [name, value] : response.headers)
    out.append("\n  ").append(name).append(": ").append(is_sensitive_header(name) ? k_redacted : value);
  out.append("\n  (body: ").append(std::to_string(response.body.size())).append(" bytes)");
  return out;
}

}  // namespace lcd::aws
