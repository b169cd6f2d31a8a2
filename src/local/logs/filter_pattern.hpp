#pragma once
// CloudWatch Logs filter patterns for unstructured text (aws-api-notes-2 §15.3): "" matches every
// event; `ERROR Exception` needs both terms; `?ERROR ?WARN` either; `-DEBUG` excludes;
// `"Task timed out"` is one phrase; `%regex%` a regular expression (ECMAScript syntax standing in
// for CloudWatch's restricted one). Terms match case-sensitively anywhere in the message. JSON
// (`{ $.level = … }`) and space-delimited (`[ip, user, …]`) patterns are refused with a message
// saying so. Pure.

#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.hpp"

namespace lcd::local::logs {

class FilterPattern {
 public:
  // The reason the pattern is not accepted, when it is not.
  static tl::expected<FilterPattern, std::string> parse(std::string_view pattern);
  bool matches(std::string_view message) const;

 private:
  std::vector<std::string> m_required;
  std::vector<std::string> m_any;  // at least one of these when not empty
  std::vector<std::string> m_excluded;
  std::shared_ptr<std::regex> m_regex;
};

}  // namespace lcd::local::logs
