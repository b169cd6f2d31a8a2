#include "local/cloudformation/intrinsics.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>

#include "local/cloudformation/template_parser.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;
using Eval = Result<std::optional<json>>;  // nullopt: AWS::NoValue

Error template_error(const std::string& message) { return validation_error("Template error: " + message); }

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) {
    std::string s = v.dump();
    return s;
  }
  return v.dump();
}

// Is `value` a single-key object naming an intrinsic function?
bool is_intrinsic(const json& value, std::string& name) {
  if (!value.is_object() || value.size() != 1) return false;
  const auto& key = value.begin().key();
  if (key == "Ref" || key == "Condition" || starts_with(key, "Fn::")) {
    name = key;
    return true;
  }
  return false;
}

Eval eval(const json& value, const EvalContext& ctx);

Result<json> eval_required(const json& value, const EvalContext& ctx, const std::string& fn) {
  auto r = eval(value, ctx);
  if (!r) return fail(r.error());
  if (!*r) return fail(template_error(fn + " does not accept AWS::NoValue here"));
  return **r;
}

Result<json> ref_value(const std::string& name, const EvalContext& ctx) {
  auto param = ctx.parameters.find(name);
  if (param != ctx.parameters.end()) return param->second;
  auto pseudo = pseudo_parameter(name, ctx.identity);
  if (!pseudo.is_null()) return pseudo;
  auto res = ctx.resources.find(name);
  if (res != ctx.resources.end()) return json(res->second.ref);
  if (ctx.unknown.count(name)) return json(unknown_value(name));
  return fail(validation_error("Template format error: Unresolved resource dependencies [" + name +
                               "] in the Resources block of the template"));
}

Result<json> get_att(const std::string& resource, const std::string& attribute, const EvalContext& ctx) {
  if (ctx.unknown.count(resource)) return json(unknown_value(resource + "." + attribute));
  auto res = ctx.resources.find(resource);
  if (res == ctx.resources.end()) {
    return fail(template_error("instance of Fn::GetAtt references undefined resource " + resource));
  }
  auto att = res->second.attributes.find(attribute);
  if (att == res->second.attributes.end()) {
    return fail(template_error("Fn::GetAtt: resource " + resource + " has no attribute " + attribute));
  }
  return att->second;
}

Result<std::string> sub_variable(const std::string& name, const std::map<std::string, json>& locals,
                                 const EvalContext& ctx) {
  auto local = locals.find(name);
  if (local != locals.end()) return scalar_text(local->second);
  auto dot = name.find('.');
  if (dot != std::string::npos && !starts_with(name, "AWS::")) {
    auto v = get_att(name.substr(0, dot), name.substr(dot + 1), ctx);
    if (!v) return fail(v.error());
    return scalar_text(*v);
  }
  auto v = ref_value(name, ctx);
  if (!v) return fail(v.error());
  if (v->is_array()) return fail(template_error("Fn::Sub variable " + name + " is a list; use Fn::Join"));
  return scalar_text(*v);
}

