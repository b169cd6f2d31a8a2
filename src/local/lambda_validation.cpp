#include "local/lambda_validation.hpp"

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <regex>
#include <set>

#include "local/function_name.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"
#include "util/zip_reader.hpp"

namespace lcd::local {
namespace {

using nlohmann::json;

// Runtimes AWS accepts for new and updated functions, in the order its error message lists them
// (InvalidParameterValueException recorded from AWS Lambda, 2026-01). ruby4.0 (newest service
// model) is accepted without being listed.
constexpr const char* k_valid_runtimes[] = {
    "nodejs20.x", "python3.14", "provided.al2023", "python3.12", "python3.13", "nodejs24.x", "nodejs22.x",
    "java25",     "python3.10", "python3.11",      "java21",     "ruby3.3",    "ruby3.4",    "ruby3.2",
    "python3.8",  "python3.9",  "java17",          "nodejs16.x", "dotnet10",   "dotnet8",    "java11",
    "dotnet6",    "nodejs18.x", "provided.al2",    "java8.al2"};

// In the service model's Runtime enum but refused for new and updated functions ("no longer
// supported"); functions that have them still run.
const std::set<std::string> k_deprecated_runtimes = {
    "nodejs",      "nodejs4.3",     "nodejs6.10",    "nodejs8.10",    "nodejs10.x",     "nodejs12.x", "nodejs14.x",
    "java8",       "python2.7",     "python3.6",     "python3.7",     "dotnetcore1.0",  "dotnetcore2.0",
    "dotnetcore2.1", "dotnetcore3.1", "nodejs4.3-edge", "go1.x",       "ruby2.5",        "ruby2.7",    "provided"};

ApiError type_error(const std::string& field) { return invalid_parameter("Invalid type for parameter " + field); }

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

bool in_enum(const json& v, std::initializer_list<const char*> values) {
  if (!v.is_string()) return false;
  return std::any_of(values.begin(), values.end(), [&](const char* e) { return v == e; });
}

// An integer member with its [min, max] range (max < 0: none).
void check_int(const json& body, const char* member, const char* field, int64_t min, int64_t max, Violations& v) {
  if (!body.contains(member) || !body[member].is_number_integer()) return;
  int64_t value = body[member].get<int64_t>();
  if (value < min) {
    v.add(std::to_string(value), field, "Member must have value greater than or equal to " + std::to_string(min));
  } else if (max >= 0 && value > max) {
    v.add(std::to_string(value), field, "Member must have value less than or equal to " + std::to_string(max));
  }
}

// Wrong JSON types are not constraint violations: AWS cannot even read the request.
ApiResult<void> check_types(const json& body) {
  static const std::pair<const char*, json::value_t> members[] = {
      {"Role", json::value_t::string},         {"Runtime", json::value_t::string},
      {"Handler", json::value_t::string},      {"Description", json::value_t::string},
      {"Environment", json::value_t::object},  {"TracingConfig", json::value_t::object},
      {"EphemeralStorage", json::value_t::object}, {"LoggingConfig", json::value_t::object},
      {"SnapStart", json::value_t::object},    {"Architectures", json::value_t::array},
      {"Layers", json::value_t::array},        {"PackageType", json::value_t::string}};
  for (const auto& [member, type] : members) {
    if (body.contains(member) && body[member].type() != type) return api_fail(type_error(member));
  }
  for (const char* member : {"Timeout", "MemorySize"}) {
    if (body.contains(member) && !body[member].is_number_integer()) return api_fail(type_error(member));
  }
  if (body.contains("EphemeralStorage") && !(body["EphemeralStorage"].contains("Size") &&
                                             body["EphemeralStorage"]["Size"].is_number_integer())) {
    return api_fail(type_error("EphemeralStorage.Size"));
  }
  if (body.contains("Environment") && body["Environment"].contains("Variables")) {
    const json& vars = body["Environment"]["Variables"];
    if (!vars.is_object()) return api_fail(type_error("Environment.Variables"));
    for (const auto& [key, value] : vars.items()) {
      if (!value.is_string()) return api_fail(type_error("Environment.Variables." + key));
    }
  }
  return {};
}

}  // namespace

void collect_spec_violations(const json& body, Violations& v) {
  if (body.contains("Role")) {
    static const std::regex role_re(R"(arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+)");
    const auto& role = body["Role"].get_ref<const std::string&>();
    if (!std::regex_match(role, role_re)) {
      v.add(role, "role",
            "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?"
            "[a-zA-Z_0-9+=,.@\\-_/]+");
    }
  }
  if (body.contains("Handler")) {
    const auto& handler = body["Handler"].get_ref<const std::string&>();
    if (handler.size() > 128) v.add(handler, "handler", "Member must have length less than or equal to 128");
    bool has_space = std::any_of(handler.begin(), handler.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
    if (handler.empty() || has_space) v.add(handler, "handler", "Member must satisfy regular expression pattern: [^\\s]+");
  }
  if (body.contains("Description")) {
    const auto& d = body["Description"].get_ref<const std::string&>();
    if (d.size() > 256) v.add(d, "description", "Member must have length less than or equal to 256");
  }
  check_int(body, "Timeout", "timeout", 1, 900, v);
  check_int(body, "MemorySize", "memorySize", 128, 10240, v);
  if (body.contains("PackageType") && !in_enum(body["PackageType"], {"Zip", "Image"})) {
    v.add(java_text(body["PackageType"]), "packageType", "Member must satisfy enum value set: [Image, Zip]");
  }
  if (body.contains("Environment") && body["Environment"].contains("Variables")) {
    for (const auto& [key, value] : body["Environment"]["Variables"].items()) {
      (void)value;
      if (!is_env_key(key)) {
        v.add(key, "environment.variables",
              "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: "
              "[a-zA-Z]([a-zA-Z0-9_])+]");
      }
    }
  }
  if (body.contains("TracingConfig") && body["TracingConfig"].contains("Mode") &&
      !in_enum(body["TracingConfig"]["Mode"], {"Active", "PassThrough"})) {
    v.add(java_text(body["TracingConfig"]["Mode"]), "tracingConfig.mode",
          "Member must satisfy enum value set: [Active, PassThrough]");
  }
  if (body.contains("Architectures")) {
    const json& a = body["Architectures"];
    std::string text = java_text(a);
    if (a.empty()) {
      v.add(text, "architectures", "Member must have length greater than or equal to 1");
    } else if (a.size() > 1) {
      // Recorded from AWS (2025): the length violation alone, even when a member is not an architecture.
      v.add(text, "architectures", "Member must have length less than or equal to 1");
    } else if (!in_enum(a[0], {"x86_64", "arm64"})) {
      v.add(text, "architectures",
            "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be "
            "null]");
    }
  }
  if (body.contains("EphemeralStorage")) check_int(body["EphemeralStorage"], "Size", "ephemeralStorage.size", 512, 10240, v);
  if (body.contains("SnapStart") && body["SnapStart"].contains("ApplyOn") &&
      !in_enum(body["SnapStart"]["ApplyOn"], {"PublishedVersions", "None"})) {
    v.add(java_text(body["SnapStart"]["ApplyOn"]), "snapStart.applyOn",
          "Member must satisfy enum value set: [PublishedVersions, None]");
  }
  if (body.contains("LoggingConfig")) {
    const json& l = body["LoggingConfig"];
    if (l.contains("LogFormat") && !in_enum(l["LogFormat"], {"JSON", "Text"})) {
      v.add(java_text(l["LogFormat"]), "loggingConfig.logFormat", "Member must satisfy enum value set: [JSON, Text]");
    }
    if (l.contains("ApplicationLogLevel") &&
        !in_enum(l["ApplicationLogLevel"], {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"})) {
      v.add(java_text(l["ApplicationLogLevel"]), "loggingConfig.applicationLogLevel",
            "Member must satisfy enum value set: [TRACE, DEBUG, INFO, WARN, ERROR, FATAL]");
    }
    if (l.contains("SystemLogLevel") && !in_enum(l["SystemLogLevel"], {"DEBUG", "INFO", "WARN"})) {
      v.add(java_text(l["SystemLogLevel"]), "loggingConfig.systemLogLevel",
            "Member must satisfy enum value set: [DEBUG, INFO, WARN]");
    }
    if (l.contains("LogGroup")) {
      static const std::regex group_re(R"([\.\-_/#A-Za-z0-9]+)");
      std::string group = l["LogGroup"].is_string() ? l["LogGroup"].get<std::string>() : java_text(l["LogGroup"]);
      if (group.size() > 512) v.add(group, "loggingConfig.logGroup", "Member must have length less than or equal to 512");
      if (!l["LogGroup"].is_string() || !std::regex_match(group, group_re)) {
        v.add(group, "loggingConfig.logGroup", "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+");
      }
    }
  }
}

namespace {

std::string valid_runtime_list() {
  std::string out = "[";
  for (const char* r : k_valid_runtimes) {
    if (out.size() > 1) out += ", ";
    out += r;
  }
  return out + "]";
}

ApiResult<void> check_runtime(const std::string& runtime) {
  if (std::find(std::begin(k_valid_runtimes), std::end(k_valid_runtimes), runtime) != std::end(k_valid_runtimes) ||
      runtime == "ruby4.0") {
    return {};
  }
  if (k_deprecated_runtimes.count(runtime)) {
    return api_fail(invalid_parameter("The runtime parameter of " + runtime +
                                      " is no longer supported for creating or updating AWS Lambda functions. We "
                                      "recommend you use a supported runtime while creating or updating functions."));
  }
  return api_fail(invalid_parameter("Value " + runtime + " at 'runtime' failed to satisfy constraint: Member must satisfy "
                                    "enum value set: " + valid_runtime_list() + " or be a valid ARN"));
}

// The environment as AWS measures it: the JSON map in the order the request sent it.
std::string measured_environment(const json& vars, std::string_view raw_body) {
  if (!raw_body.empty()) {
    auto ordered = nlohmann::ordered_json::parse(raw_body, nullptr, false);
    if (ordered.is_object() && ordered.contains("Environment") && ordered["Environment"].is_object() &&
        ordered["Environment"].contains("Variables")) {
      return ordered["Environment"]["Variables"].dump();
    }
  }
  return vars.dump();
}

std::string java_double(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e7) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, 1);
    if (ec == std::errc()) return std::string(buf, end);
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(d);
}

}  // namespace

std::string java_text(const json& value, bool as_double) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "null";
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) {
    if (as_double || value.is_number_float()) return java_double(value.get<double>());
    return value.dump();
  }
  std::string out;
  if (value.is_array()) {
    out = "[";
    for (const auto& item : value) {
      if (out.size() > 1) out += ", ";
      out += java_text(item, as_double);
    }
    return out + "]";
  }
  out = "{";
  for (const auto& [key, item] : value.items()) {
    if (out.size() > 1) out += ", ";
    out += key + "=" + java_text(item, as_double);
  }
  return out + "}";
}

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

