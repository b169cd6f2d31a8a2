#include "local/cloudformation/replacement_rules.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <set>

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

struct TypeRules {
  bool every_property_replaces = false;  // all properties create-only (AWS::Lambda::Permission)
  std::set<std::string> replacing;       // "Update requires: Replacement"
};

// From the AWS resource and property type reference (docs.aws.amazon.com/AWSCloudFormation/latest/
// TemplateReference/aws-resource-<service>-<type>.html), "Update requires" of each property. Every
// property not listed updates in place (No interruption / Some interruptions).
const std::map<std::string, TypeRules>& rules() {
  static const std::map<std::string, TypeRules> table = {
      {"AWS::Lambda::Function", {false, {"FunctionName", "PackageType"}}},
      {"AWS::Lambda::Version", {false, {"FunctionName", "CodeSha256", "Description", "RuntimePolicy"}}},
      {"AWS::Lambda::Alias", {false, {"FunctionName", "Name"}}},
      {"AWS::Lambda::Permission", {true, {}}},
      {"AWS::Lambda::EventInvokeConfig", {false, {"FunctionName", "Qualifier"}}},
      {"AWS::Lambda::Url", {false, {"TargetFunctionArn", "Qualifier"}}},
      {"AWS::Lambda::LayerVersion", {true, {}}},
      {"AWS::S3::Bucket", {false, {"BucketName"}}},
      {"AWS::IAM::Role", {false, {"RoleName", "Path"}}},
      {"AWS::IAM::Policy", {false, {}}},
      {"AWS::IAM::ManagedPolicy", {false, {"ManagedPolicyName", "Path", "Description"}}},
      {"AWS::IAM::User", {false, {"UserName"}}},
      {"AWS::IAM::InstanceProfile", {false, {"InstanceProfileName", "Path"}}},
      {"AWS::SQS::Queue", {false, {"QueueName", "FifoQueue"}}},
      {"AWS::SNS::Topic", {false, {"TopicName", "FifoTopic"}}},
      {"AWS::DynamoDB::Table", {false, {"TableName", "KeySchema"}}},
      {"AWS::Logs::LogGroup", {false, {"LogGroupName"}}},
  };
  return table;
}

}  // namespace

const char* to_string(Recreation recreation) {
  switch (recreation) {
    case Recreation::never: return "Never";
    case Recreation::conditionally: return "Conditionally";
    case Recreation::always: return "Always";
  }
  return "Conditionally";
}

bool has_replacement_rules(const std::string& type) { return rules().count(type) > 0; }

Recreation property_recreation(const std::string& type, const std::string& property) {
  auto it = rules().find(type);
  if (it == rules().end()) return Recreation::conditionally;
  if (it->second.every_property_replaces || it->second.replacing.count(property)) return Recreation::always;
  return Recreation::never;
}

std::vector<std::string> changed_properties(const json& before, const json& after) {
  std::set<std::string> names;
  const json empty = json::object();
  const json& b = before.is_object() ? before : empty;
  const json& a = after.is_object() ? after : empty;
  for (const auto& [key, value] : b.items()) {
    if (!a.contains(key) || a[key] != value) names.insert(key);
  }
  for (const auto& [key, value] : a.items()) {
    if (!b.contains(key) || b[key] != value) names.insert(key);
  }
  return {names.begin(), names.end()};
}

bool requires_replacement(const std::string& type, const json& before, const json& after) {
  for (const auto& property : changed_properties(before, after)) {
    if (property_recreation(type, property) != Recreation::never) return true;
  }
  return false;
}

}  // namespace lcd::local::cloudformation