Eval eval_function(const std::string& fn, const json& arg, const EvalContext& ctx) {
  if (fn == "Ref") {
    if (!arg.is_string()) return fail(template_error("Ref requires a string argument"));
    if (arg.get<std::string>() == "AWS::NoValue") return std::optional<json>();
    auto v = ref_value(arg.get<std::string>(), ctx);
    if (!v) return fail(v.error());
    return std::optional<json>(*v);
  }
  if (fn == "Fn::GetAtt") {
    json a = arg;
    if (a.is_string()) {
      auto text = a.get<std::string>();
      auto dot = text.find('.');
      if (dot == std::string::npos) return fail(template_error("Fn::GetAtt requires Resource.Attribute"));
      a = json::array({text.substr(0, dot), text.substr(dot + 1)});
    }
    if (!a.is_array() || a.size() != 2 || !a[0].is_string()) {
      return fail(template_error("Fn::GetAtt requires a list of two elements [resource, attribute]"));
    }
    auto attribute = eval_required(a[1], ctx, "Fn::GetAtt");
    if (!attribute) return fail(attribute.error());
    if (!attribute->is_string()) return fail(template_error("Fn::GetAtt attribute name must be a string"));
    auto v = get_att(a[0].get<std::string>(), attribute->get<std::string>(), ctx);
    if (!v) return fail(v.error());
    return std::optional<json>(*v);
  }
  if (fn == "Fn::Join") {
    if (!arg.is_array() || arg.size() != 2 || !arg[0].is_string()) {
      return fail(template_error("Fn::Join requires [delimiter, [values]]"));
    }
    auto list = eval_required(arg[1], ctx, "Fn::Join");
    if (!list) return fail(list.error());
    if (!list->is_array()) return fail(template_error("Fn::Join requires a list of values to join"));
    std::string out;
    bool first = true;
    for (const auto& item : *list) {
      if (item.is_object() || item.is_array()) return fail(template_error("Fn::Join values must be strings"));
      if (!first) out += arg[0].get<std::string>();
      out += scalar_text(item);
      first = false;
    }
    return std::optional<json>(out);
  }
  if (fn == "Fn::Sub") {
    std::string text;
    std::map<std::string, json> locals;
    if (arg.is_string()) {
      text = arg.get<std::string>();
    } else if (arg.is_array() && arg.size() == 2 && arg[0].is_string() && arg[1].is_object()) {
      text = arg[0].get<std::string>();
      for (const auto& [name, expr] : arg[1].items()) {
        auto v = eval_required(expr, ctx, "Fn::Sub");
        if (!v) return fail(v.error());
        locals[name] = *v;
      }
    } else {
      return fail(template_error("Fn::Sub requires a string or [string, {variables}]"));
    }
    auto parts = parse_sub(text);
    if (!parts) return fail(parts.error());
    std::string out;
    for (const auto& part : *parts) {
      if (!part.is_variable) {
        out += part.text;
        continue;
      }
      auto v = sub_variable(part.text, locals, ctx);
      if (!v) return fail(v.error());
      out += *v;
    }
    return std::optional<json>(out);
  }
  if (fn == "Fn::Select") {
    if (!arg.is_array() || arg.size() != 2) return fail(template_error("Fn::Select requires [index, [values]]"));
    auto index = eval_required(arg[0], ctx, "Fn::Select");
    if (!index) return fail(index.error());
    auto list = eval_required(arg[1], ctx, "Fn::Select");
    if (!list) return fail(list.error());
    int64_t i = -1;
    if (index->is_number_integer()) {
      i = index->get<int64_t>();
    } else if (index->is_string()) {
      try {
        size_t used = 0;
        i = std::stoll(index->get<std::string>(), &used);
        if (used != index->get<std::string>().size()) i = -1;
      } catch (const std::exception&) {
        i = -1;
      }
    }
    if (!list->is_array()) return fail(template_error("Fn::Select requires a list"));
    if (i < 0 || i >= static_cast<int64_t>(list->size())) {
      return fail(template_error("Fn::Select cannot select nonexistent value at index " + scalar_text(*index)));
    }
    return std::optional<json>((*list)[static_cast<size_t>(i)]);
  }
  if (fn == "Fn::Split") {
    if (!arg.is_array() || arg.size() != 2 || !arg[0].is_string() || arg[0].get<std::string>().empty()) {
      return fail(template_error("Fn::Split requires [delimiter, string]"));
    }
    auto source = eval_required(arg[1], ctx, "Fn::Split");
    if (!source) return fail(source.error());
    if (!source->is_string()) return fail(template_error("Fn::Split requires a string to split"));
    std::string s = source->get<std::string>();
    std::string delimiter = arg[0].get<std::string>();
    json out = json::array();
    size_t pos = 0;
    while (true) {
      auto at = s.find(delimiter, pos);
      if (at == std::string::npos) {
        out.push_back(s.substr(pos));
        break;
      }
      out.push_back(s.substr(pos, at - pos));
      pos = at + delimiter.size();
    }
    return std::optional<json>(out);
  }
  if (fn == "Fn::If") {
    if (!arg.is_array() || arg.size() != 3 || !arg[0].is_string()) {
      return fail(template_error("Fn::If requires [condition name, value if true, value if false]"));
    }
    auto c = ctx.conditions.find(arg[0].get<std::string>());
    if (c == ctx.conditions.end()) {
      return fail(validation_error("Template format error: Unresolved condition dependency " +
                                   arg[0].get<std::string>() + " in Fn::If"));
    }
    return eval(c->second ? arg[1] : arg[2], ctx);
  }
  if (fn == "Fn::Equals" || fn == "Fn::Not" || fn == "Fn::And" || fn == "Fn::Or" || fn == "Condition") {
    auto b = evaluate_condition(json::object({{fn, arg}}), ctx);
    if (!b) return fail(b.error());
    return std::optional<json>(*b);
  }
  if (fn == "Fn::FindInMap") {
    if (!arg.is_array() || arg.size() != 3) return fail(template_error("Fn::FindInMap requires [map, key, key]"));
    std::vector<std::string> keys;
    for (const auto& k : arg) {
      auto v = eval_required(k, ctx, "Fn::FindInMap");
      if (!v) return fail(v.error());
      keys.push_back(scalar_text(*v));
    }
    const json* node = ctx.mappings;
    for (const auto& k : keys) {
      if (!node || !node->is_object() || !node->contains(k)) {
        return fail(template_error("Unable to get mapping for " + keys[0] + "::" + keys[1] + "::" + keys[2]));
      }
      node = &(*node)[k];
    }
    return std::optional<json>(*node);
  }
  if (fn == "Fn::Base64") {
    auto v = eval_required(arg, ctx, "Fn::Base64");
    if (!v) return fail(v.error());
    if (!v->is_string()) return fail(template_error("Fn::Base64 requires a string"));
    return std::optional<json>(base64_encode(v->get<std::string>()));
  }
  if (fn == "Fn::GetAZs") {
    auto v = eval_required(arg, ctx, "Fn::GetAZs");
    if (!v) return fail(v.error());
    std::string region = v->is_string() && !v->get<std::string>().empty() ? v->get<std::string>() : ctx.identity.region;
    return std::optional<json>(json::array({region + "a", region + "b", region + "c"}));
  }
  if (fn == "Fn::Length") {
    auto v = eval_required(arg, ctx, "Fn::Length");
    if (!v) return fail(v.error());
    if (!v->is_array()) return fail(template_error("Fn::Length requires a list"));
    return std::optional<json>(static_cast<int64_t>(v->size()));
  }
  if (fn == "Fn::ToJsonString") {
    auto v = eval_required(arg, ctx, "Fn::ToJsonString");
    if (!v) return fail(v.error());
    return std::optional<json>(v->dump());
  }
  if (fn == "Fn::ImportValue") {
    auto v = eval_required(arg, ctx, "Fn::ImportValue");
    if (!v) return fail(v.error());
    return fail(validation_error("No export named " + scalar_text(*v) + " found"));
  }
  return fail(template_error("Encountered unsupported function: " + fn));
}

