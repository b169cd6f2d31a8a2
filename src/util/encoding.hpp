#pragma once
// Byte encodings: hex, base64, RFC 3986 percent-encoding.

#include <optional>
#include <string>
#include <string_view>

namespace lcd {

std::string hex_encode(std::string_view bytes);  // lowercase
std::string base64_encode(std::string_view bytes);
// Accepts standard alphabet with or without padding; ignores no characters. nullopt on bad input.
std::optional<std::string> base64_decode(std::string_view text);

// Percent-encodes every byte except the unreserved set A-Z a-z 0-9 - _ . ~ (uppercase hex).
// With keep_slash, '/' is also left as is (URI paths).
std::string uri_encode(std::string_view s, bool keep_slash = false);
// Escapes text for XML content and attribute values (& < > " '), writes CR as &#13; so it survives
// parsing, and replaces the control characters XML 1.0 forbids even escaped with '?'.
std::string xml_escape(std::string_view text);

// Decodes %XX sequences; with plus_as_space, '+' becomes ' ' (form encoding). nullopt on a bad escape.
std::optional<std::string> uri_decode(std::string_view s, bool plus_as_space = false);

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut off.
bool is_valid_utf8(std::string_view text);

}  // namespace lcd
