#include "package/cfn_template.hpp"

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <regex>

#include "util/encoding.hpp"
#include "util/strings.hpp"
#include "util/utf8.hpp"

namespace lcd::package {
namespace {

using nlohmann::json;

Error template_error(std::string message) { return Error{ErrorKind::invalid, std::move(message)}; }

struct YamlError {
  std::string message;
};

// Tags whose value is wrapped as {"Fn::<Name>": value}.
const std::map<std::string, std::string>& function_tags() {
  static const std::map<std::string, std::string> tags = {
      {"!Base64", "Fn::Base64"},   {"!Cidr", "Fn::Cidr"},         {"!FindInMap", "Fn::FindInMap"},
      {"!GetAZs", "Fn::GetAZs"},   {"!ImportValue", "Fn::ImportValue"}, {"!Join", "Fn::Join"},
      {"!Select", "Fn::Select"},   {"!Split", "Fn::Split"},       {"!Sub", "Fn::Sub"},
      {"!Transform", "Fn::Transform"}, {"!And", "Fn::And"},       {"!Equals", "Fn::Equals"},
      {"!If", "Fn::If"},           {"!Not", "Fn::Not"},           {"!Or", "Fn::Or"},
      {"!Length", "Fn::Length"},   {"!ToJsonString", "Fn::ToJsonString"}, {"!GetAtt", "Fn::GetAtt"},
      {"!Ref", "Ref"},             {"!Condition", "Condition"}};
  return tags;
}

// A scalar's text. yaml-cpp decodes the escapes "\N" and "\_" (U+0085, U+00A0) to the single bytes
// 0x85 and 0xA0, not to UTF-8; the body was valid UTF-8, so such a byte starts no sequence, and
// reading it as Latin-1 gives the character YAML means.
std::string scalar_text(const YAML::Node& node) { return utf8_with_latin1_fallback(node.Scalar()); }

json plain_scalar(const std::string& text) {
  static const std::regex k_int(R"([-+]?[0-9]+)");
  static const std::regex k_float(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text == "null" || text == "Null" || text == "NULL" || text == "~" || text.empty()) return nullptr;
  if (std::regex_match(text, k_int)) {
    try {
      return std::stoll(text);
    } catch (const std::exception&) {
      return text;
    }
  }
  if (std::regex_match(text, k_float)) {
    try {
      return std::stod(text);
    } catch (const std::exception&) {
      return text;
    }
  }
  return text;
}

std::string where(const YAML::Node& node) {
  auto mark = node.Mark();
  if (mark.line < 0) return "";
  return " (line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1) + ")";
}

// Bounds on the tree a template may expand to: YAML aliases can make a graph with cycles
// ("&a [*a]") or an exponential tree ("billion laughs"), and every later pass recurses.
struct Budget {
  int depth = 0;
  size_t nodes_left = 0;
};

struct Enter {
  Budget& budget;
  explicit Enter(Budget& b, const YAML::Node& node) : budget(b) {
    if (++budget.depth > k_template_max_depth) {
      throw YamlError{"nested deeper than " + std::to_string(k_template_max_depth) + " levels" + where(node)};
    }
    if (budget.nodes_left == 0) throw YamlError{"the template expands to too many values (YAML aliases?)" + where(node)};
    --budget.nodes_left;
  }
  ~Enter() { --budget.depth; }
};

json convert(const YAML::Node& node, Budget& budget);

json convert_untagged(const YAML::Node& node, Budget& budget) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags plain scalars "?" and quoted ones "!": only plain scalars get YAML's typing.
      if (node.Tag() == "!") return scalar_text(node);
      return plain_scalar(scalar_text(node));
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(convert(item, budget));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& item : node) {
        if (!item.first.IsScalar()) throw YamlError{"mapping keys must be scalars" + where(item.first)};
        std::string key = scalar_text(item.first);
        if (out.contains(key)) throw YamlError{"duplicate key '" + key + "'" + where(item.first)};
        out[key] = convert(item.second, budget);
      }
      return out;
    }
    default:
      return nullptr;
  }
}

json convert(const YAML::Node& node, Budget& budget) {
  Enter entered(budget, node);
  const std::string& tag = node.Tag();
  if (tag.empty() || tag == "?" || tag == "!" || starts_with(tag, "tag:yaml.org,2002:")) {
    if (starts_with(tag, "tag:yaml.org,2002:str") && node.IsScalar()) return scalar_text(node);
    return convert_untagged(node, budget);
  }
  auto it = function_tags().find(tag);
  if (it == function_tags().end()) throw YamlError{"unsupported YAML tag " + tag + where(node)};
  const std::string& name = it->second;
  json value;
  if (node.IsScalar()) {
    value = scalar_text(node);  // arguments of short forms are strings (e.g. !Ref Name, !GetAZs '')
    if (name == "Fn::GetAtt") {
      std::string text = scalar_text(node);
      auto dot = text.find('.');
      if (dot == std::string::npos) throw YamlError{"!GetAtt needs Resource.Attribute, got '" + text + "'" + where(node)};
      value = json::array({text.substr(0, dot), text.substr(dot + 1)});
    }
  } else {
    value = convert_untagged(node, budget);
  }
  return json::object({{name, value}});
}

}  // namespace

Result<json> parse_cfn_template(std::string_view body) {
  auto text = trim(body);
  if (text.empty()) return fail(template_error("Template format error: template body is empty"));
  // CloudFormation reads templates as UTF-8; YAML would take other bytes into strings that no JSON
  // document (the stack's record, a response) can hold.
  if (!is_valid_utf8(text)) return fail(template_error("Template format error: the template is not valid UTF-8"));
  json model;
  if (text.front() == '{') {
    struct TooDeep {};
    try {
      model = json::parse(text, [](int depth, json::parse_event_t, json&) {
        if (depth > k_template_max_depth) throw TooDeep{};
        return true;
      });
    } catch (const TooDeep&) {
      return fail(template_error("Template format error: JSON nested deeper than " +
                                   std::to_string(k_template_max_depth) + " levels"));
    } catch (const json::parse_error& e) {
      std::string what = e.what();
      // "[json.exception.parse_error.101] parse error at line 3, column 5: ..."
      auto at = what.find("at line");
      std::string detail = at == std::string::npos ? what : what.substr(at);
      return fail(template_error("Template format error: JSON not well-formed. (" + detail + ")"));
    } catch (const json::exception& e) {
      // Well-formed but not representable: a number beyond a double's range (out_of_range.406).
      return fail(template_error(std::string("Template format error: ") + e.what()));
    }
  } else {
    try {
      YAML::Node root = YAML::Load(std::string(body));
      // A value per byte of the body is far more than real templates use; aliases get no more.
      Budget budget{0, body.size() + 1024};
      model = convert(root, budget);
    } catch (const YamlError& e) {
      return fail(template_error("Template format error: " + e.message));
    } catch (const YAML::Exception& e) {
      return fail(template_error("Template format error: YAML not well-formed. (line " +
                                   std::to_string(e.mark.line + 1) + ", column " + std::to_string(e.mark.column + 1) +
                                   ": " + e.msg + ")"));
    }
  }
  if (!model.is_object()) {
    return fail(template_error("Template format error: the template must be a JSON or YAML object"));
  }
  return model;
}

}  // namespace lcd::package
