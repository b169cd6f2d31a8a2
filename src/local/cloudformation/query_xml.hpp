#pragma once
// XML for the CloudFormation query protocol (aws-api-notes §8, §13.5): an element writer, the
// <{Op}Response><{Op}Result>…</{Op}Result><ResponseMetadata/></{Op}Response> envelope and the
// <ErrorResponse> body. Pure.

#include <string>
#include <string_view>
#include "util/encoding.hpp"

namespace lcd::local::cloudformation {

inline constexpr const char* k_cfn_xmlns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

class XmlWriter {
 public:
  XmlWriter& open(std::string_view tag);
  XmlWriter& close(std::string_view tag);
  // <tag>escaped text</tag>
  XmlWriter& leaf(std::string_view tag, std::string_view text);
  // Only when `text` is not empty.
  XmlWriter& optional_leaf(std::string_view tag, std::string_view text);
  const std::string& str() const { return m_out; }

 private:
  std::string m_out;
};

using lcd::xml_escape;  // util/encoding.hpp

// `result_body` is the inner XML of <{Op}Result>; empty_result omits the Result element (DeleteStack).
std::string query_response(std::string_view operation, std::string_view result_body, std::string_view request_id,
                           bool empty_result = false);

// type "Sender" for 4xx, "Receiver" for 5xx.
std::string query_error(std::string_view type, std::string_view code, std::string_view message,
                        std::string_view request_id);

}  // namespace lcd::local::cloudformation
