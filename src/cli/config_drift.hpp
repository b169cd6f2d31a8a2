#pragma once
// One function, three descriptions of it: lambda-cd.toml's [function], the function as deployed,
// and the AWS::Lambda::Function in the project's CloudFormation template (what `stack deploy`
// applies). Drift is a setting two of them give different values; a source that leaves a setting
// unset (or computes it, like !GetAtt) has no say. lambda-cd.toml owns the function's settings:
// `deploy` applies it; the template owns the function's existence and the role. Pure apart from
// check_config_drift's reads.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clients/lambda_types.hpp"
#include "pipeline/project_config.hpp"
#include "util/result.hpp"

namespace lcd::cli {

struct FunctionView {
  std::optional<std::string> runtime;
  std::optional<std::string> handler;
  std::optional<std::string> role;
  std::optional<std::string> description;
  std::optional<int> memory;
  std::optional<int> timeout;
  std::optional<std::map<std::string, std::string>> environment;
};

FunctionView view_of(const pipeline::FunctionSettings& toml);
FunctionView view_of(const clients::FunctionConfiguration& deployed);

// The AWS::Lambda::Function of a template body (JSON or YAML) whose FunctionName resolves to
// `function_name` (or the only function when none names itself). Values are literals or Refs to
// parameters (`parameters` first, then the parameter's Default); anything else is left unset.
// nullopt when the template has no such function; an Error when the body does not parse.
Result<std::optional<FunctionView>> function_in_template(std::string_view body,
                                                         const std::map<std::string, std::string>& parameters,
                                                         const std::string& function_name);

struct DriftLine {
  std::string setting;                // "memory", "handler", "environment", ...
  std::optional<std::string> toml;    // each source's value as text; nullopt: that source does not set it
  std::optional<std::string> function;
  std::optional<std::string> stack;
};

// The settings the sources disagree on, in a fixed order. `deployed` / `stack` null: not known.
std::vector<DriftLine> compare_function_views(const FunctionView& toml, const FunctionView* deployed,
                                              const FunctionView* stack);

// "memory: lambda-cd.toml 256, function 128, template.yaml 128"
std::string describe(const DriftLine& line, const std::string& template_name);

struct DriftReport {
  std::vector<DriftLine> lines;
  bool function_exists = false;
  bool template_checked = false;  // the template exists and holds the function
  std::string template_name;      // "template.yaml"
  std::string note;               // why the template was not compared, when it was not
};

}  // namespace lcd::cli
