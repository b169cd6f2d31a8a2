#pragma once
// A template made ready for a stack operation: parsed, expanded when it declares the SAM
// transform, analyzed, its parameters resolved and its Conditions evaluated. What a stack
// deploys, a change set plans and GetTemplate's Processed stage returns. Pure.

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "local/cloudformation/intrinsics.hpp"
#include "local/cloudformation/template_analysis.hpp"
#include "util/result.hpp"

namespace lcd::local::cloudformation {

inline constexpr size_t k_max_template_bytes = 51200;

struct PreparedTemplate {
  nlohmann::json model;                          // processed: what the resources come from
  bool transformed = false;                      // the original declared the SAM transform
  std::vector<std::string> declared_transforms;  // from the original
  TemplateInfo info;                             // of the processed model
  std::map<std::string, nlohmann::json> parameters;  // resolved
  std::map<std::string, bool> conditions;
  StackIdentity identity;

  // An evaluation context over this template (its Mappings, parameters, conditions); resources
  // are the caller's to fill.
  EvalContext eval_context() const;
  // The processed template as CloudFormation's GetTemplate returns it (JSON text).
  std::string processed_text() const { return model.dump(); }
};

// The size limit, parse, SAM expansion, analysis, parameters and conditions. Does not check
// capabilities (required_capabilities says what is needed).
Result<PreparedTemplate> prepare_template(std::string_view body, const std::map<std::string, std::string>& given,
                                          const StackIdentity& identity);

// Capabilities the operation needs: IAM ones from the processed resources, plus
// CAPABILITY_AUTO_EXPAND when a transform ran and the operation is not a change set.
std::vector<std::string> required_capabilities(const PreparedTemplate& prepared, bool for_change_set);

// Resolved parameters as DescribeStacks shows them (lists joined with commas).
std::vector<std::pair<std::string, std::string>> display_parameters(const std::map<std::string, nlohmann::json>& resolved);

// A resource's Properties evaluated, with the numbers CloudFormation's resource schemas declare
// (MemorySize, Timeout, ...) converted from the strings parameters and Fn::Sub produce.
Result<nlohmann::json> evaluate_properties(const nlohmann::json& resource, const EvalContext& ctx);

// True when `resource` has no Condition or its condition holds.
bool resource_enabled(const nlohmann::json& resource, const std::map<std::string, bool>& conditions);

}  // namespace lcd::local::cloudformation
