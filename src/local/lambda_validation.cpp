#include "local/lambda_validation.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <regex>
#include <set>

#include "local/function_name.hpp"
#include "util/encoding.hpp"
#include "util/zip_reader.hpp"

namespace lcd::local {
namespace {

using nlohmann::json;

ApiError type_error(const std::string& field) {
  return invalid_parameter("Invalid type for parameter " + field);
}

bool is_reserved_env_key(const std::string& key) {
  static const std::set<std::string> reserved = {
      "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
      "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
      "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
      "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
      "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"};
  return reserved.count(key) > 0;
}

bool is_env_key(const std::string& key) {
  if (key.size() < 2 || !std::isalpha(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

ApiResult<int64_t> int_field(const json& body, const char* name, const char* wire_name, int64_t min, int64_t max) {
  const json& v = body.at(name);
  if (!v.is_number_integer()) return api_fail(type_error(name));
  int64_t value = v.get<int64_t>();
  if (value < min) {
    return api_fail(constraint_violation(std::to_string(value), wire_name,
                                         "Member must have value greater than or equal to " + std::to_string(min)));
  }
  if (value > max) {
    return api_fail(constraint_violation(std::to_string(value), wire_name,
                                         "Member must have value less than or equal to " + std::to_string(max)));
  }
  return value;
}

}  // namespace

json default_spec() {
  return json{{"Description", ""},
              {"Timeout", 3},
              {"MemorySize", 128},
              {"TracingConfig", {{"Mode", "PassThrough"}}},
              {"PackageType", "Zip"},
              {"Architectures", json::array({"x86_64"})},
              {"EphemeralStorage", {{"Size", 512}}},
              {"SnapStart", {{"ApplyOn", "None"}, {"OptimizationStatus", "Off"}}}};
}

ApiResult<void> validate_description(const json& body) {
  if (!body.contains("Description")) return {};
  if (!body["Description"].is_string()) return api_fail(type_error("Description"));
  const auto& d = body["Description"].get_ref<const std::string&>();
  if (d.size() > 256) {
    return api_fail(constraint_violation(d, "description", "Member must have length less than or equal to 256"));
  }
  return {};
}

ApiResult<void> apply_spec_fields(const json& body, json& spec) {
  if (body.contains("Role")) {
    if (!body["Role"].is_string()) return api_fail(type_error("Role"));
    static const std::regex role_re(R"(arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+)");
    const auto& role = body["Role"].get_ref<const std::string&>();
    if (!std::regex_match(role, role_re)) {
      return api_fail(constraint_violation(
          role, "role",
          "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+"));
    }
    spec["Role"] = role;
  }
  if (body.contains("Runtime")) {
    if (!body["Runtime"].is_string()) return api_fail(type_error("Runtime"));
    const auto& runtime = body["Runtime"].get_ref<const std::string&>();
    static const std::regex runtime_re(R"((nodejs[0-9.]*x?|python[0-9.]+|java[0-9.]+(al2)?|dotnet[0-9.a-z]*|go1\.x|ruby[0-9.]+|provided(\.al2(023)?)?))");
    if (!std::regex_match(runtime, runtime_re)) {
      return api_fail(invalid_parameter("Value " + runtime +
                                        " at 'runtime' failed to satisfy constraint: Member must satisfy enum value set"));
    }
    spec["Runtime"] = runtime;
  }
  if (body.contains("Handler")) {
    if (!body["Handler"].is_string()) return api_fail(type_error("Handler"));
    const auto& handler = body["Handler"].get_ref<const std::string&>();
    if (handler.size() > 128) {
      return api_fail(constraint_violation(handler, "handler", "Member must have length less than or equal to 128"));
    }
    for (char c : handler) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        return api_fail(constraint_violation(handler, "handler",
                                             "Member must satisfy regular expression pattern: [^\\s]+"));
      }
    }
    spec["Handler"] = handler;
  }
  if (auto d = validate_description(body); !d) return d;
  if (body.contains("Description")) spec["Description"] = body["Description"];
  if (body.contains("Timeout")) {
    auto t = int_field(body, "Timeout", "timeout", 1, 900);
    if (!t) return api_fail(t.error());
    spec["Timeout"] = *t;
  }
  if (body.contains("MemorySize")) {
    auto m = int_field(body, "MemorySize", "memorySize", 128, 10240);
    if (!m) return api_fail(m.error());
    spec["MemorySize"] = *m;
  }
  if (body.contains("EphemeralStorage")) {
    const json& e = body["EphemeralStorage"];
    if (!e.is_object() || !e.contains("Size")) return api_fail(type_error("EphemeralStorage"));
    auto s = int_field(e, "Size", "ephemeralStorage.size", 512, 10240);
    if (!s) return api_fail(s.error());
    spec["EphemeralStorage"] = {{"Size", *s}};
  }
  if (body.contains("Architectures")) {
    const json& a = body["Architectures"];
    if (!a.is_array() || a.size() != 1 || !a[0].is_string() ||
        (a[0] != "x86_64" && a[0] != "arm64")) {
      return api_fail(constraint_violation(a.dump(), "architectures",
                                           "Member must have length less than or equal to 1, and each member must "
                                           "satisfy enum value set: [x86_64, arm64]"));
    }
    spec["Architectures"] = a;
  }
  if (body.contains("TracingConfig")) {
    const json& t = body["TracingConfig"];
    if (!t.is_object()) return api_fail(type_error("TracingConfig"));
    std::string mode = t.value("Mode", "PassThrough");
    if (mode != "Active" && mode != "PassThrough") {
      return api_fail(constraint_violation(mode, "tracingConfig.mode",
                                           "Member must satisfy enum value set: [Active, PassThrough]"));
    }
    spec["TracingConfig"] = {{"Mode", mode}};
  }
  if (body.contains("PackageType")) {
    if (body["PackageType"] != "Zip" && body["PackageType"] != "Image") {
      return api_fail(constraint_violation(body["PackageType"].dump(), "packageType",
                                           "Member must satisfy enum value set: [Image, Zip]"));
    }
    if (body["PackageType"] == "Image") {
      return api_fail(invalid_parameter("Image package type is not supported by lambda-cd local"));
    }
  }
  if (body.contains("Environment")) {
    const json& env = body["Environment"];
    if (!env.is_object()) return api_fail(type_error("Environment"));
    json vars = json::object();
    if (env.contains("Variables")) {
      if (!env["Variables"].is_object()) return api_fail(type_error("Environment.Variables"));
      for (const auto& [key, value] : env["Variables"].items()) {
        if (!value.is_string()) return api_fail(type_error("Environment.Variables." + key));
        if (!is_env_key(key)) {
          return api_fail(constraint_violation(key, "environment.variables",
                                               "Map keys must satisfy constraint: [Member must satisfy regular "
                                               "expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]"));
        }
        if (is_reserved_env_key(key)) {
          return api_fail(invalid_parameter(
              "Lambda was unable to configure your environment variables because the environment variables you "
              "have provided contains reserved keys that are currently not supported for modification. Reserved "
              "keys used in this request: " + key));
        }
        vars[key] = value;
      }
    }
    std::string measured = vars.dump();
    if (measured.size() > k_max_environment_bytes) {
      return api_fail(invalid_parameter(
          "Lambda was unable to configure your environment variables because the environment variables you have "
          "provided exceeded the 4KB limit. String measured: " + measured));
    }
    spec["Environment"] = {{"Variables", vars}};
  }
  for (const char* passthrough : {"KMSKeyArn", "DeadLetterConfig", "VpcConfig", "LoggingConfig", "FileSystemConfigs",
                                  "ImageConfig"}) {
    if (body.contains(passthrough)) spec[passthrough] = body[passthrough];
  }
  if (body.contains("Layers")) {
    const json& layers = body["Layers"];
    if (!layers.is_array() || layers.size() > 5) return api_fail(invalid_parameter("Cannot reference more than 5 layers."));
    json out = json::array();
    for (const auto& l : layers) {
      if (!l.is_string()) return api_fail(type_error("Layers"));
      out.push_back({{"Arn", l}, {"CodeSize", 0}});
    }
    spec["Layers"] = out;
  }
  if (body.contains("SnapStart") && body["SnapStart"].is_object()) {
    spec["SnapStart"] = {{"ApplyOn", body["SnapStart"].value("ApplyOn", "None")}, {"OptimizationStatus", "Off"}};
  }
  return {};
}

ApiResult<void> check_complete_spec(const json& spec) {
  if (!spec.contains("Runtime")) {
    return api_fail(invalid_parameter("Runtime is required for a function with package type Zip."));
  }
  if (!spec.contains("Handler")) {
    return api_fail(invalid_parameter("Handler is required for a function with package type Zip."));
  }
  return {};
}

ApiResult<std::string> decode_zip_file(const json& zip_member) {
  if (!zip_member.is_string()) return api_fail(type_error("ZipFile"));
  auto bytes = base64_decode(zip_member.get_ref<const std::string&>());
  if (!bytes) return api_fail(invalid_parameter("Could not unzip uploaded file. Please check your file, then try to upload again."));
  return validate_zip(std::move(*bytes));
}

ApiResult<std::string> validate_zip(std::string bytes) {
  auto info = inspect_zip(bytes);
  if (!info) {
    return api_fail(invalid_parameter("Could not unzip uploaded file. Please check your file, then try to upload again. (" +
                                      info.error().message + ")"));
  }
  if (info->total_uncompressed > k_max_unzipped_bytes) {
    return api_fail(invalid_parameter("Unzipped size must be smaller than " + std::to_string(k_max_unzipped_bytes) +
                                      " bytes"));
  }
  return bytes;
}

ApiResult<void> validate_routing(const json& routing_config, const std::string& primary_version) {
  if (!routing_config.is_object()) return api_fail(type_error("RoutingConfig"));
  if (!routing_config.contains("AdditionalVersionWeights")) return {};
  const json& weights = routing_config["AdditionalVersionWeights"];
  if (!weights.is_object()) return api_fail(type_error("RoutingConfig.AdditionalVersionWeights"));
  if (weights.empty()) return {};
  if (weights.size() > 1) {
    return api_fail(invalid_parameter("Number of items in AdditionalVersionWeights cannot be greater than 1"));
  }
  auto it = weights.begin();
  const std::string& version = it.key();
  if (!is_version_number(version)) {
    return api_fail(constraint_violation(version, "routingConfig.additionalVersionWeights",
                                         "Map keys must satisfy constraint: [Member must satisfy regular expression "
                                         "pattern: [0-9]+]"));
  }
  if (!it.value().is_number()) return api_fail(type_error("RoutingConfig.AdditionalVersionWeights"));
  double weight = it.value().get<double>();
  if (weight < 0.0 || weight > 1.0) {
    return api_fail(constraint_violation(it.value().dump(), "routingConfig.additionalVersionWeights",
                                         "Map value must satisfy constraint: [Member must have value less than or "
                                         "equal to 1.0, Member must have value greater than or equal to 0.0]"));
  }
  if (primary_version == "$LATEST") {
    return api_fail(invalid_parameter("$LATEST is not supported for an alias pointing to more than 1 version"));
  }
  if (version == primary_version) {
    return api_fail(invalid_parameter("Invalid function version " + version +
                                      ". Function version " + version +
                                      " is already included in routing configuration."));
  }
  return {};
}

}  // namespace lcd::local
