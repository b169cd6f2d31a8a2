#include "local/protocol/xml_writer.hpp"

#include "util/encoding.hpp"

namespace lcd::local {

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

XmlWriter& XmlWriter::raw(std::string_view xml) {
  m_out += xml;
  return *this;
}

std::string query_response_xml(std::string_view operation, std::string_view result_body, std::string_view request_id,
                               std::string_view xmlns, bool empty_result) {
  std::string op(operation);
  std::string out = "<" + op + "Response xmlns=\"" + std::string(xmlns) + "\">";
  if (!empty_result) out += "<" + op + "Result>" + std::string(result_body) + "</" + op + "Result>";
  out += "<ResponseMetadata><RequestId>" + xml_escape(request_id) + "</RequestId></ResponseMetadata>";
  out += "</" + op + "Response>";
  return out;
}

}  // namespace lcd::local