Eval eval(const json& value, const EvalContext& ctx) {
  std::string fn;
  if (is_intrinsic(value, fn)) return eval_function(fn, value.begin().value(), ctx);
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, item] : value.items()) {
      auto v = eval(item, ctx);
      if (!v) return fail(v.error());
      if (*v) out[key] = std::move(**v);
    }
    return std::optional<json>(std::move(out));
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& item : value) {
      auto v = eval(item, ctx);
      if (!v) return fail(v.error());
      if (*v) out.push_back(std::move(**v));
    }
    return std::optional<json>(std::move(out));
  }
  return std::optional<json>(value);
}

}  // namespace

constexpr const char* k_unknown_prefix = "{{lcd:unknown:";

std::string unknown_value(const std::string& reference) { return k_unknown_prefix + reference + "}}"; }

bool contains_unknown(const json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>().find(k_unknown_prefix) != std::string::npos;
  if (value.is_object() || value.is_array()) {
    for (const auto& item : value) {
      if (contains_unknown(item)) return true;
    }
  }
  return false;
}

const std::set<std::string>& supported_functions() {
  static const std::set<std::string> names = {
      "Ref",         "Condition",    "Fn::GetAtt",  "Fn::Join",     "Fn::Sub",         "Fn::Select",
      "Fn::Split",   "Fn::If",       "Fn::Equals",  "Fn::Not",      "Fn::And",         "Fn::Or",
      "Fn::FindInMap", "Fn::Base64", "Fn::GetAZs",  "Fn::Length",   "Fn::ToJsonString", "Fn::ImportValue"};
  return names;
}

json pseudo_parameter(const std::string& name, const StackIdentity& identity) {
  if (name == "AWS::Region") return identity.region;
  if (name == "AWS::AccountId") return identity.account_id;
  if (name == "AWS::StackName") return identity.stack_name;
  if (name == "AWS::StackId") return identity.stack_id;
  if (name == "AWS::Partition") return "aws";
  if (name == "AWS::URLSuffix") return "amazonaws.com";
  if (name == "AWS::NotificationARNs") return json::array();
  return nullptr;
}

Result<json> evaluate(const json& value, const EvalContext& context) {
  auto v = eval(value, context);
  if (!v) return fail(v.error());
  return *v ? std::move(**v) : json(nullptr);
}

