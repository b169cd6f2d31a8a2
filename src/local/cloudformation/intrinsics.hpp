#pragma once
// Evaluation of CloudFormation intrinsic functions over the JSON model: Ref, Fn::GetAtt, Fn::Join,
// Fn::Sub (both forms), Fn::Select, Fn::Split, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or,
// Fn::FindInMap, Fn::Base64, Fn::GetAZs, Fn::Length, Fn::ToJsonString, Condition and the pseudo
// parameters. Pure: everything it may look up is in the EvalContext.

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace lcd::local::cloudformation {

struct StackIdentity {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  std::string stack_name;
  std::string stack_id;
};

// What a created resource exposes: Ref value and Fn::GetAtt attributes.
struct ResourceState {
  std::string ref;
  std::map<std::string, nlohmann::json> attributes;
};

struct EvalContext {
  StackIdentity identity;
  std::map<std::string, nlohmann::json> parameters;  // resolved (string, or array for list types)
  std::map<std::string, bool> conditions;            // evaluated Conditions section
  const nlohmann::json* mappings = nullptr;           // the Mappings section, when present
  std::map<std::string, ResourceState> resources;    // created so far
  // Resources whose Ref and attributes are not known yet (a change set's additions and
  // replacements): Ref and Fn::GetAtt of them yield unknown_value(name) instead of failing.
  std::set<std::string> unknown;
};

// The placeholder text an unknown Ref/GetAtt evaluates to ("{{lcd:unknown:Fn.Arn}}"); any string
// containing one is a value known only when the change is executed.
std::string unknown_value(const std::string& reference);
// True when `value` (at any depth) contains an unknown_value placeholder.
bool contains_unknown(const nlohmann::json& value);

// The intrinsic function names the engine understands (also "Ref" and "Condition").
const std::set<std::string>& supported_functions();

// Evaluates every intrinsic inside `value`; Ref AWS::NoValue removes the enclosing key or list
// item (a top-level NoValue yields null). ValidationError on bad arguments or unknown names.
Result<nlohmann::json> evaluate(const nlohmann::json& value, const EvalContext& context);

// Evaluates one condition expression (Fn::Equals/Not/And/Or/Condition) to a boolean.
Result<bool> evaluate_condition(const nlohmann::json& value, const EvalContext& context);

// Evaluates the template's Conditions section in dependency order (circular -> ValidationError).
Result<std::map<std::string, bool>> evaluate_conditions(const nlohmann::json& conditions, EvalContext context);

// The pseudo parameter value, or null when `name` is not one (AWS::NoValue is handled by evaluate).
nlohmann::json pseudo_parameter(const std::string& name, const StackIdentity& identity);

// Splits a Fn::Sub string into literal text and ${...} variable names ("${!Literal}" stays literal).
struct SubPart {
  bool is_variable = false;
  std::string text;  // literal text, or the variable name (e.g. "AWS::Region", "Fn.Arn")
};
Result<std::vector<SubPart>> parse_sub(const std::string& text);

}  // namespace lcd::local::cloudformation
