#pragma once
// CloudFormation template bodies (JSON or YAML) -> one JSON model. YAML short-form tags (!Ref,
// !GetAtt, !Sub, ...) become their long form ({"Ref": ...}, {"Fn::GetAtt": [...]}, ...), so every
// later stage sees a single representation. Pure.

#include <nlohmann/json_fwd.hpp>

#include <string_view>

#include "util/result.hpp"

namespace lcd::local::cloudformation {

// ValidationError ("Template format error: ...") naming the problem and, when known, the line.
Result<nlohmann::json> parse_template(std::string_view body);

// An Error with code "ValidationError", HTTP 400.
Error validation_error(std::string message);

}  // namespace lcd::local::cloudformation
