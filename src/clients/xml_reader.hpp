#pragma once
// A small, strict XML reader for the response shapes of the query (CloudFormation) and REST-XML
// (S3) protocols: elements, attributes, text, CDATA, the five named entities and character
// references. No DTDs, no external entities, no namespaces beyond dropping a prefix ("s3:Key" is
// read as "Key"). Bytes in -> a tree or an error naming the offset; nothing else.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"
#include "util/encoding.hpp"

namespace lcd::clients {

struct XmlElement {
  std::string name;  // local name, any "prefix:" removed
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // concatenated character data directly inside this element, entities decoded
  std::vector<XmlElement> children;

  // First child with this local name; nullptr when absent.
  const XmlElement* child(std::string_view child_name) const;
  // Every child with this local name, in document order.
  std::vector<const XmlElement*> children_named(std::string_view child_name) const;
  // Text of the first child with this name; empty when absent.
  std::string child_text(std::string_view child_name) const;
  // Follows a path of child names ("DescribeStacksResult", "Stacks"); nullptr when any is absent.
  const XmlElement* find(std::initializer_list<std::string_view> path) const;
  // The "member" children of the child `list_name` (query-protocol lists); empty when absent.
  std::vector<const XmlElement*> members(std::string_view list_name) const;
};

// Deeper nesting than this is rejected (bounded recursion on hostile input).
inline constexpr int k_xml_max_depth = 64;

// Parses one document; the root element is returned. Errors are ErrorKind::invalid.
Result<XmlElement> parse_xml(std::string_view document);

using lcd::xml_escape;  // util/encoding.hpp

}  // namespace lcd::clients
