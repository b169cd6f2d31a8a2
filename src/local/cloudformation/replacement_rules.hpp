#pragma once
// Which property changes replace a resource, per AWS's resource type reference ("Update requires:
// Replacement" vs "No interruption" / "Some interruptions"). A change set reports these as
// RequiresRecreation, and the stack update replaces exactly when they say so. Pure.

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace lcd::local::cloudformation {

enum class Recreation { never, conditionally, always };

// "Never" | "Conditionally" | "Always", as change sets spell RequiresRecreation.
const char* to_string(Recreation recreation);

// For a type the table does not know, every property is `conditionally`: the engine cannot say.
Recreation property_recreation(const std::string& type, const std::string& property);

// True when the table has an entry for `type`.
bool has_replacement_rules(const std::string& type);

// The top-level properties whose values differ between `before` and `after` (both objects of
// evaluated properties), sorted.
std::vector<std::string> changed_properties(const nlohmann::json& before, const nlohmann::json& after);

// True when changing `before` into `after` replaces the resource: some changed property is
// `always` (or `conditionally`, decided as a replacement once values are known).
bool requires_replacement(const std::string& type, const nlohmann::json& before, const nlohmann::json& after);

}  // namespace lcd::local::cloudformation
