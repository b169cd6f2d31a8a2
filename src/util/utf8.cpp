#include "util/utf8.hpp"

#include <cstdint>

namespace lcd {

size_t utf8_sequence_length(std::string_view text, size_t at) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(text[k]); };
  uint8_t c = byte(at);
  size_t extra = 0;
  uint8_t low = 0x80, high = 0xbf;  // the range of the byte after the lead
  if (c < 0x80) extra = 0;
  else if (c >= 0xc2 && c <= 0xdf) extra = 1;
  else if (c == 0xe0) extra = 2, low = 0xa0;
  else if (c >= 0xe1 && c <= 0xef) extra = 2, high = c == 0xed ? 0x9f : 0xbf;
  else if (c == 0xf0) extra = 3, low = 0x90;
  else if (c >= 0xf1 && c <= 0xf3) extra = 3;
  else if (c == 0xf4) extra = 3, high = 0x8f;
  else return 0;
  if (text.size() - at <= extra) return 0;
  for (size_t k = 1; k <= extra; ++k) {
    uint8_t next = byte(at + k);
    if (k == 1 ? (next < low || next > high) : (next < 0x80 || next > 0xbf)) return 0;
  }
  return extra + 1;
}

std::string utf8_with_latin1_fallback(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (size_t n = utf8_sequence_length(text, i); n > 0) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    auto c = static_cast<uint8_t>(text[i++]);  // >= 0x80: ASCII always starts a sequence
    out += static_cast<char>(0xc0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3f));
  }
  return out;
}

}  // namespace lcd
