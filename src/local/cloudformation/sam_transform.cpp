#include "local/cloudformation/sam_transform.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>
#include <set>
#include <vector>

#include "local/cloudformation/intrinsics.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

constexpr const char* k_function_type = "AWS::Serverless::Function";

// AWS::Serverless::Function properties this expansion reproduces; every other property SAM knows
// generates resources or behaviour lambda-cd does not serve.
const std::set<std::string>& supported_function_properties() {
  static const std::set<std::string> names = {
      "FunctionName", "Handler", "Runtime", "CodeUri", "InlineCode", "PackageType", "Description", "MemorySize",
      "Timeout", "Role", "Policies", "Environment", "Tags", "AutoPublishAlias", "VersionDescription",
      "VersionDeletionPolicy", "Architectures", "EphemeralStorage", "KmsKeyArn", "Layers",
      "ReservedConcurrentExecutions", "Tracing", "VpcConfig", "LoggingConfig", "AssumeRolePolicyDocument",
      "PermissionsBoundary", "RolePath", "RecursiveLoop", "RuntimeManagementConfig", "Events"};
  return names;
}

// The Function properties SAM lets Globals carry (its Globals plugin's list).
const std::set<std::string>& global_function_properties() {
  static const std::set<std::string> names = {
      "Handler", "Runtime", "CodeUri", "DeadLetterQueue", "Description", "MemorySize", "Timeout", "VpcConfig",
      "Environment", "Tags", "PropagateTags", "Tracing", "KmsKeyArn", "AutoPublishAlias",
      "AutoPublishAliasAllProperties", "Layers", "DeploymentPreference", "RolePath", "PermissionsBoundary",
      "ReservedConcurrentExecutions", "ProvisionedConcurrencyConfig", "AssumeRolePolicyDocument",
      "EventInvokeConfig", "FileSystemConfigs", "CodeSigningConfigArn", "Architectures", "SnapStart",
      "EphemeralStorage", "FunctionUrlConfig", "RuntimeManagementConfig", "LoggingConfig", "RecursiveLoop",
      "SourceKMSKeyArn", "TenancyConfig", "DurableConfig", "CapacityProviderConfig", "FunctionScalingConfig",
      "PublishToLatestPublished", "VersionDeletionPolicy"};
  return names;
}

const std::set<std::string>& global_sections() {
  static const std::set<std::string> names = {"Function",     "Api",          "HttpApi",       "SimpleTable",
                                              "StateMachine", "LayerVersion", "CapacityProvider", "WebSocketApi"};
  return names;
}

// AWS managed policies that live under a path (the rest are at arn:<partition>:iam::aws:policy/<Name>).
const std::map<std::string, std::string>& managed_policy_paths() {
  static const std::map<std::string, std::string> paths = {
      {"AWSLambdaBasicExecutionRole", "service-role/"},   {"AWSLambdaDynamoDBExecutionRole", "service-role/"},
      {"AWSLambdaENIManagementAccess", "service-role/"},  {"AWSLambdaKinesisExecutionRole", "service-role/"},
      {"AWSLambdaMSKExecutionRole", "service-role/"},     {"AWSLambdaRole", "service-role/"},
      {"AWSLambdaSQSQueueExecutionRole", "service-role/"}, {"AWSLambdaVPCAccessExecutionRole", "service-role/"},
      {"AWSLambdaReplicator", "aws-service-role/"}};
  return paths;
}

std::string partition_of(const std::string& region) {
  if (starts_with(region, "cn-")) return "aws-cn";
  if (starts_with(region, "us-gov-")) return "aws-us-gov";
  return "aws";
}

std::string managed_policy_arn(const std::string& name, const std::string& partition) {
  if (starts_with(name, "arn:")) return name;
  auto path = managed_policy_paths().find(name);
  return "arn:" + partition + ":iam::aws:policy/" + (path == managed_policy_paths().end() ? "" : path->second) + name;
}

bool is_intrinsic(const json& value) {
  if (!value.is_object() || value.size() != 1) return false;
  const auto& key = value.begin().key();
  return key == "Ref" || key == "Condition" || starts_with(key, "Fn::");
}