ApiResult<void> validate_tags(const json& tags) {
  if (!tags.is_object()) return api_fail(type_error("Tags"));
  for (const auto& [key, value] : tags.items()) {
    if (!value.is_string()) return api_fail(type_error("Tags." + key));
  }
  // Recorded from AWS (2025) for CreateFunction and TagResource alike.
  if (tags.size() > k_max_tags) return api_fail(invalid_parameter("Number of tags exceeds resource tag limit."));
  return {};
}

ApiResult<void> check_spec_types(const json& body) { return check_types(body); }

ApiResult<void> apply_spec_fields(const json& body, json& spec, std::string_view raw_body) {
  if (auto typed = check_types(body); !typed) return typed;
  Violations violations;
  collect_spec_violations(body, violations);
  if (!violations.empty()) return api_fail(violations.error());

  if (body.contains("Runtime")) {
    if (auto ok = check_runtime(body["Runtime"]); !ok) return ok;
  }
  if (body.contains("PackageType") && body["PackageType"] == "Image") {
    return api_fail(invalid_parameter("Image package type is not supported by lambda-cd local"));
  }
  json vars = json::object();
  if (body.contains("Environment")) {
    const json& env = body["Environment"];
    if (env.contains("Variables")) {
      for (const auto& [key, value] : env["Variables"].items()) {
        if (is_reserved_env_key(key)) {
          return api_fail(invalid_parameter(
              "Lambda was unable to configure your environment variables because the environment variables you "
              "have provided contains reserved keys that are currently not supported for modification. Reserved "
              "keys used in this request: " + key));
        }
        vars[key] = value;
      }
    }
    std::string measured = measured_environment(vars, raw_body);
    if (measured.size() > k_max_environment_bytes) {
      return api_fail(invalid_parameter(
          "Lambda was unable to configure your environment variables because the environment variables you have "
          "provided exceeded the 4KB limit. String measured: " + measured));
    }
  }
  if (body.contains("Layers")) {
    const json& layers = body["Layers"];
    if (layers.size() > 5) return api_fail(invalid_parameter("Cannot reference more than 5 layers."));
    for (const auto& l : layers) {
      if (!l.is_string()) return api_fail(type_error("Layers"));
    }
  }

  for (const char* member : {"Role", "Runtime", "Handler", "Description", "Timeout", "MemorySize"}) {
    if (body.contains(member)) spec[member] = body[member];
  }
  if (body.contains("EphemeralStorage")) spec["EphemeralStorage"] = {{"Size", body["EphemeralStorage"]["Size"]}};
  if (body.contains("Architectures")) spec["Architectures"] = body["Architectures"];
  if (body.contains("TracingConfig")) {
    spec["TracingConfig"] = {{"Mode", body["TracingConfig"].value("Mode", "PassThrough")}};
  }
  if (body.contains("Environment")) spec["Environment"] = {{"Variables", vars}};
  if (body.contains("LoggingConfig")) {
    // Partial updates keep what is not named; Text has no log levels.
    json logging = spec.contains("LoggingConfig") && spec["LoggingConfig"].is_object() ? spec["LoggingConfig"]
                                                                                       : json::object();
    for (const auto& [key, value] : body["LoggingConfig"].items()) {
      if (key == "LogFormat" || key == "ApplicationLogLevel" || key == "SystemLogLevel" || key == "LogGroup") {
        logging[key] = value;
      }
    }
    if (logging.value("LogFormat", "Text") == "Text") {
      logging.erase("ApplicationLogLevel");
      logging.erase("SystemLogLevel");
    }
    spec["LoggingConfig"] = logging;
  }
  for (const char* passthrough : {"KMSKeyArn", "DeadLetterConfig", "VpcConfig", "FileSystemConfigs", "ImageConfig"}) {
    if (body.contains(passthrough)) spec[passthrough] = body[passthrough];
  }
  if (body.contains("Layers")) {
    json out = json::array();
    for (const auto& l : body["Layers"]) out.push_back({{"Arn", l}, {"CodeSize", 0}});
    spec["Layers"] = out;
  }
  if (body.contains("SnapStart")) {
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
  if (bytes->size() > k_max_zipped_bytes) {
    return api_fail(too_large("Zipped size must be smaller than " + std::to_string(k_max_zipped_bytes) + " bytes"));
  }
  return validate_zip(std::move(*bytes));
}

ApiResult<std::string> validate_zip(std::string bytes) {
  auto info = inspect_zip(bytes);
  if (!info) {
    // AWS's text alone: the reader's detail is not part of it.
    return api_fail(invalid_parameter("Could not unzip uploaded file. Please check your file, then try to upload again."));
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
  // Texts recorded from AWS (2025); the map is quoted as Java prints it, weights as doubles.
  const std::string quoted = java_text(weights, true);
  Violations violations;
  for (const auto& [version, weight] : weights.items()) {
    if (version.empty() || version.size() > 1024 || !std::all_of(version.begin(), version.end(), ::isdigit)) {
      violations.add(quoted, "routingConfig.additionalVersionWeights",
                     "Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member "
                     "must have length greater than or equal to 1, Member must satisfy regular expression pattern: "
                     "[0-9]+]");
    }
    if (!weight.is_number() || weight.get<double>() < 0.0 || weight.get<double>() > 1.0) {
      violations.add(quoted, "routingConfig.additionalVersionWeights",
                     "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member "
                     "must have value greater than or equal to 0.0, Member must not be null]");
    }
  }
  if (!violations.empty()) return api_fail(violations.error());
  if (weights.size() > 1) {
    return api_fail(invalid_parameter("Number of items in AdditionalVersionWeights cannot be greater than 1"));
  }
  if (primary_version == "$LATEST") {
    return api_fail(invalid_parameter("$LATEST is not supported for an alias pointing to more than 1 version"));
  }
  const std::string& version = weights.begin().key();
  if (version == primary_version) {
    return api_fail(invalid_parameter("Invalid function version " + version + ". Function version " + version +
                                      " is already included in routing configuration."));
  }
  return {};
}

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid UTF-8 sequence starting at `p`, or 0.
size_t utf8_sequence(const unsigned char* p, size_t left) {
  unsigned char c = p[0];
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || n > left) return 0;
  for (size_t i = 1; i < n; ++i) {
    if (!is_continuation(p[i])) return 0;
  }
  return n;
}

// The detail of an unparseable payload in the form AWS's JSON parser (Jackson) gives it:
// "<problem>\n at [Source: REDACTED (...); line: L, column: C]" (recorded from AWS, 2025).
std::string payload_parse_detail(const std::string& payload) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(payload.data());
  // Where parsing stops: the first byte that is not valid UTF-8, or where the JSON parser stops.
  size_t stop = payload.size();
  bool bad_utf8 = false;
  for (size_t i = 0; i < payload.size();) {
    size_t n = utf8_sequence(bytes + i, payload.size() - i);
    if (n == 0) {
      stop = i;
      bad_utf8 = true;
      break;
    }
    i += n;
  }
  std::string problem;
  if (!bad_utf8) {
    try {
      // Parsed only for where it throws; the value itself is not needed.
      [[maybe_unused]] json parsed = json::parse(payload);
    } catch (const json::parse_error& e) {
      stop = e.byte > 0 ? e.byte - 1 : 0;
    } catch (const json::exception& e) {
      // Well-formed but not representable: a number beyond a double's range (out_of_range.406).
      problem = "Numeric value out of range of double";
    }
  }
  size_t line = 1, column = 1;
  for (size_t i = 0; i < stop && i < payload.size(); ++i) {
    if (payload[i] == '\n') {
      ++line;
      column = 1;
    } else if (!is_continuation(bytes[i])) {
      ++column;
    }
  }
  if (problem.empty() && stop >= payload.size()) {
    problem = "Unexpected end-of-input";
  } else if (problem.empty()) {
    unsigned char c = bytes[stop];
    if (bad_utf8 && c >= 0x80 && c <= 0xBF) {
      problem = fmt::format("Invalid UTF-8 start byte 0x{:02x}", c);
      ++column;  // Jackson reports the position after the byte it could not decode
    } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || bad_utf8) {
      problem = fmt::format(
          "Unexpected character ((CTRL-CHAR, code {})): expected a valid value (JSON String, Number, Array, Object or "
          "token 'null', 'true' or 'false')",
          static_cast<int>(c));
    } else {
      problem = fmt::format(
          "Unexpected character ('{}' (code {})): expected a valid value (JSON String, Number, Array, Object or token "
          "'null', 'true' or 'false')",
          static_cast<char>(c), static_cast<int>(c));
    }
  }
  return problem + "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: " +
         std::to_string(line) + ", column: " + std::to_string(column) + "]";
}

}  // namespace

