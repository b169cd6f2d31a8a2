#include "util/xml_document.hpp"

#include <expat.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <new>

namespace lcd {
namespace {

// expat joins a namespaced name as "<uri><sep><local>"; a byte no name or URI may contain.
constexpr char k_ns_separator = '\x01';

std::pair<std::string, std::string> split_name(const XML_Char* expat_name) {
  std::string_view full(expat_name);
  auto sep = full.rfind(k_ns_separator);
  if (sep == std::string_view::npos) return {std::string(), std::string(full)};
  return {std::string(full.substr(0, sep)), std::string(full.substr(sep + 1))};
}

struct ParserDeleter {
  void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};

class TreeBuilder {
 public:
  explicit TreeBuilder(XML_Parser parser) : m_parser(parser) {
    XML_SetUserData(parser, this);
    XML_SetElementHandler(parser, &TreeBuilder::on_start, &TreeBuilder::on_end);
    XML_SetCharacterDataHandler(parser, &TreeBuilder::on_text);
    XML_SetStartDoctypeDeclHandler(parser, &TreeBuilder::on_doctype);
  }

  Result<XmlElement> parse(std::string_view document) {
    // XML_Parse takes an int length: feed longer documents in pieces.
    constexpr size_t k_piece = INT_MAX / 2;
    do {
      const size_t n = std::min(document.size(), k_piece);
      const bool last = n == document.size();
      if (XML_Parse(m_parser, document.data(), static_cast<int>(n), last ? XML_TRUE : XML_FALSE) != XML_STATUS_OK) {
        return error();
      }
      document.remove_prefix(n);
    } while (!document.empty());
    if (!m_have_root) return fail(ErrorKind::invalid, "malformed XML: no root element");
    return std::move(m_root);
  }

 private:
  tl::unexpected<Error> error() const {
    std::string where = "malformed XML at line " + std::to_string(XML_GetCurrentLineNumber(m_parser)) + " column " +
                        std::to_string(XML_GetCurrentColumnNumber(m_parser) + 1) + ": ";
    if (!m_refusal.empty()) return fail(ErrorKind::invalid, where + m_refusal);
    return fail(ErrorKind::invalid, where + XML_ErrorString(XML_GetErrorCode(m_parser)));
  }

  void refuse(std::string why) {
    if (m_refusal.empty()) m_refusal = std::move(why);
    XML_StopParser(m_parser, XML_FALSE);
  }

  static void on_start(void* self_ptr, const XML_Char* name, const XML_Char** attributes) {
    auto* self = static_cast<TreeBuilder*>(self_ptr);
    try {
      if (self->m_open.size() >= static_cast<size_t>(k_xml_max_depth)) {
        self->refuse("elements nested deeper than " + std::to_string(k_xml_max_depth));
        return;
      }
      XmlElement* e;
      if (self->m_open.empty()) {
        self->m_have_root = true;
        e = &self->m_root;
      } else {
        e = &self->m_open.back()->children.emplace_back();
      }
      auto [ns, local] = split_name(name);
      e->ns = std::move(ns);
      e->name = std::move(local);
      for (size_t i = 0; attributes[i] && attributes[i + 1]; i += 2) {
        e->attributes.emplace_back(split_name(attributes[i]).second, attributes[i + 1]);
      }
      self->m_open.push_back(e);
    } catch (const std::bad_alloc&) {
      self->refuse("out of memory");
    }
  }

  static void on_end(void* self_ptr, const XML_Char*) {
    auto* self = static_cast<TreeBuilder*>(self_ptr);
    if (!self->m_open.empty()) self->m_open.pop_back();
  }

  static void on_text(void* self_ptr, const XML_Char* text, int length) {
    auto* self = static_cast<TreeBuilder*>(self_ptr);
    if (self->m_open.empty()) return;
    try {
      self->m_open.back()->text.append(text, static_cast<size_t>(length));
    } catch (const std::bad_alloc&) {
      self->refuse("out of memory");
    }
  }

  static void on_doctype(void* self_ptr, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<TreeBuilder*>(self_ptr)->refuse("DOCTYPE declarations are not accepted");
  }

  XML_Parser m_parser;
  XmlElement m_root;
  bool m_have_root = false;
  // Elements being filled, innermost last. The pointers stay valid: a vector of children grows
  // only when a new child opens, and by then every earlier child has closed and left this stack.
  std::vector<XmlElement*> m_open;
  std::string m_refusal;
};

}  // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const auto& c : children)
    if (c.name == child_name) return &c;
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::children_named(std::string_view child_name) const {
  std::vector<const XmlElement*> out;
  for (const auto& c : children)
    if (c.name == child_name) out.push_back(&c);
  return out;
}

std::string XmlElement::child_text(std::string_view child_name) const {
  const XmlElement* c = child(child_name);
  return c ? c->text : std::string();
}

std::string XmlElement::attribute(std::string_view attribute_name) const {
  for (const auto& [key, value] : attributes)
    if (key == attribute_name) return value;
  return std::string();
}

const XmlElement* XmlElement::find(std::initializer_list<std::string_view> path) const {
  const XmlElement* at = this;
  for (std::string_view step : path) {
    at = at->child(step);
    if (!at) return nullptr;
  }
  return at;
}

std::vector<const XmlElement*> XmlElement::members(std::string_view list_name) const {
  const XmlElement* list = child(list_name);
  return list ? list->children_named("member") : std::vector<const XmlElement*>{};
}

Result<XmlElement> parse_xml(std::string_view document) {
  std::unique_ptr<XML_ParserStruct, ParserDeleter> parser(XML_ParserCreateNS(nullptr, k_ns_separator));
  if (!parser) return fail(ErrorKind::internal, "cannot create an XML parser");
  return TreeBuilder(parser.get()).parse(document);
}

}  // namespace lcd