// Problems found, reported together as SAM does.
struct Problems {
  std::vector<std::string> messages;
  void resource(const std::string& logical_id, const std::string& message) {
    messages.push_back("Resource with id [" + logical_id + "] is invalid. " + message);
  }
};

// SAM's resolve_parameter_refs: Ref to a parameter becomes its value; Fn::Sub strings get the
// parameters' values substituted; every other intrinsic stays as written.
json resolve_parameter_refs(const json& value, const std::map<std::string, json>& parameters) {
  if (value.is_object()) {
    if (value.size() == 1 && value.contains("Ref") && value["Ref"].is_string()) {
      auto p = parameters.find(value["Ref"].get<std::string>());
      if (p != parameters.end()) return p->second;
      return value;
    }
    if (value.size() == 1 && value.contains("Fn::Sub")) {
      json arg = value["Fn::Sub"];
      json* text = arg.is_string() ? &arg : (arg.is_array() && !arg.empty() && arg[0].is_string() ? &arg[0] : nullptr);
      if (text) {
        auto parts = parse_sub(text->get<std::string>());
        if (parts) {
          std::string out;
          for (const auto& part : *parts) {
            auto p = part.is_variable ? parameters.find(part.text) : parameters.end();
            if (!part.is_variable) {
              // A literal "${!X}" must stay escaped.
              std::string literal;
              for (size_t i = 0; i < part.text.size(); ++i) {
                literal += part.text[i];
                if (part.text[i] == '$' && i + 1 < part.text.size() && part.text[i + 1] == '{') literal += '!';
              }
              out += literal;
            } else if (p != parameters.end() && p->second.is_string()) {
              out += p->second.get<std::string>();
            } else if (p != parameters.end() && p->second.is_number()) {
              out += p->second.dump();
            } else {
              out += "${" + part.text + "}";
            }
          }
          *text = out;
        }
      }
      return json{{"Fn::Sub", arg}};
    }
    json out = json::object();
    for (const auto& [k, v] : value.items()) out[k] = resolve_parameter_refs(v, parameters);
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& v : value) out.push_back(resolve_parameter_refs(v, parameters));
    return out;
  }
  return value;
}

// SAM's Globals merge: maps merge key by key, lists are globals then the function's, anything
// else (scalars, intrinsics, mismatched kinds) is the function's own value.
json merge_global(const json& global, const json& local) {
  auto kind = [](const json& v) { return v.is_object() && !is_intrinsic(v) ? 1 : v.is_array() ? 2 : 0; };
  if (kind(global) != kind(local) || kind(global) == 0) return local;
  if (kind(global) == 2) {
    json out = global;
    for (const auto& item : local) out.push_back(item);
    return out;
  }
  json out = global;
  for (const auto& [k, v] : local.items()) out[k] = out.contains(k) ? merge_global(out[k], v) : v;
  return out;
}

std::optional<json> parse_s3_uri(const std::string& uri) {
  static const std::regex k_s3(R"(^s3://([^/?#]+)/([^?#]+)(\?([^#]*))?$)");
  std::smatch m;
  if (!std::regex_match(uri, m, k_s3)) return std::nullopt;
  json code{{"S3Bucket", m[1].str()}, {"S3Key", m[2].str()}};
  if (m[4].matched) {
    for (const auto& pair : split(m[4].str(), '&')) {
      if (starts_with(pair, "versionId=")) code["S3ObjectVersion"] = pair.substr(10);
    }
  }
  return code;
}

