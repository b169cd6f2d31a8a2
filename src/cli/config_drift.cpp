#include "cli/config_drift.hpp"

#include <nlohmann/json.hpp>

#include "local/cloudformation/template_parser.hpp"

namespace lcd::cli {
namespace {

using nlohmann::json;

std::string env_text(const std::map<std::string, std::string>& env) {
  std::string out = "{";
  for (const auto& [k, v] : env) out += (out.size() > 1 ? ", " : "") + k + "=" + v;
  return out + "}";
}

// A template value as text: a scalar, or a Ref to a parameter; nullopt for anything computed.
std::optional<std::string> literal(const json& value, const json& template_parameters,
                                   const std::map<std::string, std::string>& parameters) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number()) return value.dump();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_object() && value.size() == 1 && value.contains("Ref") && value["Ref"].is_string()) {
    const std::string name = value["Ref"].get<std::string>();
    if (auto it = parameters.find(name); it != parameters.end()) return it->second;
    if (template_parameters.is_object() && template_parameters.contains(name)) {
      const json& p = template_parameters[name];
      if (p.is_object() && p.contains("Default")) return literal(p["Default"], json(), {});
    }
  }
  return std::nullopt;
}

std::optional<int> as_int(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  try {
    size_t used = 0;
    int v = std::stoi(*text, &used);
    if (used == text->size()) return v;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

}  // namespace

FunctionView view_of(const pipeline::FunctionSettings& toml) {
  FunctionView v;
  v.runtime = toml.runtime;
  v.handler = toml.handler;
  if (!toml.role.empty()) v.role = toml.role;
  v.description = toml.description;
  v.memory = toml.memory;
  v.timeout = toml.timeout;
  v.environment = toml.environment;
  return v;
}

FunctionView view_of(const clients::FunctionConfiguration& deployed) {
  FunctionView v;
  v.runtime = deployed.runtime;
  v.handler = deployed.handler;
  v.role = deployed.role;
  v.description = deployed.description;
  v.memory = deployed.memory_size;
  v.timeout = deployed.timeout;
  v.environment = deployed.environment;
  return v;
}

Result<std::optional<FunctionView>> function_in_template(std::string_view body,
                                                         const std::map<std::string, std::string>& parameters,
                                                         const std::string& function_name) {
  auto model = local::cloudformation::parse_template(body);
  if (!model) return fail(model.error());
  const json& resources = model->contains("Resources") ? (*model)["Resources"] : json();
  const json template_parameters = model->contains("Parameters") ? (*model)["Parameters"] : json();
  if (!resources.is_object()) return std::optional<FunctionView>();
  const json* match = nullptr;
  const json* unnamed = nullptr;
  int functions = 0;
  for (const auto& [logical_id, resource] : resources.items()) {
    if (!resource.is_object() || resource.value("Type", "") != "AWS::Lambda::Function") continue;
    ++functions;
    const json& props = resource.contains("Properties") ? resource["Properties"] : json();
    auto name = props.is_object() && props.contains("FunctionName")
                    ? literal(props["FunctionName"], template_parameters, parameters)
                    : std::nullopt;
    if (name && *name == function_name) match = &resource;
    if (!props.is_object() || !props.contains("FunctionName")) unnamed = &resource;
  }
  if (!match && functions == 1 && unnamed) match = unnamed;
  if (!match) return std::optional<FunctionView>();
  const json& props = match->contains("Properties") ? (*match)["Properties"] : json::object();
  auto get = [&](const char* key) -> std::optional<std::string> {
    if (!props.is_object() || !props.contains(key)) return std::nullopt;
    return literal(props[key], template_parameters, parameters);
  };
  FunctionView v;
  v.runtime = get("Runtime");
  v.handler = get("Handler");
  v.role = get("Role");
  v.description = get("Description");
  v.memory = as_int(get("MemorySize"));
  v.timeout = as_int(get("Timeout"));
  if (props.is_object() && props.contains("Environment") && props["Environment"].is_object() &&
      props["Environment"].contains("Variables") && props["Environment"]["Variables"].is_object()) {
    std::map<std::string, std::string> env;
    bool all_literal = true;
    for (const auto& [k, value] : props["Environment"]["Variables"].items()) {
      auto text = literal(value, template_parameters, parameters);
      if (!text) all_literal = false;
      else env[k] = *text;
    }
    if (all_literal) v.environment = env;
  }
  return std::optional<FunctionView>(v);
}

std::vector<DriftLine> compare_function_views(const FunctionView& toml, const FunctionView* deployed,
                                              const FunctionView* stack) {
  std::vector<DriftLine> out;
  // `key`: what two values are compared by (a role name and the ARN of that role are one role).
  auto add = [&](const char* setting, auto pick, auto text, auto key) {
    DriftLine line;
    line.setting = setting;
    if (auto v = pick(toml)) line.toml = text(*v);
    if (deployed)
      if (auto v = pick(*deployed)) line.function = text(*v);
    if (stack)
      if (auto v = pick(*stack)) line.stack = text(*v);
    std::vector<std::string> values;
    for (const auto& v : {line.toml, line.function, line.stack})
      if (v) values.push_back(*v);
    for (const auto& v : values) {
      if (key(v) != key(values.front())) {
        out.push_back(line);
        return;
      }
    }
  };
  auto str = [](const std::string& s) { return s; };
  // lambda-cd.toml may name the role (made an ARN in the caller's account): then roles are compared
  // by name; two ARNs are compared whole.
  const bool toml_names_role = toml.role && toml.role->rfind("arn:", 0) != 0;
  auto role_name = [toml_names_role](const std::string& s) {
    if (!toml_names_role || s.rfind("arn:", 0) != 0) return s;
    auto slash = s.rfind('/');
    return slash == std::string::npos ? s : s.substr(slash + 1);
  };
  auto exact = [](const std::string& s) { return s; };
  auto num = [](int n) { return std::to_string(n); };
  add("runtime", [](const FunctionView& v) { return v.runtime; }, str, exact);
  add("handler", [](const FunctionView& v) { return v.handler; }, str, exact);
  add("memory", [](const FunctionView& v) { return v.memory; }, num, exact);
  add("timeout", [](const FunctionView& v) { return v.timeout; }, num, exact);
  add("description", [](const FunctionView& v) { return v.description; }, str, exact);
  add("environment", [](const FunctionView& v) { return v.environment; }, env_text, exact);
  add("role", [](const FunctionView& v) { return v.role; }, str, role_name);
  return out;
}

std::string describe(const DriftLine& line, const std::string& template_name) {
  std::string out = line.setting + ":";
  auto part = [&](const std::string& who, const std::optional<std::string>& value) {
    if (!value) return;
    out += (out.back() == ':' ? " " : ", ") + who + " " + (value->empty() ? "\"\"" : *value);
  };
  part("lambda-cd.toml", line.toml);
  part("function", line.function);
  part(template_name, line.stack);
  return out;
}

}  // namespace lcd::cli
