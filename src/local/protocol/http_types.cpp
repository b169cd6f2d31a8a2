#include "local/protocol/http_types.hpp"

#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local {

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

bool HttpRequest::has_header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return true;
  }
  return false;
}

std::string HttpRequest::query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return {};
}

bool HttpRequest::has_query_param(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return true;
  }
  return false;
}

std::vector<std::string> HttpRequest::query_params(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : query) {
    if (key == name) out.push_back(value);
  }
  return out;
}

void HttpResponse::set_header(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (iequals(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

QueryList parse_query_string(std::string_view raw_query) {
  QueryList out;
  if (raw_query.empty()) return out;
  for (const auto& part : split(raw_query, '&')) {
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string key = eq == std::string::npos ? part : part.substr(0, eq);
    std::string value = eq == std::string::npos ? std::string() : part.substr(eq + 1);
    auto dk = uri_decode(key, true);
    auto dv = uri_decode(value, true);
    out.emplace_back(dk ? *dk : key, dv ? *dv : value);
  }
  return out;
}

}  // namespace lcd::local
