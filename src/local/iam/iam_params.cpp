#include "local/iam/iam_params.hpp"

#include <set>

#include "local/iam/iam_errors.hpp"
#include "util/strings.hpp"

namespace lcd::local::iam {

ApiResult<std::string> required_param(const QueryRequest& q, const std::string& name, const std::string& field) {
  if (!q.has(name)) {
    return api_fail(validation_error("1 validation error detected: Value null at '" + field +
                                     "' failed to satisfy constraint: Member must not be null"));
  }
  return q.get(name);
}

ApiResult<int> max_items_param(const QueryRequest& q) {
  auto n = integer_param(q.get("MaxItems"), "maxItems", 1, 1000, 100);
  if (!n) return api_fail(n.error());
  return static_cast<int>(*n);
}

bool bool_param(const QueryRequest& q, const std::string& name) { return iequals(q.get(name), "true"); }

ApiResult<void> check_tags(const Tags& tags) {
  if (tags.size() > 50) {
    return api_fail(constraint_error("[...]", "tags", "Member must have length less than or equal to 50"));
  }
  std::set<std::string> keys;
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128) {
      return api_fail(constraint_error(key, "tags.member.key", key.empty() ? "Member must have length greater than or equal to 1"
                                                                           : "Member must have length less than or equal to 128"));
    }
    if (value.size() > 256) {
      return api_fail(constraint_error(value, "tags.member.value", "Member must have length less than or equal to 256"));
    }
    if (!keys.insert(to_lower(key)).second) {
      return api_fail(invalid_input("Duplicate tag keys found. Please note that Tag keys are case insensitive."));
    }
  }
  return {};
}

ApiResult<Tags> tags_param(const QueryRequest& q, const std::string& name) {
  Tags tags;
  for (const auto& fields : q.structs(name)) {
    auto key = fields.find("Key");
    auto value = fields.find("Value");
    tags.emplace_back(key == fields.end() ? std::string() : key->second,
                      value == fields.end() ? std::string() : value->second);
  }
  if (auto ok = check_tags(tags); !ok) return api_fail(ok.error());
  return tags;
}

ApiResult<void> check_description(const std::string& description, const std::string& field) {
  if (description.size() > 1000) {
    return api_fail(constraint_error(description, field, "Member must have length less than or equal to 1000"));
  }
  return {};
}

ApiResult<void> check_max_session(int seconds) {
  if (seconds < 3600 || seconds > 43200) {
    return api_fail(constraint_error(std::to_string(seconds), "maxSessionDuration",
                                     seconds < 3600 ? "Member must have value greater than or equal to 3600"
                                                    : "Member must have value less than or equal to 43200"));
  }
  return {};
}

ApiResult<void> check_document_text(const std::string& document, const std::string& field) {
  if (document.empty()) {
    return api_fail(constraint_error(document, field, "Member must have length greater than or equal to 1"));
  }
  if (document.size() > 131072) {
    return api_fail(constraint_error("...", field, "Member must have length less than or equal to 131072"));
  }
  for (unsigned char c : document) {
    // The model's [\u0009\u000A\u000D\u0020-\u00FF]+: UTF-8 continuation bytes are let through
    // here and the JSON parser judges the text.
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return api_fail(constraint_error("...", field,
                                       "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"));
    }
  }
  return {};
}

}  // namespace lcd::local::iam
