#pragma once
// A template body as the CloudFormation API reads it: package::parse_cfn_template with its
// failures as ValidationErrors. Pure.

#include <nlohmann/json_fwd.hpp>

#include <string_view>

#include "util/result.hpp"

namespace lcd::local::cloudformation {

// ValidationError ("Template format error: ...") naming the problem and, when known, the line;
// nesting deeper than package::k_template_max_depth and YAML alias expansion are bounded there.
Result<nlohmann::json> parse_template(std::string_view body);

// An Error with code "ValidationError", HTTP 400.
Error validation_error(std::string message);

}  // namespace lcd::local::cloudformation
