#pragma once
// Lambda function identifiers in every accepted form: "name", "name:qualifier", partial ARN
// "123456789012:function:name[:q]", "region:account:function:name", full ARN
// "arn:aws:lambda:r:acct:function:name[:q]" - matched exactly as AWS's patterns match them.
//
// The patterns are the ones AWS quotes in its ValidationException texts today (responses recorded
// from AWS Lambda in 2025: `(eusc-)?` regions, `\.` in namespaced names, `$LATEST(\.PUBLISHED)?`),
// which are newer than those in the published service model.

#include <optional>
#include <string>
#include <string_view>

namespace lcd::local {

// Which model shape a FunctionName member has: `FunctionName` (Create/Update*/PublishVersion/
// aliases/concurrency: 1-140, no '.', qualifier `$LATEST` or a name) or `NamespacedFunctionName`
// (Get*/Delete/Invoke/ListVersions/policies: 1-256, '.' allowed, `$LATEST.PUBLISHED` too).
enum class NameShape { plain, namespaced };

struct FunctionRef {
  std::string name;
  std::string qualifier;  // empty when none was embedded
  std::string region;     // from an ARN naming one, else empty
  std::string account;    // from a full or partial ARN, else empty
};

std::string_view function_name_pattern(NameShape shape);
size_t function_name_max_length(NameShape shape);  // 140 / 256
// Qualifier members (query string Qualifier): 1-128.
std::string_view qualifier_pattern();
constexpr size_t k_qualifier_max_length = 128;
constexpr size_t k_function_name_part_max = 64;  // the name itself, documented limit

// The parts of `text` when it matches the shape's pattern (length not checked), as the regex's
// first match would capture them; nullopt when it does not match.
std::optional<FunctionRef> match_function_name(std::string_view text, NameShape shape);
// `\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+` (length not checked).
bool matches_qualifier_pattern(std::string_view qualifier);
// Alias names: 1-128 of [a-zA-Z0-9-_], not all digits.
bool is_valid_alias_name(std::string_view name);
// A published version number: digits only, no leading zero, fits in 63 bits.
bool is_version_number(std::string_view text);

std::string function_arn(const std::string& region, const std::string& account, const std::string& name);
std::string qualified_arn(const std::string& region, const std::string& account, const std::string& name,
                          const std::string& qualifier);

}  // namespace lcd::local
