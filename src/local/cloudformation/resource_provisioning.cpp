#include "local/cloudformation/resource_provisioning.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

#include "local/cloudformation/iam_resources.hpp"
#include "local/cloudformation/inline_zip.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

Error resource_error(std::string message) { return Error{ErrorKind::invalid, std::move(message)}; }

std::string random_suffix(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* k_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (size_t i = 0; i < n; ++i) out += k_chars[rng() % 36];
  return out;
}

std::string text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

// Lambda error bodies carry "Message" or "message".
std::string error_message(const LambdaReply& reply) {
  auto j = json::parse(reply.body, nullptr, false);
  std::string message = reply.body;
  std::string type;
  if (j.is_object()) {
    if (j.contains("Message")) message = text(j["Message"]);
    if (j.contains("message")) message = text(j["message"]);
  }
  return message;
}

// One Lambda call, retried while the function is busy (409 ResourceConflictException: Pending or
// an update in progress), the way CloudFormation's handlers wait for stabilization.
Result<json> lambda_call(LambdaProvisioner* lambda, const StackIdentity& stack, LambdaCall call,
                         bool allow_not_found = false) {
  if (!lambda) return fail(resource_error("the Lambda service is not available on this endpoint"));
  call.region = stack.region;
  call.account_id = stack.account_id;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (true) {
    LambdaReply reply = lambda->call(call);
    if (reply.status >= 200 && reply.status < 300) {
      if (reply.body.empty()) return json::object();
      auto j = json::parse(reply.body, nullptr, false);
      return j.is_discarded() ? json::object() : j;
    }
    if (allow_not_found && reply.status == 404) return json(nullptr);
    bool busy = reply.status == 409 && (reply.body.find("in progress") != std::string::npos ||
                                        reply.body.find("Pending") != std::string::npos ||
                                        reply.body.find("pending") != std::string::npos);
    if ((busy || reply.status == 429) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    return fail(resource_error("Resource handler returned message: \"" + error_message(reply) +
                               "\" (Service: Lambda, Status Code: " + std::to_string(reply.status) + ")"));
  }
}

std::string function_path(const std::string& name) { return "/2015-03-31/functions/" + uri_encode(name); }

// Waits until a function is no longer Pending and its last update finished.
Result<json> wait_function_ready(LambdaProvisioner* lambda, const StackIdentity& stack, const std::string& name) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (true) {
    auto config = lambda_call(lambda, stack, {"GET", function_path(name) + "/configuration", "", ""});
    if (!config) return config;
    std::string state = config->value("State", "Active");
    std::string update = config->value("LastUpdateStatus", "Successful");
    if (state == "Failed" || update == "Failed") {
      return fail(resource_error("Resource handler returned message: \"" + config->value("StateReason", "function failed") +
                                 "\""));
    }
    if ((state == "Active" || state == "Inactive") && update != "InProgress") return config;
    if (std::chrono::steady_clock::now() > deadline) {
      return fail(resource_error("function " + name + " did not stabilize within 60 seconds"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

const std::vector<std::string>& function_config_keys() {
  static const std::vector<std::string> keys = {
      "Runtime", "Role", "Handler", "Description", "Timeout", "MemorySize", "Environment", "Architectures",
      "Layers", "TracingConfig", "DeadLetterConfig", "KMSKeyArn", "VpcConfig", "EphemeralStorage", "ImageConfig",
      "LoggingConfig", "SnapStart", "FileSystemConfigs"};
  return keys;
}

json tags_to_map(const json& tags) {
  json out = json::object();
  if (tags.is_array()) {
    for (const auto& t : tags) {
      if (t.is_object() && t.contains("Key")) out[text(t["Key"])] = text(t.value("Value", json("")));
    }
  }
  return out;
}

// Code (CloudFormation shape) -> the API's {"ZipFile": base64}.
Result<json> code_for_api(const json& code, const std::string& runtime, s3::S3Service* s3) {
  if (!code.is_object()) return fail(resource_error("Properties validation failed: #/Code: expected type: JSONObject"));
  if (code.contains("ZipFile")) {
    std::string file;
    if (starts_with(runtime, "nodejs")) {
      file = "index.js";
    } else if (starts_with(runtime, "python")) {
      file = "index.py";
    } else {
      return fail(resource_error("Resource handler returned message: \"ZipFile can only be used when Runtime is set to "
                                 "either of nodejs or python runtimes\""));
    }
    return json{{"ZipFile", base64_encode(single_file_zip(file, text(code["ZipFile"])))}};
  }
  if (code.contains("S3Bucket") && code.contains("S3Key")) {
    if (!s3) return fail(resource_error("the S3 service is not available on this endpoint"));
    auto bytes = s3->get_object_bytes(text(code["S3Bucket"]), text(code["S3Key"]));
    if (!bytes) {
      return fail(resource_error("Resource handler returned message: \"Error occurred while GetObject. S3 Error Code: " +
                                 bytes.error().code + ". S3 Error Message: " + bytes.error().message + "\""));
    }
    return json{{"ZipFile", base64_encode(*bytes)}};
  }
  if (code.contains("ImageUri")) return fail(resource_error("container image functions are not supported by lambda-cd local"));
  return fail(resource_error("Properties validation failed: #/Code: requires ZipFile, or S3Bucket and S3Key"));
}

ResourceOutcome function_outcome(const json& config) {
  ResourceOutcome out;
  out.physical_id = config.value("FunctionName", "");
  out.state.ref = out.physical_id;
  out.state.attributes["Arn"] = config.value("FunctionArn", "");
  out.state.attributes["SnapStartResponse.ApplyOn"] = "None";
  out.state.attributes["SnapStartResponse.OptimizationStatus"] = "Off";
  return out;
}

json routing_for_api(const json& properties) {
  json weights = json::object();
  if (properties.contains("RoutingConfig")) {
    const auto& list = properties["RoutingConfig"].value("AdditionalVersionWeights", json::array());
    for (const auto& w : list) {
      if (w.is_object()) weights[text(w.value("FunctionVersion", json("")))] = w.value("FunctionWeight", json(0.0));
    }
  }
  return json{{"AdditionalVersionWeights", weights}};
}

// "arn:aws:lambda:r:a:function:name:qualifier" or a bare name -> (function name, qualifier).
std::pair<std::string, std::string> split_function_ref(const std::string& ref) {
  if (!starts_with(ref, "arn:")) return {ref, ""};
  auto parts = split(ref, ':');
  if (parts.size() >= 7) return {parts[6], parts.size() >= 8 ? parts[7] : ""};
  return {ref, ""};
}

// A published version's number; 0 for $LATEST or anything not a number.
long version_number(const std::string& version) {
  if (version.empty() || version.size() > 18 ||
      !std::all_of(version.begin(), version.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return 0;
  }
  return std::stol(version);
}

// The highest published version number of `function` (0 when none), over every page.
Result<long> highest_version(LambdaProvisioner* lambda, const StackIdentity& stack, const std::string& function) {
  long highest = 0;
  std::string marker;
  for (int page = 0; page < 1000; ++page) {
    std::string query = "MaxItems=50" + (marker.empty() ? std::string() : "&Marker=" + uri_encode(marker));
    auto listed = lambda_call(lambda, stack, {"GET", function_path(function) + "/versions", query, ""});
    if (!listed) return fail(listed.error());
    for (const auto& v : listed->value("Versions", json::array())) {
      highest = std::max(highest, version_number(v.value("Version", "")));
    }
    marker = listed->value("NextMarker", "");
    if (marker.empty()) break;
  }
  return highest;
}

}  // namespace

Result<ResourceOutcome> ResourceProvisioning::create_version(const json& properties, const StackIdentity& stack) {
  auto [function, qualifier] = split_function_ref(text(properties["FunctionName"]));
  (void)qualifier;
  auto ready = wait_function_ready(m_lambda, stack, function);
  if (!ready) return fail(ready.error());
  // PublishVersion answers the latest version when $LATEST has not changed since; CloudFormation
  // refuses instead, so a replacement never adopts (and its cleanup never deletes) a live version.
  auto before = highest_version(m_lambda, stack, function);
  if (!before) return fail(before.error());
  json body = json::object();
  if (properties.contains("Description")) body["Description"] = properties["Description"];
  if (properties.contains("CodeSha256")) body["CodeSha256"] = properties["CodeSha256"];
  auto published = lambda_call(m_lambda, stack, {"POST", function_path(function) + "/versions", "", body.dump()});
  if (!published) return fail(published.error());
  std::string version = published->value("Version", "");
  if (version_number(version) <= *before) {
    return fail(resource_error("A version for this Lambda function exists ( " + version +
                               " ). Modify the function to create a new version."));
  }
  ResourceOutcome out;
  out.physical_id = published->value("FunctionArn", "");
  out.state.ref = out.physical_id;
  out.state.attributes["Version"] = version;
  out.state.attributes["FunctionArn"] = out.physical_id;
  return out;
}

std::string generated_name(const std::string& stack_name, const std::string& logical_id, size_t max_length) {
  std::string suffix = "-" + random_suffix(12);
  std::string head = stack_name + "-" + logical_id;
  if (head.size() + suffix.size() > max_length) head = head.substr(0, max_length - suffix.size());
  return head + suffix;
}

Result<ResourceOutcome> ResourceProvisioning::create(const std::string& logical_id, const std::string& type,
                                                     const json& properties, const StackIdentity& stack) {
  if (is_iam_resource(type)) return create_iam_resource(m_iam, logical_id, type, properties, stack);
  if (type == "AWS::S3::Bucket") {
    if (!m_s3) return fail(resource_error("the S3 service is not available on this endpoint"));
    std::string name = properties.contains("BucketName") ? text(properties["BucketName"])
                                                         : to_lower(generated_name(stack.stack_name, logical_id, 63));
    if (auto ok = m_s3->create_bucket(name, stack.region, stack.account_id); !ok) {
      return fail(resource_error(name + " " + (ok.error().code == "BucketAlreadyOwnedByYou" ? "already exists"
                                                                                         : ok.error().message)));
    }
    ResourceOutcome out;
    out.physical_id = name;
    out.state.ref = name;
    out.state.attributes["Arn"] = "arn:aws:s3:::" + name;
    out.state.attributes["DomainName"] = name + ".s3.amazonaws.com";
    out.state.attributes["RegionalDomainName"] = name + ".s3." + stack.region + ".amazonaws.com";
    out.state.attributes["DualStackDomainName"] = name + ".s3.dualstack." + stack.region + ".amazonaws.com";
    out.state.attributes["WebsiteURL"] = "http://" + name + ".s3-website-" + stack.region + ".amazonaws.com";
    return out;
  }
  if (type == "AWS::Lambda::Function") {
    json request = json::object();
    request["FunctionName"] = properties.contains("FunctionName") ? text(properties["FunctionName"])
                                                                  : generated_name(stack.stack_name, logical_id, 64);
    for (const auto& key : function_config_keys()) {
      if (properties.contains(key)) request[key] = properties[key];
    }
    if (properties.contains("PackageType")) request["PackageType"] = properties["PackageType"];
    if (properties.contains("Tags")) request["Tags"] = tags_to_map(properties["Tags"]);
    auto code = code_for_api(properties["Code"], text(properties.value("Runtime", json(""))), m_s3);
    if (!code) return fail(code.error());
    request["Code"] = *code;
    auto created = lambda_call(m_lambda, stack, {"POST", "/2015-03-31/functions", "", request.dump()});
    if (!created) return fail(created.error());
    auto ready = wait_function_ready(m_lambda, stack, request["FunctionName"].get<std::string>());
    if (!ready) return fail(ready.error());
    if (properties.contains("ReservedConcurrentExecutions")) {
      json body{{"ReservedConcurrentExecutions", properties["ReservedConcurrentExecutions"]}};
      auto r = lambda_call(m_lambda, stack, {"PUT", "/2017-10-31/functions/" + uri_encode(request["FunctionName"].get<std::string>()) +
                                                "/concurrency", "", body.dump()});
      if (!r) return fail(r.error());
    }
    return function_outcome(*created);
  }
  if (type == "AWS::Lambda::Version") return create_version(properties, stack);
  if (type == "AWS::Lambda::Alias") {
    auto [function, qualifier] = split_function_ref(text(properties["FunctionName"]));
    (void)qualifier;
    json body{{"Name", text(properties["Name"])}, {"FunctionVersion", text(properties["FunctionVersion"])}};
    if (properties.contains("Description")) body["Description"] = properties["Description"];
    if (properties.contains("RoutingConfig")) body["RoutingConfig"] = routing_for_api(properties);
    auto alias = lambda_call(m_lambda, stack, {"POST", function_path(function) + "/aliases", "", body.dump()});
    if (!alias) return fail(alias.error());
    ResourceOutcome out;
    out.physical_id = alias->value("AliasArn", "");
    out.state.ref = out.physical_id;
    out.state.attributes["AliasArn"] = out.physical_id;
    return out;
  }
  return fail(resource_error("Resource type " + type + " is not supported by lambda-cd local (supported: "
                             "AWS::Lambda::Function, AWS::Lambda::Version, AWS::Lambda::Alias, AWS::IAM::Role, "
                             "AWS::IAM::Policy, AWS::IAM::ManagedPolicy, AWS::S3::Bucket)"));
}

Result<ResourceOutcome> ResourceProvisioning::update(const std::string& logical_id, const std::string& type,
                                                     const std::string& physical_id, const json& before,
                                                     const json& after, const StackIdentity& stack) {
  if (is_iam_resource(type)) return update_iam_resource(m_iam, logical_id, type, physical_id, before, after, stack);
  if (type == "AWS::S3::Bucket") {
    ResourceOutcome out;
    out.physical_id = physical_id;
    out.state.ref = physical_id;
    out.state.attributes["Arn"] = "arn:aws:s3:::" + physical_id;
    out.state.attributes["DomainName"] = physical_id + ".s3.amazonaws.com";
    out.state.attributes["RegionalDomainName"] = physical_id + ".s3." + stack.region + ".amazonaws.com";
    out.state.attributes["DualStackDomainName"] = physical_id + ".s3.dualstack." + stack.region + ".amazonaws.com";
    out.state.attributes["WebsiteURL"] = "http://" + physical_id + ".s3-website-" + stack.region + ".amazonaws.com";
    return out;
  }
  if (type == "AWS::Lambda::Function") {
    if (before.value("Code", json()) != after.value("Code", json())) {
      auto code = code_for_api(after["Code"], text(after.value("Runtime", json(""))), m_s3);
      if (!code) return fail(code.error());
      auto r = lambda_call(m_lambda, stack, {"PUT", function_path(physical_id) + "/code", "", code->dump()});
      if (!r) return fail(r.error());
      if (auto ready = wait_function_ready(m_lambda, stack, physical_id); !ready) return fail(ready.error());
    }
    json config = json::object();
    for (const auto& key : function_config_keys()) {
      if (before.value(key, json()) != after.value(key, json())) {
        if (after.contains(key)) {
          config[key] = after[key];
        } else if (key == "Description") {
          config[key] = "";
        } else if (key == "Environment") {
          config[key] = json{{"Variables", json::object()}};
        }
      }
    }
    if (!config.empty()) {
      auto r = lambda_call(m_lambda, stack, {"PUT", function_path(physical_id) + "/configuration", "", config.dump()});
      if (!r) return fail(r.error());
    }
    auto ready = wait_function_ready(m_lambda, stack, physical_id);
    if (!ready) return fail(ready.error());
    return function_outcome(*ready);
  }
  if (type == "AWS::Lambda::Alias") {
    auto [function, qualifier] = split_function_ref(text(after["FunctionName"]));
    (void)qualifier;
    json body{{"FunctionVersion", text(after["FunctionVersion"])},
              {"Description", after.contains("Description") ? text(after["Description"]) : ""},
              {"RoutingConfig", routing_for_api(after)}};
    auto alias = lambda_call(m_lambda, stack, {"PUT", function_path(function) + "/aliases/" + uri_encode(text(after["Name"])), "",
                                        body.dump()});
    if (!alias) return fail(alias.error());
    ResourceOutcome out;
    out.physical_id = alias->value("AliasArn", physical_id);
    out.state.ref = out.physical_id;
    out.state.attributes["AliasArn"] = out.physical_id;
    return out;
  }
  return fail(resource_error("Update of resource type " + type + " is not supported by lambda-cd local"));
}

Result<Observation> ResourceProvisioning::observe(const std::string& type, const std::string& physical_id,
                                                  const json& properties, const StackIdentity& stack) {
  Observation out;
  if (type == "AWS::Lambda::Function") {
    auto config = lambda_call(m_lambda, stack, {"GET", function_path(physical_id) + "/configuration", "", ""}, true);
    if (!config) return fail(config.error());
    if (config->is_null()) {
      out.exists = false;
      return out;
    }
    // The configuration in the template's shape (the API names most members as the template does).
    json actual = json::object();
    for (const auto& key : function_config_keys()) {
      if (config->contains(key)) actual[key] = (*config)[key];
    }
    actual["FunctionName"] = config->value("FunctionName", "");
    if (config->contains("TracingConfig")) actual["TracingConfig"] = json{{"Mode", (*config)["TracingConfig"].value("Mode", "")}};
    if (config->contains("Layers")) {
      json layers = json::array();
      for (const auto& layer : (*config)["Layers"]) layers.push_back(layer.value("Arn", ""));
      actual["Layers"] = layers;
    }
    if (!config->contains("Environment")) actual["Environment"] = json{{"Variables", json::object()}};
    // Code is the stack's when the function kept it; CloudFormation's drift detection does not compare it.
    if (properties.contains("Code")) actual["Code"] = properties["Code"];
    if (properties.contains("Tags")) actual["Tags"] = properties["Tags"];
    out.actual = std::move(actual);
    return out;
  }
  if (type == "AWS::Lambda::Alias") {
    auto [function, alias] = split_function_ref(physical_id);
    auto got = lambda_call(m_lambda, stack, {"GET", function_path(function) + "/aliases/" + uri_encode(alias), "", ""}, true);
    if (!got) return fail(got.error());
    if (got->is_null()) {
      out.exists = false;
      return out;
    }
    out.actual = json{{"Name", got->value("Name", "")}, {"FunctionVersion", got->value("FunctionVersion", "")},
                      {"Description", got->value("Description", "")}};
    if (properties.contains("FunctionName")) out.actual["FunctionName"] = properties["FunctionName"];
    if (properties.contains("RoutingConfig")) {
      json weights = json::array();
      for (const auto& [version, weight] : got->value("RoutingConfig", json::object())
                                               .value("AdditionalVersionWeights", json::object())
                                               .items()) {
        weights.push_back(json{{"FunctionVersion", version}, {"FunctionWeight", weight}});
      }
      out.actual["RoutingConfig"] = json{{"AdditionalVersionWeights", weights}};
    }
    return out;
  }
  if (type == "AWS::Lambda::Version") {
    auto [function, version] = split_function_ref(physical_id);
    auto got = lambda_call(m_lambda, stack, {"GET", function_path(function) + "/configuration",
                                             "Qualifier=" + uri_encode(version), ""},
                           true);
    if (!got) return fail(got.error());
    if (got->is_null()) {
      out.exists = false;
      return out;
    }
    out.actual = properties;  // a published version cannot change
    return out;
  }
  if (type == "AWS::S3::Bucket") {
    if (!m_s3) return fail(resource_error("the S3 service is not available on this endpoint"));
    auto exists = m_s3->bucket_exists(physical_id);
    if (!exists) return fail(exists.error());
    out.exists = *exists;
    out.actual = properties;  // the endpoint's buckets have no configuration to drift
    return out;
  }
  out.checked = false;
  return out;
}

Result<void> ResourceProvisioning::remove(const std::string& type, const std::string& physical_id,
                                          const json& properties, const StackIdentity& stack) {
  if (physical_id.empty()) return {};
  if (is_iam_resource(type)) return remove_iam_resource(m_iam, type, physical_id, properties, stack);
  if (type == "AWS::S3::Bucket") {
    if (!m_s3) return {};
    auto ok = m_s3->delete_bucket(physical_id);
    if (!ok && ok.error().code != "NoSuchBucket") {
      return fail(resource_error("Resource handler returned message: \"" + ok.error().message +
                                 " (Service: S3, Status Code: " + std::to_string(ok.error().http_status) +
                                 ", Error Code: " + ok.error().code + ")\""));
    }
    return {};
  }
  if (type == "AWS::Lambda::Function") {
    auto r = lambda_call(m_lambda, stack, {"DELETE", function_path(physical_id), "", ""}, true);
    if (!r) return fail(r.error());
    return {};
  }
  if (type == "AWS::Lambda::Version") {
    auto [function, version] = split_function_ref(physical_id);
    auto r = lambda_call(m_lambda, stack, {"DELETE", function_path(function), "Qualifier=" + uri_encode(version), ""}, true);
    if (!r) return fail(r.error());
    return {};
  }
  if (type == "AWS::Lambda::Alias") {
    auto [function, alias] = split_function_ref(physical_id);
    if (alias.empty()) alias = text(properties.value("Name", json("")));
    auto r = lambda_call(m_lambda, stack, {"DELETE", function_path(function) + "/aliases/" + uri_encode(alias), "", ""}, true);
    if (!r) return fail(r.error());
    return {};
  }
  return {};
}

}  // namespace lcd::local::cloudformation
