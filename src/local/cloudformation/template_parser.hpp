#pragma once
// CloudFormation template bodies (JSON or YAML) -> one JSON model. YAML short-form tags (!Ref,
// !GetAtt, !Sub, ...) become their long form ({"Ref": ...}, {"Fn::GetAtt": [...]}, ...), so every
// later stage sees a single representation. Pure.

#include <nlohmann/json_fwd.hpp>

#include <string_view>

#include "util/result.hpp"

namespace lcd::local::cloudformation {

// Deeper templates are refused: every stage after parsing walks the model recursively.
inline constexpr int k_template_max_depth = 100;

// ValidationError ("Template format error: ...") naming the problem and, when known, the line.
// YAML aliases are expanded within a budget of values proportional to the body's size, so an
// alias cycle or a "billion laughs" template is an error rather than a hang or a crash.
Result<nlohmann::json> parse_template(std::string_view body);

// An Error with code "ValidationError", HTTP 400.
Error validation_error(std::string message);

}  // namespace lcd::local::cloudformation
