#pragma once
// Ordered name/value pairs (S3 object headers and checksums, IAM tags) as the JSON text the
// endpoint's database keeps them in: [["name","value"], ...]. Pure.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lcd::local {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

std::string string_pairs_json(const StringPairs& pairs);

// The pairs of string_pairs_json's text; anything else (not JSON, not an array, an item that is
// not a pair of strings) contributes nothing.
StringPairs parse_string_pairs_json(std::string_view text);

}  // namespace lcd::local
