#pragma once
// Lambda function identifiers in every accepted form (aws-api-notes §2): "name", "name:qualifier",
// partial ARN "123456789012:function:name[:q]", full ARN "arn:aws:lambda:r:acct:function:name[:q]".

#include <string>
#include <string_view>

#include "util/result.hpp"

namespace lcd::local {

struct FunctionRef {
  std::string name;
  std::string qualifier;  // empty when none was embedded
  std::string region;     // from a full ARN, else empty
  std::string account;    // from a full or partial ARN, else empty
};

// Fails with ErrorKind::invalid (the caller answers ValidationException) when the text does not match
// the FunctionName pattern. `allow_dot` accepts '.' in names (NamespacedFunctionName).
Result<FunctionRef> parse_function_ref(std::string_view text, bool allow_dot = false);

// "$LATEST", a version number, or an alias name: `[a-zA-Z0-9-_$]+`, 1-128.
bool is_valid_qualifier(std::string_view qualifier);
// Alias names: 1-128 of [a-zA-Z0-9-_], not all digits.
bool is_valid_alias_name(std::string_view name);
// A published version number: digits only, no leading zero, fits in 63 bits.
bool is_version_number(std::string_view text);

std::string function_arn(const std::string& region, const std::string& account, const std::string& name);
std::string qualified_arn(const std::string& region, const std::string& account, const std::string& name,
                          const std::string& qualifier);

}  // namespace lcd::local
