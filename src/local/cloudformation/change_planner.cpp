#include "local/cloudformation/change_planner.hpp"

#include <set>

#include "local/cloudformation/replacement_rules.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

const json& property_of(const json* model, const std::string& logical, const std::string& property) {
  static const json none;
  if (!model || !model->contains("Resources")) return none;
  const json& resources = (*model)["Resources"];
  if (!resources.contains(logical) || !resources[logical].is_object()) return none;
  const json& resource = resources[logical];
  if (!resource.contains("Properties") || !resource["Properties"].is_object()) return none;
  const json& props = resource["Properties"];
  return props.contains(property) ? props[property] : none;
}

// Why `property` of `logical` changed, the way change sets explain it.
std::vector<ChangeDetail> explain(const PlanInput& input, const PreparedTemplate& next, const EvalContext& ctx,
                                  const std::string& logical, const std::string& type, const std::string& property) {
  ChangeDetail base;
  base.name = property;
  base.requires_recreation = to_string(property_recreation(type, property));
  std::vector<ChangeDetail> out;
  const json& before = property_of(input.deployed_model, logical, property);
  const json& after = property_of(&next.model, logical, property);
  if (!input.deployed_model || before != after) {
    ChangeDetail d = base;
    d.evaluation = "Static";
    d.change_source = "DirectModification";
    out.push_back(d);
  }
  References refs = references_in(after);
  for (const auto& name : out.empty() ? refs.refs : std::set<std::string>()) {
    auto now = next.parameters.find(name);
    if (now == next.parameters.end()) continue;
    auto then = input.deployed_parameters.find(name);
    if (then != input.deployed_parameters.end() && then->second == now->second) continue;
    ChangeDetail d = base;
    d.evaluation = "Static";
    d.change_source = "ParameterReference";
    d.causing_entity = name;
    out.push_back(d);
  }
  for (const auto& name : refs.refs) {
    if (!ctx.unknown.count(name)) continue;
    ChangeDetail d = base;
    d.evaluation = "Dynamic";
    d.change_source = "ResourceReference";
    d.causing_entity = name;
    out.push_back(d);
  }
  for (const auto& path : refs.attribute_paths) {
    if (!ctx.unknown.count(path.substr(0, path.find('.')))) continue;
    ChangeDetail d = base;
    d.evaluation = "Dynamic";
    d.change_source = "ResourceAttribute";
    d.causing_entity = path;
    out.push_back(d);
  }
  if (out.empty()) {
    ChangeDetail d = base;
    d.evaluation = "Static";
    d.change_source = "DirectModification";
    out.push_back(d);
  }
  return out;
}

}  // namespace

Result<std::vector<ResourceChange>> plan_changes(const PlanInput& input, const PreparedTemplate& next) {
  EvalContext ctx = next.eval_context();
  for (const auto& [logical, current] : input.current) ctx.resources[logical] = current.state;
  const json& resources = next.model["Resources"];
  std::vector<ResourceChange> changes;
  std::set<std::string> kept;
  std::set<std::string> retyped;
  for (const auto& logical : next.info.creation_order) {
    const json& resource = resources[logical];
    if (!resource_enabled(resource, next.conditions)) continue;
    std::string type = resource["Type"];
    auto current = input.current.find(logical);
    if (current != input.current.end() && current->second.type != type) {
      retyped.insert(logical);
      continue;
    }
    auto properties = evaluate_properties(resource, ctx);
    bool depends_on_unknown = false;
    for (const auto& dep : next.info.dependencies.at(logical)) depends_on_unknown |= ctx.unknown.count(dep) > 0;
    if (!properties) {
      // An unknown value fed to a function that needs a real one (Fn::Select over a list attribute).
      if (!depends_on_unknown) return fail(properties.error());
      properties = json{{"*", unknown_value(logical)}};
    }
    if (current == input.current.end()) {
      changes.push_back(ResourceChange{"Add", logical, "", type, "", {}, {}});
      ctx.resources.erase(logical);
      ctx.unknown.insert(logical);
      continue;
    }
    kept.insert(logical);
    auto names = changed_properties(current->second.properties, *properties);
    if (names.empty()) continue;
    ResourceChange change{"Modify", logical, current->second.physical_id, type, "False", {"Properties"}, {}};
    bool replaces = false, maybe = false;
    for (const auto& name : names) {
      auto recreation = property_recreation(type, name);
      bool dynamic = contains_unknown(properties->value(name, json()));
      if (recreation == Recreation::always && !dynamic) replaces = true;
      if (recreation != Recreation::never) maybe = true;
      auto details = explain(input, next, ctx, logical, type, name);
      change.details.insert(change.details.end(), details.begin(), details.end());
    }
    change.replacement = replaces ? "True" : maybe ? "Conditional" : "False";
    if (change.replacement != "False") {
      ctx.resources.erase(logical);
      ctx.unknown.insert(logical);
    }
    changes.push_back(std::move(change));
  }
  if (!retyped.empty()) {
    return fail(validation_error("Update of resource type is not permitted. The new template modifies resource type "
                                 "of the following resources: [" +
                                 join(std::vector<std::string>(retyped.begin(), retyped.end()), ", ") + "]"));
  }
  for (const auto& [logical, current] : input.current) {
    if (kept.count(logical)) continue;
    changes.push_back(ResourceChange{"Remove", logical, current.physical_id, current.type, "", {}, {}});
  }
  return changes;
}

}  // namespace lcd::local::cloudformation
