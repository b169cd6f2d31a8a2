#include "local/cloudformation/stack_template.hpp"

#include <algorithm>

#include "local/cloudformation/sam_transform.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {

using nlohmann::json;

EvalContext PreparedTemplate::eval_context() const {
  EvalContext ctx;
  ctx.identity = identity;
  ctx.parameters = parameters;
  ctx.conditions = conditions;
  ctx.mappings = model.contains("Mappings") ? &model["Mappings"] : nullptr;
  return ctx;
}

Result<PreparedTemplate> prepare_template(std::string_view body, const std::map<std::string, std::string>& given,
                                          const StackIdentity& identity) {
  if (body.size() > k_max_template_bytes) {
    return fail(validation_error("1 validation error detected: Value '[...]' at 'templateBody' failed to satisfy "
                                 "constraint: Member must have length less than or equal to 51200"));
  }
  auto original = parse_template(body);
  if (!original) return fail(original.error());
  PreparedTemplate p;
  p.identity = identity;
  auto header = analyze_template_header(*original);
  if (!header) return fail(header.error());
  p.declared_transforms = header->declared_transforms;
  if (!p.declared_transforms.empty()) {
    auto params = resolve_parameters(header->parameters, given);
    if (!params) return fail(params.error());
    auto expanded = expand_serverless(*original, *params, identity.region);
    if (!expanded) return fail(expanded.error());
    p.model = std::move(*expanded);
    p.transformed = true;
  } else {
    p.model = std::move(*original);
  }
  auto info = analyze_template(p.model);
  if (!info) return fail(info.error());
  p.info = std::move(*info);
  auto params = resolve_parameters(p.info.parameters, given);
  if (!params) return fail(params.error());
  p.parameters = std::move(*params);
  EvalContext ctx = p.eval_context();
  auto conditions = evaluate_conditions(p.model.value("Conditions", json()), ctx);
  if (!conditions) return fail(conditions.error());
  p.conditions = std::move(*conditions);
  return p;
}

std::vector<std::string> required_capabilities(const PreparedTemplate& prepared, bool for_change_set) {
  std::vector<std::string> caps = prepared.info.capabilities;
  if (prepared.transformed && !for_change_set) caps.push_back("CAPABILITY_AUTO_EXPAND");
  return caps;
}

std::vector<std::pair<std::string, std::string>> display_parameters(const std::map<std::string, json>& resolved) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : resolved) {
    if (v.is_array()) {
      std::vector<std::string> items;
      for (const auto& i : v) items.push_back(i.is_string() ? i.get<std::string>() : i.dump());
      out.emplace_back(k, join(items, ","));
    } else {
      out.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
    }
  }
  return out;
}

namespace {

// "128" -> 128, "0.5" -> 0.5; anything else stays as it is (the service then says what is wrong).
void make_number(json& value, bool integer) {
  if (!value.is_string()) return;
  const std::string& text = value.get_ref<const std::string&>();
  try {
    size_t used = 0;
    if (integer) {
      long long n = std::stoll(text, &used);
      if (used == text.size()) value = n;
    } else {
      double d = std::stod(text, &used);
      if (used == text.size()) value = d;
    }
  } catch (const std::exception&) {
  }
}

}  // namespace

Result<json> evaluate_properties(const json& resource, const EvalContext& ctx) {
  auto props = evaluate(resource.value("Properties", json::object()), ctx);
  if (!props || !props->is_object()) return props;
  const std::string type = resource.value("Type", "");
  if (type == "AWS::Lambda::Function") {
    for (const char* key : {"MemorySize", "Timeout", "ReservedConcurrentExecutions"}) {
      if (props->contains(key)) make_number((*props)[key], true);
    }
    if (props->contains("EphemeralStorage") && (*props)["EphemeralStorage"].is_object() &&
        (*props)["EphemeralStorage"].contains("Size")) {
      make_number((*props)["EphemeralStorage"]["Size"], true);
    }
  } else if (type == "AWS::Lambda::Alias" && props->contains("RoutingConfig") && (*props)["RoutingConfig"].is_object()) {
    auto& weights = (*props)["RoutingConfig"]["AdditionalVersionWeights"];
    if (weights.is_array()) {
      for (auto& w : weights) {
        if (w.is_object() && w.contains("FunctionWeight")) make_number(w["FunctionWeight"], false);
      }
    }
  }
  return props;
}

bool resource_enabled(const json& resource, const std::map<std::string, bool>& conditions) {
  if (!resource.is_object() || !resource.contains("Condition")) return true;
  if (!resource["Condition"].is_string()) return false;
  auto it = conditions.find(resource["Condition"].get<std::string>());
  return it != conditions.end() && it->second;
}

}  // namespace lcd::local::cloudformation