std::optional<json> code_of(const std::string& id, const json& props, Problems& problems) {
  bool inline_code = props.contains("InlineCode") && !props["InlineCode"].is_null();
  bool code_uri = props.contains("CodeUri") && !props["CodeUri"].is_null();
  if (inline_code == code_uri) {
    problems.resource(id, "Only one of 'InlineCode' or 'CodeUri' can be set.");
    return std::nullopt;
  }
  if (inline_code) return json{{"ZipFile", props["InlineCode"]}};
  const json& uri = props["CodeUri"];
  if (uri.is_object()) {
    if (!uri.contains("Bucket") || !uri.contains("Key")) {
      problems.resource(id, "'CodeUri' requires Bucket and Key properties to be specified.");
      return std::nullopt;
    }
    json code{{"S3Bucket", uri["Bucket"]}, {"S3Key", uri["Key"]}};
    if (uri.contains("Version")) code["S3ObjectVersion"] = uri["Version"];
    return code;
  }
  if (uri.is_string()) {
    if (auto code = parse_s3_uri(uri.get<std::string>())) return code;
    problems.resource(id, "'CodeUri' is not a valid S3 Uri of the form 's3://bucket/key' with optional versionId query "
                          "parameter. (A local path must be uploaded first: `aws cloudformation package` or "
                          "`lambda-cd stack deploy` do that.)");
    return std::nullopt;
  }
  problems.resource(id, "'CodeUri' must be of type dict or string.");
  return std::nullopt;
}

json tag_list(const json& tags) {
  json out = json::array({json{{"Key", "lambda:createdBy"}, {"Value", "SAM"}}});
  if (tags.is_object()) {
    for (const auto& [k, v] : tags.items()) out.push_back(json{{"Key", k}, {"Value", v}});
  }
  return out;
}

// Resource attributes SAM copies onto the resources it generates for a function.
json passthrough_attributes(const json& resource) {
  json out = json::object();
  for (const char* name : {"Condition", "DeletionPolicy", "UpdateReplacePolicy"}) {
    if (resource.contains(name)) out[name] = resource[name];
  }
  return out;
}

struct Expanded {
  std::map<std::string, json> resources;
  std::map<std::string, std::string> references;  // "Fn.Alias" -> logical id
};

