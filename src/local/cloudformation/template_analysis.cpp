#include "local/cloudformation/template_analysis.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <regex>

#include "local/cloudformation/template_parser.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

const std::set<std::string> k_sections = {"AWSTemplateFormatVersion", "Description", "Metadata", "Parameters",
                                          "Rules", "Mappings", "Conditions", "Transform", "Resources", "Outputs"};

const std::set<std::string> k_iam_types = {"AWS::IAM::AccessKey", "AWS::IAM::Group",  "AWS::IAM::InstanceProfile",
                                           "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role",
                                           "AWS::IAM::User", "AWS::IAM::UserToGroupAddition"};

const std::map<std::string, std::vector<std::string>>& required_properties() {
  static const std::map<std::string, std::vector<std::string>> required = {
      {"AWS::Lambda::Function", {"Code", "Role"}},
      {"AWS::Lambda::Version", {"FunctionName"}},
      {"AWS::Lambda::Alias", {"FunctionName", "FunctionVersion", "Name"}},
      {"AWS::IAM::Role", {"AssumeRolePolicyDocument"}},
      {"AWS::S3::Bucket", {}},
  };
  return required;
}

const std::set<std::string> k_parameter_types = {"String", "Number", "List<Number>", "CommaDelimitedList"};

bool is_alnum_name(const std::string& name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

std::string list_text(const std::set<std::string>& names) {
  return "[" + join(std::vector<std::string>(names.begin(), names.end()), ", ") + "]";
}

// Walks every value: checks intrinsic names and collects what it refers to.
Result<void> collect(const json& value, References& out) {
  if (value.is_object()) {
    if (value.size() == 1) {
      const std::string& key = value.begin().key();
      const json& arg = value.begin().value();
      if (key == "Ref") {
        if (!arg.is_string()) return fail(validation_error("Template format error: Ref requires a string"));
        out.refs.insert(arg.get<std::string>());
        return {};
      }
      if (starts_with(key, "Fn::")) {
        if (!supported_functions().count(key)) {
          return fail(validation_error("Template format error: Encountered unsupported function: " + key +
                                       " Supported functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, "
                                       "Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, "
                                       "Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Sub, "
                                       "Fn::Length, Fn::ToJsonString]"));
        }
        if (key == "Fn::GetAtt") {
          if (arg.is_array() && !arg.empty() && arg[0].is_string()) {
            out.getatts.insert(arg[0].get<std::string>());
            out.attribute_paths.insert(arg[0].get<std::string>() +
                                       (arg.size() > 1 && arg[1].is_string() ? "." + arg[1].get<std::string>() : ""));
          } else if (arg.is_string()) {
            auto text = arg.get<std::string>();
            out.getatts.insert(text.substr(0, text.find('.')));
            out.attribute_paths.insert(text);
          } else {
            return fail(validation_error("Template error: Fn::GetAtt requires [resource, attribute]"));
          }
          if (arg.is_array() && arg.size() > 1) return collect(arg[1], out);
          return {};
        }
        if (key == "Fn::Sub") {
          const json* text = arg.is_string() ? &arg : (arg.is_array() && !arg.empty() ? &arg[0] : nullptr);
          std::set<std::string> locals;
          if (arg.is_array() && arg.size() == 2 && arg[1].is_object()) {
            for (const auto& [k, v] : arg[1].items()) {
              locals.insert(k);
              if (auto r = collect(v, out); !r) return r;
            }
          }
          if (!text || !text->is_string()) {
            return fail(validation_error("Template error: Fn::Sub requires a string or [string, {variables}]"));
          }
          auto parts = parse_sub(text->get<std::string>());
          if (!parts) return fail(parts.error());
          for (const auto& p : *parts) {
            if (!p.is_variable || locals.count(p.text)) continue;
            auto dot = p.text.find('.');
            if (dot != std::string::npos && !starts_with(p.text, "AWS::")) {
              out.getatts.insert(p.text.substr(0, dot));
              out.attribute_paths.insert(p.text);
            } else {
              out.refs.insert(p.text);
            }
          }
          return {};
        }
        if (key == "Fn::If" && arg.is_array() && !arg.empty() && arg[0].is_string()) {
          out.conditions.insert(arg[0].get<std::string>());
        }
      }
      if (key == "Condition" && arg.is_string()) {
        out.conditions.insert(arg.get<std::string>());
        return {};
      }
    }
    for (const auto& [k, item] : value.items()) {
      (void)k;
      if (auto r = collect(item, out); !r) return r;
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (auto r = collect(item, out); !r) return r;
    }
  }
  return {};
}

std::vector<std::string> depends_on(const json& resource) {
  std::vector<std::string> out;
  if (!resource.contains("DependsOn")) return out;
  const auto& d = resource["DependsOn"];
  if (d.is_string()) out.push_back(d.get<std::string>());
  if (d.is_array()) {
    for (const auto& item : d) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  }
  return out;
}

}  // namespace

