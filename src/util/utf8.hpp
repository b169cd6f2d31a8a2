#pragma once
// UTF-8 sequences (RFC 3629) one at a time, for validating and repairing text.

#include <cstddef>
#include <string>
#include <string_view>

namespace lcd {

// Length of the UTF-8 sequence starting at text[at]; 0 when none starts there (a stray
// continuation byte, an overlong form, a surrogate, beyond U+10FFFF, or cut off by the end).
size_t utf8_sequence_length(std::string_view text, size_t at);

// `text` with each byte that starts no UTF-8 sequence taken as the Latin-1 character of that value
// (0x85 becomes U+0085, "\xC2\x85"); valid UTF-8 comes back unchanged.
std::string utf8_with_latin1_fallback(std::string_view text);

}  // namespace lcd
