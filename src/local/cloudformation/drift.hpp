#pragma once
// Drift between what a stack set on a resource and what the resource has now, as CloudFormation's
// drift detection reports it: only the properties the template set are compared (a property left
// to its default is not drift), each difference with its JSON pointer path. Pure.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace lcd::local::cloudformation {

struct PropertyDifference {
  std::string path;      // "/MemorySize", "/Environment/Variables/STAGE"
  std::string expected;  // JSON text; "" when the resource has a value the template did not set
  std::string actual;    // JSON text; "" when the resource lost a value the template set
  std::string type;      // ADD | REMOVE | NOT_EQUAL
};

// `expected`: the properties as the stack applied them; `actual`: the resource as it is, in the
// same shape. Object members the template set are compared recursively; lists as a whole.
std::vector<PropertyDifference> property_differences(const nlohmann::json& expected, const nlohmann::json& actual);

struct ResourceDrift {
  std::string logical_id, physical_id, type;
  std::string status;  // IN_SYNC | MODIFIED | DELETED | NOT_CHECKED
  nlohmann::json expected, actual;
  std::vector<PropertyDifference> differences;
  std::string timestamp;
};

struct StackDriftRecord {
  std::string detection_id;
  std::string status;  // DRIFTED | IN_SYNC | UNKNOWN
  std::string timestamp;
  std::vector<ResourceDrift> resources;
};

nlohmann::json drift_to_json(const StackDriftRecord& record);
StackDriftRecord drift_from_json(const nlohmann::json& j);

}  // namespace lcd::local::cloudformation