void expand_function(const std::string& id, const json& resource, const json& globals,
                     const std::map<std::string, json>& parameters, const std::string& partition, Expanded& out,
                     Problems& problems) {
  json props = resource.value("Properties", json::object());
  if (!props.is_object()) {
    problems.resource(id, "Properties of a resource must be an object.");
    return;
  }
  props = merge_global(globals, props);
  size_t before = problems.messages.size();
  for (const auto& [name, value] : props.items()) {
    if (!supported_function_properties().count(name)) {
      problems.resource(id, "Property '" + name + "' of AWS::Serverless::Function is not supported by lambda-cd local.");
    }
  }
  if (props.contains("Events") && props["Events"].is_object()) {
    for (const auto& [event, definition] : props["Events"].items()) {
      std::string type = definition.is_object() && definition.contains("Type") && definition["Type"].is_string()
                             ? definition["Type"].get<std::string>()
                             : "?";
      problems.resource(id, "Event with id [" + event + "] is invalid. Event source type '" + type +
                                "' is not supported by lambda-cd local (no SAM event sources are).");
    }
  }
  json policies = props.value("Policies", json());
  if (!policies.is_null() && !policies.is_array()) policies = json::array({policies});
  for (size_t index = 0; index < (policies.is_array() ? policies.size() : 0); ++index) {
    const json& policy = policies[index];
    bool managed = policy.is_string() || (is_intrinsic(policy) && !policy.contains("Fn::If"));
    if (managed || (policy.is_object() && policy.contains("Statement"))) continue;
    std::string what = policy.is_object() && !policy.empty() ? policy.begin().key() : policy.dump();
    problems.resource(id, "Policy at index " + std::to_string(index) + " in the 'Policies' property (" + what +
                              ") is not supported by lambda-cd local: use managed policy names or ARNs, or policy "
                              "documents with a Statement (no policy templates).");
  }
  if (props.value("PackageType", json("Zip")) != "Zip") {
    problems.resource(id, "PackageType " + props["PackageType"].dump() + " is not supported by lambda-cd local.");
  }
  auto code = code_of(id, props, problems);
  if (!props.contains("Runtime") || !props.contains("Handler")) {
    problems.resource(id, "Runtime and Handler needs to be present when PackageType is of type `Zip`");
  }
  if (problems.messages.size() != before || !code) return;

  json function = json::object();
  function["Type"] = "AWS::Lambda::Function";
  for (const char* attribute : {"DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy", "Metadata"}) {
    if (resource.contains(attribute)) function[attribute] = resource[attribute];
  }
  json fp = json::object();
  for (const char* name : {"FunctionName", "Handler", "Runtime", "Description", "MemorySize", "Timeout", "VpcConfig",
                           "Role", "Environment", "KmsKeyArn", "ReservedConcurrentExecutions", "Layers",
                           "Architectures", "EphemeralStorage", "LoggingConfig", "RecursiveLoop",
                           "RuntimeManagementConfig", "PackageType"}) {
    if (props.contains(name) && !props[name].is_null()) fp[name] = props[name];
  }
  fp["Code"] = *code;
  fp["Tags"] = tag_list(props.value("Tags", json::object()));
  bool tracing = props.contains("Tracing") && props["Tracing"] != "Disabled";
  if (tracing) fp["TracingConfig"] = json{{"Mode", props["Tracing"]}};

  json attributes = passthrough_attributes(resource);
  if (props.contains("AutoPublishAlias")) {
    json alias = resolve_parameter_refs(props["AutoPublishAlias"], parameters);
    if (!alias.is_string()) {
      problems.resource(id, "'AutoPublishAlias' must be a string or a Ref to a template parameter");
      return;
    }
    std::string name = alias.get<std::string>();
    static const std::regex k_alias(R"(^(?!^[0-9]+$)([a-zA-Z0-9\-_]+)$)");
    if (!std::regex_match(name, k_alias)) {
      problems.resource(id, "AutoPublishAlias name ('" + name +
                                "') must contain only alphanumeric characters, hyphens, or underscores matching "
                                "(?!^[0-9]+$)([a-zA-Z0-9-_]+) pattern.");
      return;
    }
    // The version's logical id changes whenever the code location, environment or memory does, so
    // each such deployment publishes a new version and keeps the old ones (DeletionPolicy Retain).
    json resolved_code = resolve_parameter_refs(*code, parameters);
    fp["Code"] = resolved_code;
    json hashed = resolved_code;
    if (fp.contains("Environment") && fp["Environment"].is_object() && !fp["Environment"].empty()) {
      for (const auto& [k, v] : fp["Environment"].items()) hashed[k] = v;
    }
    if (fp.contains("MemorySize") && !fp["MemorySize"].is_null() && fp["MemorySize"] != 0) {
      hashed["MemorySize"] = fp["MemorySize"];
    }
    std::string version_id = id + "Version" + sam_logical_id_hash(hashed);
    json version{{"Type", "AWS::Lambda::Version"}, {"Properties", {{"FunctionName", {{"Ref", id}}}}}};
    for (const auto& [k, v] : attributes.items()) version[k] = v;
    if (!version.contains("DeletionPolicy")) version["DeletionPolicy"] = props.value("VersionDeletionPolicy", json("Retain"));
    if (props.contains("VersionDescription")) version["Properties"]["Description"] = props["VersionDescription"];
    std::string alias_id = id + "Alias" + replace_all(replace_all(name, "-", "D"), "_", "U");
    json alias_resource{{"Type", "AWS::Lambda::Alias"},
                        {"Properties",
                         {{"Name", name},
                          {"FunctionName", {{"Ref", id}}},
                          {"FunctionVersion", {{"Fn::GetAtt", json::array({version_id, "Version"})}}}}}};
    for (const auto& [k, v] : attributes.items()) alias_resource[k] = v;
    out.resources[version_id] = std::move(version);
    out.resources[alias_id] = std::move(alias_resource);
    out.references[id + ".Version"] = version_id;
    out.references[id + ".Alias"] = alias_id;
  }

  bool has_role = props.contains("Role") && !props["Role"].is_null();
  if (has_role && props["Role"].is_object() && props["Role"].contains("Fn::If")) {
    problems.resource(id, "A conditional Role (Fn::If) is not supported by lambda-cd local.");
    return;
  }
  if (!has_role) {
    std::string role_id = id + "Role";
    json managed = json::array({managed_policy_arn("AWSLambdaBasicExecutionRole", partition)});
    if (tracing) managed.push_back(managed_policy_arn("AWSXrayWriteOnlyAccess", partition));
    if (props.contains("VpcConfig")) managed.push_back(managed_policy_arn("AWSLambdaVPCAccessExecutionRole", partition));
    json inline_policies = json::array();
    int index = 0;
    for (const auto& policy : policies.is_array() ? policies : json::array()) {
      json arn;  // checked above: a name or ARN, an intrinsic giving one, or a policy document
      if (policy.is_string()) {
        arn = managed_policy_arn(policy.get<std::string>(), partition);
      } else if (policy.is_object() && policy.contains("Statement")) {
        inline_policies.push_back(json{{"PolicyName", role_id + "Policy" + std::to_string(index)}, {"PolicyDocument", policy}});
      } else {
        arn = policy;
      }
      if (!arn.is_null() && std::find(managed.begin(), managed.end(), arn) == managed.end()) managed.push_back(arn);
      ++index;
    }
    json role_props{{"AssumeRolePolicyDocument",
                     props.value("AssumeRolePolicyDocument",
                                 json{{"Version", "2012-10-17"},
                                      {"Statement", json::array({json{{"Action", json::array({"sts:AssumeRole"})},
                                                                      {"Effect", "Allow"},
                                                                      {"Principal",
                                                                       {{"Service", json::array({"lambda.amazonaws.com"})}}}}})}})},
                    {"ManagedPolicyArns", managed},
                    {"Tags", tag_list(props.value("Tags", json::object()))}};
    if (!inline_policies.empty()) role_props["Policies"] = inline_policies;
    if (props.contains("RolePath")) role_props["Path"] = props["RolePath"];
    if (props.contains("PermissionsBoundary")) role_props["PermissionsBoundary"] = props["PermissionsBoundary"];
    json role{{"Type", "AWS::IAM::Role"}, {"Properties", role_props}};
    for (const auto& [k, v] : attributes.items()) role[k] = v;
    out.resources[role_id] = std::move(role);
    fp["Role"] = json{{"Fn::GetAtt", json::array({role_id, "Arn"})}};
  }
  function["Properties"] = std::move(fp);
  out.resources[id] = std::move(function);
}

