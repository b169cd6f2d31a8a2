#include "aws/ini_file.hpp"

#include "util/strings.hpp"

namespace lcd::aws {

const IniSection* IniFile::find(const std::string& section) const {
  auto it = sections.find(section);
  return it == sections.end() ? nullptr : &it->second;
}

namespace {

std::string_view strip_inline_comment(std::string_view value) {
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && (value[i - 1] == ' ' || value[i - 1] == '\t'))
      return trim(value.substr(0, i));
  }
  return value;
}

}  // namespace

Result<IniFile> parse_ini(std::string_view text, std::string_view source) {
  IniFile file;
  IniSection* current = nullptr;
  std::string parent_key;  // the last key with an empty value, for indented sub-properties
  size_t line_number = 0;
  for (const std::string& raw : split(text, '\n')) {
    ++line_number;
    std::string_view line = raw;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view content = trim(line);
    if (content.empty() || content[0] == '#' || content[0] == ';') continue;
    auto error = [&](const std::string& what) {
      return fail(ErrorKind::invalid, std::string(source) + ":" + std::to_string(line_number) + ": " + what);
    };
    const bool indented = line[0] == ' ' || line[0] == '\t';
    if (content[0] == '[') {
      size_t close = content.find(']');
      if (close == std::string_view::npos) return error("section header has no closing ']'");
      std::string name(trim(content.substr(1, close - 1)));
      if (name.empty()) return error("empty section name");
      current = &file.sections[name];
      parent_key.clear();
      continue;
    }
    if (!current) return error("'" + std::string(content) + "' appears before any [section]");
    size_t eq = content.find('=');
    if (eq == std::string_view::npos) return error("expected 'key = value', got '" + std::string(content) + "'");
    std::string key = to_lower(trim(content.substr(0, eq)));
    if (key.empty()) return error("empty key");
    std::string value(strip_inline_comment(trim(content.substr(eq + 1))));
    if (indented && !parent_key.empty()) {
      (*current)[parent_key + "." + key] = value;
      continue;
    }
    parent_key = value.empty() ? key : "";
    (*current)[key] = value;
  }
  return file;
}

const IniSection* find_profile(const IniFile& file, const std::string& profile, IniKind kind) {
  if (kind == IniKind::credentials) return file.find(profile);
  if (const IniSection* section = file.find("profile " + profile)) return section;
  return profile == "default" ? file.find("default") : nullptr;
}

}  // namespace lcd::aws