bool is_supported_resource_type(const std::string& type) { return required_properties().count(type) > 0; }

References references_in(const json& value) {
  References out;
  (void)collect(value, out);
  return out;
}

Result<TemplateInfo> analyze_template_header(const json& model) {
  TemplateInfo info;
  if (!model.is_object()) return fail(validation_error("Template format error: the template must be an object"));
  std::set<std::string> unknown;
  for (const auto& [key, value] : model.items()) {
    (void)value;
    // Globals belongs to the SAM transform, which removes it.
    if (!k_sections.count(key) && !(key == "Globals" && model.contains("Transform"))) unknown.insert(key);
  }
  if (!unknown.empty()) {
    return fail(validation_error("Template format error: Invalid template property or properties " + list_text(unknown)));
  }
  if (model.contains("AWSTemplateFormatVersion")) {
    const auto& v = model["AWSTemplateFormatVersion"];
    if (!v.is_string() || v.get<std::string>() != "2010-09-09") {
      return fail(validation_error("Template format error: Unsupported template version " + v.dump()));
    }
  }
  if (model.contains("Description")) {
    if (!model["Description"].is_string()) {
      return fail(validation_error("Template format error: Every Description member must be a string."));
    }
    info.description = model["Description"].get<std::string>();
  }
  if (model.contains("Transform")) {
    const auto& t = model["Transform"];
    if (t.is_string()) info.declared_transforms.push_back(t.get<std::string>());
    if (t.is_array()) {
      for (const auto& item : t) {
        if (item.is_string()) info.declared_transforms.push_back(item.get<std::string>());
      }
    }
  }
  // Parameters.
  if (model.contains("Parameters")) {
    const auto& params = model["Parameters"];
    if (!params.is_object()) return fail(validation_error("Template format error: Parameters must be an object"));
    for (const auto& item : params.items()) {
      // Named references, not structured bindings: lambdas below capture them (clang 14).
      const std::string& name = item.key();
      const auto& p = item.value();
      if (!is_alnum_name(name)) {
        return fail(validation_error("Template format error: Parameter name " + name + " is non alphanumeric."));
      }
      if (!p.is_object() || !p.contains("Type") || !p["Type"].is_string()) {
        return fail(validation_error("Template format error: Every Parameters object must contain a Type member."));
      }
      ParameterDecl decl;
      decl.name = name;
      decl.type = p["Type"].get<std::string>();
      if (!k_parameter_types.count(decl.type) && !starts_with(decl.type, "AWS::EC2::") &&
          !starts_with(decl.type, "List<AWS::EC2::")) {
        return fail(validation_error("Template format error: Unrecognized parameter type: " + decl.type));
      }
      auto text = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
      if (p.contains("Default")) {
        const auto& d = p["Default"];
        if (d.is_array()) {
          std::vector<std::string> items;
          for (const auto& item : d) items.push_back(text(item));
          decl.default_value = join(items, ",");
        } else {
          decl.default_value = text(d);
        }
      }
      if (p.contains("AllowedValues")) {
        if (!p["AllowedValues"].is_array()) {
          return fail(validation_error("Template format error: AllowedValues of parameter " + name + " must be a list"));
        }
        for (const auto& v : p["AllowedValues"]) decl.allowed_values.push_back(text(v));
      }
      if (p.contains("AllowedPattern")) decl.allowed_pattern = text(p["AllowedPattern"]);
      auto number = [&](const char* key) -> std::optional<double> {
        if (!p.contains(key)) return std::nullopt;
        try {
          return std::stod(text(p[key]));
        } catch (const std::exception&) {
          return std::nullopt;
        }
      };
      if (auto v = number("MinLength")) decl.min_length = static_cast<int64_t>(*v);
      if (auto v = number("MaxLength")) decl.max_length = static_cast<int64_t>(*v);
      decl.min_value = number("MinValue");
      decl.max_value = number("MaxValue");
      if (p.contains("NoEcho")) decl.no_echo = p["NoEcho"] == true || p["NoEcho"] == "true";
      if (p.contains("Description") && p["Description"].is_string()) decl.description = p["Description"];
      info.parameters.push_back(std::move(decl));
    }
  }
  return info;
}

