// util/xml_document: any bytes -> a tree or an error; the tree is walked to its leaves.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "util/xml_document.hpp"

namespace {
size_t walk(const lcd::XmlElement& e, int depth) {
  if (depth > lcd::k_xml_max_depth) __builtin_trap();  // the parser's bound was not kept
  size_t n = e.name.size() + e.text.size() + e.attributes.size();
  for (const auto& c : e.children) n += walk(c, depth + 1);
  return n;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto doc = lcd::parse_xml(std::string_view(reinterpret_cast<const char*>(data), size));
  if (doc) {
    (void)walk(*doc, 1);
    (void)doc->find({"a", "b"});
    (void)doc->members("x");
  }
  return 0;
}