ApiResult<InvokeOptions> parse_invoke_options(const HttpRequest& request, bool legacy_async) {
  InvokeOptions out;
  out.type = legacy_async ? "Event" : request.header("X-Amz-Invocation-Type");
  if (out.type.empty()) out.type = "RequestResponse";
  out.log_type = request.header("X-Amz-Log-Type");
  Violations violations;
  if (out.type != "RequestResponse" && out.type != "Event" && out.type != "DryRun") {
    violations.add(out.type, "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
  }
  if (!out.log_type.empty() && out.log_type != "None" && out.log_type != "Tail") {
    violations.add(out.log_type, "logType", "Member must satisfy enum value set: [None, Tail]");
  }
  if (!violations.empty()) return api_fail(violations.error());
  const std::string& payload = request.body;
  if (out.type == "Event" && payload.size() > k_max_async_payload) {
    return api_fail(too_large(std::to_string(payload.size()) + " byte payload is too large for the Event invocation type (limit " +
                              std::to_string(k_max_async_payload) + " bytes)"));
  }
  if (payload.size() > k_max_invoke_payload) {
    return api_fail(too_large("Request must be smaller than " + std::to_string(k_max_invoke_payload) +
                              " bytes for the InvokeFunction operation"));
  }
  if (!payload.empty() && json::parse(payload, nullptr, false).is_discarded()) {
    ApiError e;
    e.status = 400;
    e.code = "InvalidRequestContentException";
    e.message = "Could not parse request body into json: Could not parse payload into json: " +
                payload_parse_detail(payload);
    return api_fail(e);
  }
  if (request.has_header("X-Amz-Client-Context")) {
    auto decoded = base64_decode(request.header("X-Amz-Client-Context"));
    if (!decoded || json::parse(*decoded, nullptr, false).is_discarded()) {
      ApiError e;
      e.status = 400;
      e.code = "InvalidRequestContentException";
      e.message = "Client context must be a valid Base64-encoded JSON object.";
      return api_fail(e);
    }
    out.client_context = *decoded;
  }
  return out;
}

}  // namespace lcd::local