Result<bool> evaluate_condition(const json& value, const EvalContext& ctx) {
  std::string fn;
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_string()) {
    auto text = value.get<std::string>();
    if (text == "true") return true;
    if (text == "false") return false;
  }
  if (!is_intrinsic(value, fn)) return fail(template_error("a condition must be a condition function"));
  const json& arg = value.begin().value();
  if (fn == "Condition") {
    if (!arg.is_string()) return fail(template_error("Condition requires a condition name"));
    auto c = ctx.conditions.find(arg.get<std::string>());
    if (c == ctx.conditions.end()) {
      return fail(validation_error("Template format error: Unresolved condition dependency " + arg.get<std::string>()));
    }
    return c->second;
  }
  if (fn == "Fn::Equals") {
    if (!arg.is_array() || arg.size() != 2) return fail(template_error("Fn::Equals requires a list of two values"));
    auto a = eval_required(arg[0], ctx, "Fn::Equals");
    if (!a) return fail(a.error());
    auto b = eval_required(arg[1], ctx, "Fn::Equals");
    if (!b) return fail(b.error());
    if (a->is_primitive() && b->is_primitive()) return scalar_text(*a) == scalar_text(*b);
    return *a == *b;
  }
  if (fn == "Fn::Not") {
    if (!arg.is_array() || arg.size() != 1) return fail(template_error("Fn::Not requires a list of one condition"));
    auto a = evaluate_condition(arg[0], ctx);
    if (!a) return a;
    return !*a;
  }
  if (fn == "Fn::And" || fn == "Fn::Or") {
    if (!arg.is_array() || arg.size() < 2 || arg.size() > 10) {
      return fail(template_error(fn + " requires a list of 2 to 10 conditions"));
    }
    bool is_and = fn == "Fn::And";
    bool result = is_and;
    for (const auto& item : arg) {
      auto a = evaluate_condition(item, ctx);
      if (!a) return a;
      result = is_and ? (result && *a) : (result || *a);
    }
    return result;
  }
  // Other functions may produce "true"/"false" (e.g. Fn::If over two conditions' values).
  auto v = evaluate(value, ctx);
  if (!v) return fail(v.error());
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string() && (v->get<std::string>() == "true" || v->get<std::string>() == "false")) {
    return v->get<std::string>() == "true";
  }
  return fail(template_error(fn + " is not a condition function"));
}

Result<std::map<std::string, bool>> evaluate_conditions(const json& conditions, EvalContext context) {
  std::map<std::string, bool> out;
  if (conditions.is_null()) return out;
  if (!conditions.is_object()) return fail(validation_error("Template format error: Conditions must be an object"));
  std::map<std::string, int> state;  // 1 = visiting, 2 = done
  std::function<Result<bool>(const std::string&)> visit = [&](const std::string& name) -> Result<bool> {
    if (state[name] == 2) return out[name];
    if (state[name] == 1) return fail(validation_error("Template format error: Circular condition dependency: " + name));
    if (!conditions.contains(name)) {
      return fail(validation_error("Template format error: Unresolved condition dependency " + name));
    }
    state[name] = 1;
    // Resolve referenced conditions first.
    std::function<Result<void>(const json&)> deps = [&](const json& v) -> Result<void> {
      if (v.is_object()) {
        for (const auto& [k, item] : v.items()) {
          if (k == "Condition" && item.is_string()) {
            auto r = visit(item.get<std::string>());
            if (!r) return fail(r.error());
          } else if (auto r = deps(item); !r) {
            return r;
          }
        }
      } else if (v.is_array()) {
        for (const auto& item : v) {
          if (auto r = deps(item); !r) return r;
        }
      }
      return {};
    };
    if (auto d = deps(conditions[name]); !d) return fail(d.error());
    context.conditions = out;
    auto value = evaluate_condition(conditions[name], context);
    if (!value) return value;
    out[name] = *value;
    state[name] = 2;
    return *value;
  };
  for (const auto& [name, expr] : conditions.items()) {
    (void)expr;
    if (auto r = visit(name); !r) return fail(r.error());
  }
  return out;
}

Result<std::vector<SubPart>> parse_sub(const std::string& text) {
  std::vector<SubPart> parts;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      auto close = text.find('}', i + 2);
      if (close == std::string::npos) return fail(template_error("Fn::Sub: unterminated ${ in '" + text + "'"));
      std::string name = text.substr(i + 2, close - i - 2);
      if (!name.empty() && name[0] == '!') {
        literal += "${" + name.substr(1) + "}";
      } else {
        name = std::string(trim(name));
        if (name.empty()) return fail(template_error("Fn::Sub: empty variable in '" + text + "'"));
        if (!literal.empty()) parts.push_back({false, literal});
        literal.clear();
        parts.push_back({true, name});
      }
      i = close + 1;
    } else {
      literal += text[i++];
    }
  }
  if (!literal.empty()) parts.push_back({false, literal});
  return parts;
}

}  // namespace lcd::local::cloudformation
