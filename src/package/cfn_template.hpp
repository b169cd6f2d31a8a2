#pragma once
// CloudFormation template text (JSON or YAML) -> one JSON model. YAML short-form tags (!Ref,
// !GetAtt, !Sub, ...) become their long form ({"Ref": ...}, {"Fn::GetAtt": [...]}, ...), so every
// later stage sees a single representation, the way CloudFormation reads a template. Shared by
// `stack deploy` (which packages local code paths) and the local endpoint's CloudFormation. Pure.

#include <nlohmann/json_fwd.hpp>

#include <string_view>

#include "util/result.hpp"

namespace lcd::package {

// Deeper templates are refused: every stage after parsing walks the model recursively.
inline constexpr int k_template_max_depth = 100;

// ErrorKind::invalid, "Template format error: ..." naming the problem and, when known, the line.
// YAML aliases are expanded within a budget of values proportional to the body's size, so an
// alias cycle or a "billion laughs" template is an error rather than a hang or a crash.
Result<nlohmann::json> parse_cfn_template(std::string_view body);

}  // namespace lcd::package
