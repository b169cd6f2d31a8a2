#include "local/logs/filter_pattern.hpp"

#include <cctype>

namespace lcd::local::logs {

tl::expected<FilterPattern, std::string> FilterPattern::parse(std::string_view pattern) {
  FilterPattern out;
  size_t pos = 0;
  auto skip_space = [&] {
    while (pos < pattern.size() && std::isspace(static_cast<unsigned char>(pattern[pos]))) ++pos;
  };
  skip_space();
  if (pos < pattern.size() && (pattern[pos] == '{' || pattern[pos] == '[')) {
    return tl::unexpected(std::string("lambda-cd local supports term filter patterns (terms, \"phrases\", ?either, "
                                      "-excluded, %regex%), not JSON or space-delimited patterns"));
  }
  if (pos < pattern.size() && pattern[pos] == '%') {
    size_t end = pattern.rfind('%');
    if (end == pos) return tl::unexpected(std::string("the regular expression pattern has no closing %"));
    std::string expression(pattern.substr(pos + 1, end - pos - 1));
    try {
      out.m_regex = std::make_shared<std::regex>(expression, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return tl::unexpected("invalid regular expression %" + expression + "%: " + e.what());
    }
    pos = end + 1;
    skip_space();
    if (pos != pattern.size()) return tl::unexpected(std::string("a %regex% pattern must be the whole filter pattern"));
    return out;
  }
  while (pos < pattern.size()) {
    char kind = 0;
    if (pattern[pos] == '?' || pattern[pos] == '-') kind = pattern[pos++];
    std::string term;
    if (pos < pattern.size() && pattern[pos] == '"') {
      size_t end = pattern.find('"', pos + 1);
      if (end == std::string_view::npos) return tl::unexpected(std::string("the filter pattern has an unclosed quote"));
      term = std::string(pattern.substr(pos + 1, end - pos - 1));
      pos = end + 1;
    } else {
      size_t start = pos;
      while (pos < pattern.size() && !std::isspace(static_cast<unsigned char>(pattern[pos]))) ++pos;
      term = std::string(pattern.substr(start, pos - start));
    }
    if (!term.empty()) {
      if (kind == '?') out.m_any.push_back(term);
      else if (kind == '-') out.m_excluded.push_back(term);
      else out.m_required.push_back(term);
    }
    skip_space();
  }
  return out;
}

bool FilterPattern::matches(std::string_view message) const {
  if (m_regex) return std::regex_search(message.begin(), message.end(), *m_regex);
  for (const auto& t : m_required) {
    if (message.find(t) == std::string_view::npos) return false;
  }
  for (const auto& t : m_excluded) {
    if (message.find(t) != std::string_view::npos) return false;
  }
  if (m_any.empty()) return true;
  for (const auto& t : m_any) {
    if (message.find(t) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace lcd::local::logs
