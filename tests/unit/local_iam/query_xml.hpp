#pragma once
// Reading query-protocol responses in the IAM and STS tests: the text of an element, every
// <member> of a list, and a form-encoded POST to hand a service.

#include <string>
#include <utility>
#include <vector>

#include "local/protocol/http_types.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::testing {

inline std::string xml_unescape(std::string text) {
  for (auto [entity, c] : {std::pair{"&apos;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    text = replace_all(text, entity, c);
  }
  return text;
}

// The unescaped text of the first <tag>…</tag> in `xml` at or after `from`, or "" when absent.
inline std::string element(const std::string& xml, const std::string& tag, size_t from = 0) {
  auto start = xml.find("<" + tag + ">", from);
  if (start == std::string::npos) return {};
  start += tag.size() + 2;
  auto end = xml.find("</" + tag + ">", start);
  if (end == std::string::npos) return {};
  return xml_unescape(xml.substr(start, end - start));
}

// Every <tag> text in `xml`, in order.
inline std::vector<std::string> elements(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = xml.find("<" + tag + ">", pos)) != std::string::npos) {
    out.push_back(element(xml, tag, pos));
    pos += tag.size() + 2;
  }
  return out;
}

// "k=v&k2=v2" with each value percent-encoded, as clients send query-protocol forms.
inline std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + "=" + uri_encode(v);
  }
  return out;
}

inline HttpRequest form_post(const std::string& body) {
  HttpRequest r;
  r.method = "POST";
  r.raw_path = r.path = "/";
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  r.body = body;
  return r;
}

}  // namespace lcd::local::testing