Result<TemplateInfo> analyze_template(const json& model) {
  auto header = analyze_template_header(model);
  if (!header) return header;
  TemplateInfo info = std::move(*header);
  std::set<std::string> parameter_names;
  for (const auto& p : info.parameters) parameter_names.insert(p.name);
  std::set<std::string> condition_names;
  if (model.contains("Conditions")) {
    if (!model["Conditions"].is_object()) {
      return fail(validation_error("Template format error: Conditions must be an object"));
    }
    for (const auto& [name, c] : model["Conditions"].items()) {
      condition_names.insert(name);
      References r;
      if (auto ok = collect(c, r); !ok) return fail(ok.error());
    }
  }
  // Resources.
  if (!model.contains("Resources") || !model["Resources"].is_object() || model["Resources"].empty()) {
    return fail(validation_error("Template format error: At least one Resources member must be defined."));
  }
  const auto& resources = model["Resources"];
  std::set<std::string> resource_names;
  for (const auto& [name, r] : resources.items()) {
    (void)r;
    resource_names.insert(name);
  }
  std::set<std::string> iam_resources, named_iam;
  std::set<std::string> unresolved;
  std::set<std::string> malformed_types;
  for (const auto& [name, r] : resources.items()) {
    if (!is_alnum_name(name)) {
      return fail(validation_error("Template format error: Resource name " + name + " is non alphanumeric."));
    }
    if (!r.is_object() || !r.contains("Type") || !r["Type"].is_string()) {
      return fail(validation_error("Template format error: [/Resources/" + name +
                                   "] Every Resources object must contain a Type member."));
    }
    std::string type = r["Type"].get<std::string>();
    static const std::regex k_type_pattern(R"(^(AWS|Alexa|Custom)::[A-Za-z0-9]+(::[A-Za-z0-9]+)*$)");
    if (!std::regex_match(type, k_type_pattern)) malformed_types.insert(type);
    if (r.contains("Properties") && !r["Properties"].is_object()) {
      return fail(validation_error("Template format error: [/Resources/" + name + "/Properties] must be an object"));
    }
    auto req = required_properties().find(type);
    if (req != required_properties().end()) {
      for (const auto& prop : req->second) {
        if (!r.contains("Properties") || !r["Properties"].contains(prop)) {
          return fail(validation_error("Properties validation failed for resource " + name +
                                       " with message: #: required key [" + prop + "] not found"));
        }
      }
    }
    if (k_iam_types.count(type)) {
      iam_resources.insert(name);
      const auto props = r.value("Properties", json::object());
      for (const char* n : {"RoleName", "UserName", "GroupName", "ManagedPolicyName", "InstanceProfileName"}) {
        if (props.contains(n)) named_iam.insert(name);
      }
    }
    References refs;
    for (const char* section : {"Properties", "Metadata"}) {
      if (r.contains(section)) {
        if (auto ok = collect(r[section], refs); !ok) return fail(ok.error());
      }
    }
    auto& deps = info.dependencies[name];
    for (const auto& target : refs.refs) {
      if (resource_names.count(target)) {
        deps.insert(target);
      } else if (!parameter_names.count(target) && target != "AWS::NoValue" &&
                 pseudo_parameter(target, StackIdentity{}).is_null()) {
        unresolved.insert(target);
      }
    }
    for (const auto& target : refs.getatts) {
      if (!resource_names.count(target)) {
        return fail(validation_error("Template format error: Unresolved resource dependencies [" + target +
                                     "] in the Resources block of the template"));
      }
      deps.insert(target);
    }
    for (const auto& target : depends_on(r)) {
      if (!resource_names.count(target)) unresolved.insert(target);
      deps.insert(target);
    }
    for (const auto& c : refs.conditions) {
      if (!condition_names.count(c)) {
        return fail(validation_error("Template format error: Unresolved condition dependency " + c + " in Fn::If"));
      }
    }
    if (r.contains("Condition")) {
      if (!r["Condition"].is_string() || !condition_names.count(r["Condition"].get<std::string>())) {
        return fail(validation_error("Template format error: Unresolved condition dependency " + r["Condition"].dump() +
                                     " in resource " + name));
      }
    }
    if (deps.count(name)) {
      return fail(validation_error("Circular dependency between resources: [" + name + "]"));
    }
  }
  if (!unresolved.empty()) {
    return fail(validation_error("Template format error: Unresolved resource dependencies " + list_text(unresolved) +
                                 " in the Resources block of the template"));
  }
  if (!malformed_types.empty()) {
    return fail(validation_error("Template format error: Unrecognized resource types: " + list_text(malformed_types)));
  }
  // Outputs.
  if (model.contains("Outputs")) {
    if (!model["Outputs"].is_object()) return fail(validation_error("Template format error: Outputs must be an object"));
    for (const auto& [name, o] : model["Outputs"].items()) {
      if (!o.is_object() || !o.contains("Value")) {
        return fail(validation_error("Template format error: Every Outputs member must contain a Value object, the "
                                     "Outputs member " + name + " is missing one"));
      }
      References refs;
      if (auto ok = collect(o, refs); !ok) return fail(ok.error());
      for (const auto& target : refs.refs) {
        if (!resource_names.count(target) && !parameter_names.count(target) && target != "AWS::NoValue" &&
            pseudo_parameter(target, StackIdentity{}).is_null()) {
          return fail(validation_error("Template format error: Unresolved resource dependencies [" + target +
                                       "] in the Outputs block of the template"));
        }
      }
      for (const auto& target : refs.getatts) {
        if (!resource_names.count(target)) {
          return fail(validation_error("Template format error: Unresolved resource dependencies [" + target +
                                       "] in the Outputs block of the template"));
        }
      }
    }
  }
  // Topological order (Kahn, names sorted for determinism); what is left over is a cycle.
  std::map<std::string, int> pending;
  for (const auto& name : resource_names) pending[name] = static_cast<int>(info.dependencies[name].size());
  std::set<std::string> ready;
  for (const auto& [name, n] : pending) {
    if (n == 0) ready.insert(name);
  }
  while (!ready.empty()) {
    std::string next = *ready.begin();
    ready.erase(ready.begin());
    info.creation_order.push_back(next);
    pending.erase(next);
    for (auto& [name, n] : pending) {
      if (info.dependencies[name].count(next) && --n == 0) ready.insert(name);
    }
  }
  if (!pending.empty()) {
    std::set<std::string> cycle;
    for (const auto& [name, n] : pending) {
      (void)n;
      cycle.insert(name);
    }
    return fail(validation_error("Circular dependency between resources: " + list_text(cycle)));
  }
  if (!named_iam.empty()) {
    info.capabilities.push_back("CAPABILITY_NAMED_IAM");
  } else if (!iam_resources.empty()) {
    info.capabilities.push_back("CAPABILITY_IAM");
  }
  if (!info.declared_transforms.empty()) info.capabilities.push_back("CAPABILITY_AUTO_EXPAND");
  if (!iam_resources.empty()) {
    info.capabilities_reason = "The following resource(s) require capabilities: [" +
                               join(std::vector<std::string>(iam_resources.begin(), iam_resources.end()), ", ") + "]";
  }
  return info;
}

