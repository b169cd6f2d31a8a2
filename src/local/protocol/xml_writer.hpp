#pragma once
// XML for the responses of the query and REST-XML protocols: an element writer and the query
// protocol's <{Op}Response><{Op}Result>…</{Op}Result><ResponseMetadata/></{Op}Response> envelope.
// Pure.

#include <string>
#include <string_view>

namespace lcd::local {

class XmlWriter {
 public:
  XmlWriter& open(std::string_view tag);
  XmlWriter& close(std::string_view tag);
  // <tag>escaped text</tag>
  XmlWriter& leaf(std::string_view tag, std::string_view text);
  // Only when `text` is not empty.
  XmlWriter& optional_leaf(std::string_view tag, std::string_view text);
  // Already-escaped XML, as is.
  XmlWriter& raw(std::string_view xml);
  const std::string& str() const { return m_out; }

 private:
  std::string m_out;
};

// `result_body` is the inner XML of <{Op}Result>; `empty_result` omits the Result element (as AWS
// does for operations without output, e.g. DeleteStack).
std::string query_response_xml(std::string_view operation, std::string_view result_body, std::string_view request_id,
                               std::string_view xmlns, bool empty_result = false);

}  // namespace lcd::local
