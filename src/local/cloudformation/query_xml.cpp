#include "local/cloudformation/query_xml.hpp"

namespace lcd::local::cloudformation {


XmlWriter& XmlWriter::open(std::string_view tag) {
  m_out += '<';
  m_out += tag;
  m_out += '>';
  return *this;
}

XmlWriter& XmlWriter::close(std::string_view tag) {
  m_out += "</";
  m_out += tag;
  m_out += '>';
  return *this;
}

XmlWriter& XmlWriter::leaf(std::string_view tag, std::string_view text) {
  open(tag);
  m_out += xml_escape(text);
  return close(tag);
}

XmlWriter& XmlWriter::optional_leaf(std::string_view tag, std::string_view text) {
  if (!text.empty()) leaf(tag, text);
  return *this;
}

std::string query_response(std::string_view operation, std::string_view result_body, std::string_view request_id,
                           bool empty_result) {
  std::string op(operation);
  std::string out = "<" + op + "Response xmlns=\"" + k_cfn_xmlns + "\">";
  if (!empty_result) out += "<" + op + "Result>" + std::string(result_body) + "</" + op + "Result>";
  out += "<ResponseMetadata><RequestId>" + xml_escape(request_id) + "</RequestId></ResponseMetadata>";
  out += "</" + op + "Response>";
  return out;
}

std::string query_error(std::string_view type, std::string_view code, std::string_view message,
                        std::string_view request_id) {
  std::string out = "<ErrorResponse xmlns=\"" + std::string(k_cfn_xmlns) + "\"><Error>";
  out += "<Type>" + xml_escape(type) + "</Type>";
  out += "<Code>" + xml_escape(code) + "</Code>";
  out += "<Message>" + xml_escape(message) + "</Message>";
  out += "</Error><RequestId>" + xml_escape(request_id) + "</RequestId></ErrorResponse>";
  return out;
}

}  // namespace lcd::local::cloudformation