Result<std::map<std::string, json>> resolve_parameters(const std::vector<ParameterDecl>& decls,
                                                       const std::map<std::string, std::string>& given) {
  std::map<std::string, json> out;
  std::set<std::string> missing, unknown;
  for (const auto& entry : given) {
    const std::string& name = entry.first;  // captured below: no structured binding (clang 14)
    if (std::none_of(decls.begin(), decls.end(), [&](const ParameterDecl& d) { return d.name == name; })) {
      unknown.insert(name);
    }
  }
  if (!unknown.empty()) {
    return fail(validation_error("Parameters: " + list_text(unknown) + " do not exist in the template"));
  }
  for (const auto& d : decls) {
    auto it = given.find(d.name);
    std::optional<std::string> value = it != given.end() ? std::optional<std::string>(it->second) : d.default_value;
    if (!value) {
      missing.insert(d.name);
      continue;
    }
    bool is_list = d.type == "CommaDelimitedList" || d.type == "List<Number>" || starts_with(d.type, "List<");
    std::vector<std::string> items;
    if (is_list) {
      for (const auto& item : split(*value, ',')) items.emplace_back(trim(item));
    } else {
      items.push_back(*value);
    }
    for (const auto& item : items) {
      if (d.type == "Number" || d.type == "List<Number>") {
        static const std::regex k_number(R"([-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?)");
        if (!std::regex_match(item, k_number)) {
          return fail(validation_error("Parameter '" + d.name + "' must be a number."));
        }
        double n = std::stod(item);
        if ((d.min_value && n < *d.min_value) || (d.max_value && n > *d.max_value)) {
          return fail(validation_error("Parameter '" + d.name + "' must be a number between the allowed bounds"));
        }
      }
      if (!d.allowed_values.empty() &&
          std::find(d.allowed_values.begin(), d.allowed_values.end(), item) == d.allowed_values.end()) {
        return fail(validation_error("Parameter '" + d.name + "' must be one of AllowedValues"));
      }
      if (!d.allowed_pattern.empty()) {
        try {
          if (!std::regex_match(item, std::regex(d.allowed_pattern))) {
            return fail(validation_error("Parameter '" + d.name + "' must match pattern " + d.allowed_pattern));
          }
        } catch (const std::regex_error&) {
          return fail(validation_error("Template format error: AllowedPattern of parameter " + d.name +
                                       " is not a valid regular expression"));
        }
      }
      if ((d.min_length && static_cast<int64_t>(item.size()) < *d.min_length) ||
          (d.max_length && static_cast<int64_t>(item.size()) > *d.max_length)) {
        return fail(validation_error("Parameter '" + d.name + "' must contain between " +
                                     std::to_string(d.min_length.value_or(0)) + " and " +
                                     std::to_string(d.max_length.value_or(INT64_MAX)) + " characters"));
      }
    }
    if (is_list) {
      out[d.name] = items;
    } else {
      out[d.name] = *value;
    }
  }
  if (!missing.empty()) return fail(validation_error("Parameters: " + list_text(missing) + " must have values"));
  return out;
}

Result<void> check_capabilities(const std::vector<std::string>& required, const std::vector<std::string>& granted) {
  for (const auto& cap : required) {
    bool ok = std::find(granted.begin(), granted.end(), cap) != granted.end() ||
              (cap == "CAPABILITY_IAM" &&
               std::find(granted.begin(), granted.end(), "CAPABILITY_NAMED_IAM") != granted.end());
    if (ok) continue;
    Error e{ErrorKind::invalid, "Requires capabilities : [" + cap + "]"};
    e.code = "InsufficientCapabilitiesException";
    e.http_status = 400;
    return fail(std::move(e));
  }
  return {};
}

}  // namespace lcd::local::cloudformation
