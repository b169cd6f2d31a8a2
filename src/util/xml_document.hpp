#pragma once
// XML documents as a small tree: elements with their namespace URI and local name, attributes,
// text (entities, character references and CDATA decoded). Parsing is expat's (the one .cpp that
// includes it); documents with a DOCTYPE are refused, so no entity expansion and no external
// resources. Bytes in -> a tree or an ErrorKind::invalid error naming the line and column.

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/result.hpp"

namespace lcd {

struct XmlElement {
  std::string name;  // local name ("Key" for <s3:Key>)
  std::string ns;    // namespace URI; empty when the element is in no namespace
  // Attributes by local name, in document order. Namespace declarations (xmlns, xmlns:p) are not
  // attributes: they show up as the `ns` of the elements they govern.
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;  // character data directly inside this element, concatenated
  std::vector<XmlElement> children;

  // First child with this local name (any namespace); nullptr when absent.
  const XmlElement* child(std::string_view child_name) const;
  // Every child with this local name, in document order.
  std::vector<const XmlElement*> children_named(std::string_view child_name) const;
  // Text of the first child with this name; empty when absent.
  std::string child_text(std::string_view child_name) const;
  // Value of the attribute with this local name; empty when absent.
  std::string attribute(std::string_view attribute_name) const;
  // Follows a path of child names ("DescribeStacksResult", "Stacks"); nullptr when any is absent.
  const XmlElement* find(std::initializer_list<std::string_view> path) const;
  // The "member" children of the child `list_name` (query-protocol lists); empty when absent.
  std::vector<const XmlElement*> members(std::string_view list_name) const;
};

// Deeper nesting than this is rejected (bounded recursion for everything that walks the tree).
inline constexpr int k_xml_max_depth = 64;

// Parses one document and returns its root element.
Result<XmlElement> parse_xml(std::string_view document);

}  // namespace lcd
