#pragma once
// Static checks over a parsed template and the facts stack operations need from it: declared
// parameters, required capabilities, resource dependencies and creation order. Pure.

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "local/cloudformation/intrinsics.hpp"
#include "util/result.hpp"

namespace lcd::local::cloudformation {

struct ParameterDecl {
  std::string name;
  std::string type;
  std::optional<std::string> default_value;
  std::vector<std::string> allowed_values;
  std::string allowed_pattern;
  std::optional<int64_t> min_length, max_length;
  std::optional<double> min_value, max_value;
  bool no_echo = false;
  std::string description;
};

struct TemplateInfo {
  std::string description;
  std::vector<ParameterDecl> parameters;
  std::vector<std::string> capabilities;       // required: CAPABILITY_IAM / CAPABILITY_NAMED_IAM / AUTO_EXPAND
  std::string capabilities_reason;
  std::vector<std::string> declared_transforms;
  std::map<std::string, std::set<std::string>> dependencies;  // logical id -> resources it needs first
  std::vector<std::string> creation_order;                    // dependencies before dependents
};

// The template's sections, format version, Description, Transform and Parameters, without the
// resources (what ValidateTemplate reports for a template whose resources a transform still has to
// expand).
Result<TemplateInfo> analyze_template_header(const nlohmann::json& model);

// Validates sections, resource entries (Type, known required properties), intrinsic function
// names, Ref/GetAtt/Sub/DependsOn targets and Condition names, and orders resources.
// Every failure is a ValidationError naming the problem ("Circular dependency between
// resources: [A, B]", "Template format error: Unresolved resource dependencies [X] ...", ...).
Result<TemplateInfo> analyze_template(const nlohmann::json& model);

// What a template fragment refers to (intrinsic names are not checked here).
struct References {
  std::set<std::string> refs;        // Ref targets and ${Name} in Fn::Sub (parameters, pseudo parameters, resources)
  std::set<std::string> getatts;     // resources named by Fn::GetAtt or ${X.Attr}
  std::set<std::string> attribute_paths;  // "X.Attr" of those
  std::set<std::string> conditions;  // Fn::If / Condition names
};
References references_in(const nlohmann::json& value);

// Resource types this engine can create.
bool is_supported_resource_type(const std::string& type);

// Resolves parameter values: given values, then defaults; checks types, AllowedValues,
// AllowedPattern, lengths and ranges. List types become JSON arrays.
Result<std::map<std::string, nlohmann::json>> resolve_parameters(const std::vector<ParameterDecl>& decls,
                                                                 const std::map<std::string, std::string>& given);

// InsufficientCapabilitiesException "Requires capabilities : [CAPABILITY_IAM]" naming the first
// of `required` missing from `granted` (CAPABILITY_NAMED_IAM grants CAPABILITY_IAM too).
Result<void> check_capabilities(const std::vector<std::string>& required, const std::vector<std::string>& granted);

}  // namespace lcd::local::cloudformation