// `Ref: Fn.Alias`, `Fn::GetAtt: [Fn.Alias, X]` and `${Fn.Alias}` in Fn::Sub name the generated resources.
json resolve_references(const json& value, const std::map<std::string, std::string>& references) {
  if (value.is_object()) {
    if (value.size() == 1 && value.contains("Ref") && value["Ref"].is_string()) {
      auto r = references.find(value["Ref"].get<std::string>());
      return r == references.end() ? value : json{{"Ref", r->second}};
    }
    if (value.size() == 1 && value.contains("Fn::GetAtt") && value["Fn::GetAtt"].is_array() &&
        value["Fn::GetAtt"].size() == 2 && value["Fn::GetAtt"][0].is_string()) {
      auto r = references.find(value["Fn::GetAtt"][0].get<std::string>());
      if (r != references.end()) return json{{"Fn::GetAtt", json::array({r->second, value["Fn::GetAtt"][1]})}};
    }
    json out = json::object();
    for (const auto& [k, v] : value.items()) {
      if (k == "Fn::Sub" && value.size() == 1) {
        json arg = v;
        json* text = arg.is_string() ? &arg : (arg.is_array() && !arg.empty() && arg[0].is_string() ? &arg[0] : nullptr);
        if (text) {
          std::string s = text->get<std::string>();
          for (const auto& [from, to] : references) s = replace_all(s, "${" + from + "}", "${" + to + "}");
          *text = s;
        }
        out[k] = arg;
      } else {
        out[k] = resolve_references(v, references);
      }
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const auto& v : value) out.push_back(resolve_references(v, references));
    return out;
  }
  return value;
}

Error transform_failure(const std::vector<std::string>& messages) {
  return validation_error(std::string("Transform ") + k_serverless_transform +
                          " failed with: Invalid Serverless Application Specification document. Number of errors "
                          "found: " + std::to_string(messages.size()) + ". " + join(messages, " "));
}

}  // namespace

