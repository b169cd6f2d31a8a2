#include "clients/xml_reader.hpp"

#include <cstdint>

namespace lcd::clients {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view doc) : m_doc(doc) {}

  Result<XmlElement> document() {
    if (starts("\xEF\xBB\xBF")) m_pos += 3;
    if (auto r = skip_misc(); !r) return fail(r.error());
    if (!starts("<")) return error("expected the root element");
    XmlElement root;
    if (auto r = element(root, 1); !r) return fail(r.error());
    if (auto r = skip_misc(); !r) return fail(r.error());
    if (m_pos != m_doc.size()) return error("content after the root element");
    return root;
  }

 private:
  tl::unexpected<Error> error(const std::string& what) const {
    return fail(ErrorKind::invalid, "malformed XML at byte " + std::to_string(m_pos) + ": " + what);
  }
  bool starts(std::string_view s) const { return m_doc.substr(m_pos, s.size()) == s; }
  bool at_end() const { return m_pos >= m_doc.size(); }
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
  static bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
  }
  void skip_space() {
    while (!at_end() && is_space(m_doc[m_pos])) ++m_pos;
  }

  // Whitespace, comments, processing instructions (the XML declaration) and a DOCTYPE without
  // an internal subset, before or after the root.
  Result<void> skip_misc() {
    for (;;) {
      skip_space();
      if (starts("<?")) {
        if (auto r = skip_past("?>"); !r) return r;
      } else if (starts("<!--")) {
        if (auto r = skip_past("-->"); !r) return r;
      } else if (starts("<!DOCTYPE")) {
        auto end = m_doc.find('>', m_pos);
        if (end == std::string_view::npos || m_doc.substr(m_pos, end - m_pos).find('[') != std::string_view::npos) {
          return error("DOCTYPE declarations with an internal subset are not accepted");
        }
        m_pos = end + 1;
      } else {
        return {};
      }
    }
  }

  Result<void> skip_past(std::string_view terminator) {
    auto end = m_doc.find(terminator, m_pos);
    if (end == std::string_view::npos) return error("unterminated '" + std::string(m_doc.substr(m_pos, 4)) + "'");
    m_pos = end + terminator.size();
    return {};
  }

  Result<std::string> name() {
    size_t start = m_pos;
    while (!at_end() && is_name_char(m_doc[m_pos])) ++m_pos;
    if (m_pos == start) return error("expected a name");
    return std::string(m_doc.substr(start, m_pos - start));
  }

  static std::string local_name(const std::string& qualified) {
    auto colon = qualified.find(':');
    return colon == std::string::npos ? qualified : qualified.substr(colon + 1);
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // At '&': decodes one reference into `out`.
  Result<void> reference(std::string& out) {
    auto semi = m_doc.find(';', m_pos);
    if (semi == std::string_view::npos || semi - m_pos > 12) return error("unterminated entity reference");
    std::string_view ref = m_doc.substr(m_pos + 1, semi - m_pos - 1);
    if (ref == "lt") out += '<';
    else if (ref == "gt") out += '>';
    else if (ref == "amp") out += '&';
    else if (ref == "quot") out += '"';
    else if (ref == "apos") out += '\'';
    else if (ref.size() >= 2 && ref[0] == '#') {
      const bool hex = ref[1] == 'x' || ref[1] == 'X';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) return error("empty character reference");
      uint32_t cp = 0;
      for (char c : digits) {
        int v;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else return error("bad character reference '&" + std::string(ref) + ";'");
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
        if (cp > 0x10FFFF) return error("character reference out of range");
      }
      if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF)) return error("character reference out of range");
      append_utf8(out, cp);
    } else {
      return error("unknown entity '&" + std::string(ref) + ";'");
    }
    m_pos = semi + 1;
    return {};
  }

  Result<void> attributes(XmlElement& e) {
    for (;;) {
      skip_space();
      if (at_end()) return error("unterminated start tag <" + e.name + ">");
      if (m_doc[m_pos] == '>' || starts("/>")) return {};
      auto attr_name = name();
      if (!attr_name) return fail(attr_name.error());
      skip_space();
      if (at_end() || m_doc[m_pos] != '=') return error("expected '=' after attribute " + *attr_name);
      ++m_pos;
      skip_space();
      if (at_end() || (m_doc[m_pos] != '"' && m_doc[m_pos] != '\'')) return error("expected a quoted value");
      const char quote = m_doc[m_pos++];
      std::string value;
      for (;;) {
        if (at_end()) return error("unterminated attribute value");
        char c = m_doc[m_pos];
        if (c == quote) {
          ++m_pos;
          break;
        }
        if (c == '<') return error("'<' in an attribute value");
        if (c == '&') {
          if (auto r = reference(value); !r) return r;
        } else {
          value += c;
          ++m_pos;
        }
      }
      e.attributes.emplace_back(local_name(*attr_name), std::move(value));
    }
  }

  // At '<' of a start tag.
  Result<void> element(XmlElement& e, int depth) {
    if (depth > k_xml_max_depth) return error("elements nested deeper than " + std::to_string(k_xml_max_depth));
    ++m_pos;
    auto qualified = name();
    if (!qualified) return fail(qualified.error());
    e.name = local_name(*qualified);
    if (auto r = attributes(e); !r) return r;
    if (starts("/>")) {
      m_pos += 2;
      return {};
    }
    ++m_pos;  // '>'
    for (;;) {
      if (at_end()) return error("unterminated element <" + *qualified + ">");
      const char c = m_doc[m_pos];
      if (c == '<') {
        if (starts("</")) {
          m_pos += 2;
          auto closing = name();
          if (!closing) return fail(closing.error());
          if (*closing != *qualified) return error("</" + *closing + "> closes <" + *qualified + ">");
          skip_space();
          if (at_end() || m_doc[m_pos] != '>') return error("expected '>' after </" + *closing);
          ++m_pos;
          return {};
        }
        if (starts("<!--")) {
          if (auto r = skip_past("-->"); !r) return r;
          continue;
        }
        if (starts("<![CDATA[")) {
          auto end = m_doc.find("]]>", m_pos);
          if (end == std::string_view::npos) return error("unterminated CDATA section");
          e.text.append(m_doc.substr(m_pos + 9, end - m_pos - 9));
          m_pos = end + 3;
          continue;
        }
        if (starts("<?")) {
          if (auto r = skip_past("?>"); !r) return r;
          continue;
        }
        if (starts("<!")) return error("declarations are not accepted inside elements");
        XmlElement child;
        if (auto r = element(child, depth + 1); !r) return r;
        e.children.push_back(std::move(child));
      } else if (c == '&') {
        if (auto r = reference(e.text); !r) return r;
      } else {
        e.text += c;
        ++m_pos;
      }
    }
  }

  std::string_view m_doc;
  size_t m_pos = 0;
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

Result<XmlElement> parse_xml(std::string_view document) { return Parser(document).document(); }


}  // namespace lcd::clients
