#pragma once
// The AWS shared config/credentials file format: "[section]" headers, "key = value" lines,
// full-line comments starting with '#' or ';', and indented sub-properties (s3 =\n  key = v).

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lcd::aws {

using IniSection = std::map<std::string, std::string>;

struct IniFile {
  std::map<std::string, IniSection> sections;  // section names trimmed, as written ("profile dev")
  const IniSection* find(const std::string& section) const;
};

// Keys are trimmed and lowercased (the SDKs treat them case-insensitively); values are trimmed, may be
// empty, and lose an inline comment introduced by whitespace + '#' or ';'. Indented lines under a key with
// an empty value become "<key>.<subkey>". Errors (kind invalid) name `source` and the line number.
Result<IniFile> parse_ini(std::string_view text, std::string_view source);

// The section holding `profile`: "[profile x]" in the config file (or "[default]" for default),
// "[x]" in the credentials file.
enum class IniKind { config, credentials };
const IniSection* find_profile(const IniFile& file, const std::string& profile, IniKind kind);

}  // namespace lcd::aws