bool declares_serverless_transform(const json& model) {
  if (!model.is_object() || !model.contains("Transform")) return false;
  const json& t = model["Transform"];
  if (t.is_string()) return t == k_serverless_transform;
  if (t.is_array()) {
    for (const auto& item : t) {
      if (item == k_serverless_transform) return true;
    }
  }
  return false;
}

std::string sam_logical_id_hash(const json& data) {
  // nlohmann's compact dump with ensure_ascii matches Python's json.dumps(separators=(",", ":"),
  // sort_keys=True): keys in code point order, \uXXXX escapes in lowercase.
  std::string text = data.is_string() ? data.get<std::string>() : data.dump(-1, ' ', true);
  return hex_encode(sha1(text)).substr(0, 10);
}

Result<json> expand_serverless(const json& model, const std::map<std::string, json>& given_parameters,
                               const std::string& region) {
  std::string partition = partition_of(region);
  std::vector<std::string> others;
  const json& t = model.value("Transform", json());
  for (const auto& item : t.is_array() ? t : json::array({t})) {
    if (item != k_serverless_transform) others.push_back(item.is_string() ? item.get<std::string>() : item.dump());
  }
  if (!others.empty()) {
    return fail(validation_error("Template format error: lambda-cd local runs only the " +
                                 std::string(k_serverless_transform) + " transform, not: " + join(others, ", ")));
  }
  std::map<std::string, json> parameters = given_parameters;
  parameters["AWS::Region"] = region;
  parameters["AWS::Partition"] = partition;

  Problems problems;
  json globals = json::object();
  if (model.contains("Globals")) {
    const json& g = model["Globals"];
    if (!g.is_object() || g.empty()) {
      problems.messages.push_back("'Globals' section is invalid. It must be a non-empty dictionary");
    } else {
      for (const auto& [section, value] : g.items()) {
        if (!global_sections().count(section)) {
          problems.messages.push_back("'Globals' section is invalid. '" + section + "' is not supported. Must be one of "
                                      "the following values - [Function, Api, HttpApi, SimpleTable, StateMachine, "
                                      "LayerVersion, CapacityProvider, WebSocketApi]");
          continue;
        }
        if (!value.is_object()) {
          problems.messages.push_back("'Globals' section is invalid. Value of " + section + " must be a dictionary");
          continue;
        }
        if (section != "Function") continue;  // only applied to serverless types this expansion refuses
        for (const auto& [name, v] : value.items()) {
          (void)v;
          if (!global_function_properties().count(name)) {
            problems.messages.push_back("'Globals' section is invalid. '" + name +
                                        "' is not a supported property of 'Function'.");
          }
        }
        globals = value;
      }
    }
  }

  json out = model;
  out.erase("Transform");
  out.erase("Globals");
  Expanded expanded;
  const json& resources = model.value("Resources", json::object());
  for (const auto& [id, resource] : resources.items()) {
    std::string type = resource.is_object() ? resource.value("Type", std::string()) : std::string();
    if (type == k_function_type) {
      expand_function(id, resource, globals, parameters, partition, expanded, problems);
    } else if (starts_with(type, "AWS::Serverless::")) {
      problems.resource(id, "Resource type " + type +
                                " is not supported by lambda-cd local (of the SAM types only AWS::Serverless::Function is).");
    } else {
      expanded.resources[id] = resource;
    }
  }
  if (!problems.messages.empty()) return fail(transform_failure(problems.messages));
  json processed_resources = json::object();
  for (auto& [id, resource] : expanded.resources) {
    if (processed_resources.contains(id)) return fail(transform_failure({"Resource with id [" + id + "] is generated twice."}));
    processed_resources[id] = std::move(resource);
  }
  out["Resources"] = std::move(processed_resources);
  if (!expanded.references.empty()) {
    out["Resources"] = resolve_references(out["Resources"], expanded.references);
    if (out.contains("Outputs")) out["Outputs"] = resolve_references(out["Outputs"], expanded.references);
  }
  return out;
}

}  // namespace lcd::local::cloudformation
