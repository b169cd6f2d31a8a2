#pragma once
// What a stack operation will do, resource by resource, as a change set describes it: Add,
// Modify (with Replacement True / False / Conditional, Scope and Details) or Remove. Values that
// depend on a resource being added or replaced are not known before execution: they make the
// change Dynamic, and a replacing property that is Dynamic makes the replacement Conditional.
// The stack update applies the same rules (replacement_rules.hpp) with the values then known, so
// it does what the change set said. Pure.

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "local/cloudformation/intrinsics.hpp"
#include "local/cloudformation/stack_template.hpp"
#include "util/result.hpp"

namespace lcd::local::cloudformation {

struct ChangeDetail {
  std::string attribute = "Properties";  // ResourceTargetDefinition.Attribute
  std::string name;                      // the property
  std::string requires_recreation;       // Never | Conditionally | Always
  std::string evaluation;                // Static | Dynamic
  std::string change_source;             // DirectModification | ParameterReference | ResourceReference | ResourceAttribute
  std::string causing_entity;            // parameter, "Resource" or "Resource.Attribute"; empty for direct changes
};

struct ResourceChange {
  std::string action;  // Add | Modify | Remove
  std::string logical_id;
  std::string physical_id;  // Modify and Remove
  std::string type;
  std::string replacement;  // Modify only: True | False | Conditional
  std::vector<std::string> scope;
  std::vector<ChangeDetail> details;
};

// A resource the stack has now.
struct CurrentResource {
  std::string type;
  std::string physical_id;
  nlohmann::json properties;  // as last evaluated and applied
  ResourceState state;
};

struct PlanInput {
  const nlohmann::json* deployed_model = nullptr;  // the stack's processed template; null for a new stack
  std::map<std::string, nlohmann::json> deployed_parameters;
  std::map<std::string, CurrentResource> current;
};

// The changes that take the stack from `input` to `next`, in the order they would run (additions
// and modifications in dependency order, then removals). ValidationError when the new template
// changes the type of an existing resource (CloudFormation does not allow that).
Result<std::vector<ResourceChange>> plan_changes(const PlanInput& input, const PreparedTemplate& next);

}  // namespace lcd::local::cloudformation
