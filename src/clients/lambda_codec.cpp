#include "clients/lambda_codec.hpp"

#include <nlohmann/json.hpp>

#include "util/encoding.hpp"

namespace lcd::clients {
namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

template <class N>
N num(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return N{};
  return it->get<N>();
}

Result<json> parse_object(std::string_view body, const char* what) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorKind::server, std::string("malformed ") + what + " response: not a JSON object");
  }
  return j;
}

FunctionConfiguration configuration_from(const json& j) {
  FunctionConfiguration c;
  c.function_name = str(j, "FunctionName");
  c.function_arn = str(j, "FunctionArn");
  c.runtime = str(j, "Runtime");
  c.role = str(j, "Role");
  c.handler = str(j, "Handler");
  c.code_size = num<int64_t>(j, "CodeSize");
  c.description = str(j, "Description");
  c.timeout = num<int>(j, "Timeout");
  c.memory_size = num<int>(j, "MemorySize");
  c.last_modified = str(j, "LastModified");
  c.code_sha256 = str(j, "CodeSha256");
  c.version = str(j, "Version");
  if (auto env = j.find("Environment"); env != j.end() && env->is_object()) {
    if (auto vars = env->find("Variables"); vars != env->end() && vars->is_object()) {
      for (auto& [k, v] : vars->items()) {
        if (v.is_string()) c.environment[k] = v.get<std::string>();
      }
    }
  }
  c.revision_id = str(j, "RevisionId");
  c.state = str(j, "State");
  c.state_reason = str(j, "StateReason");
  c.state_reason_code = str(j, "StateReasonCode");
  c.last_update_status = str(j, "LastUpdateStatus");
  c.last_update_status_reason = str(j, "LastUpdateStatusReason");
  c.last_update_status_reason_code = str(j, "LastUpdateStatusReasonCode");
  return c;
}

AliasConfiguration alias_from(const json& j) {
  AliasConfiguration a;
  a.alias_arn = str(j, "AliasArn");
  a.name = str(j, "Name");
  a.function_version = str(j, "FunctionVersion");
  a.description = str(j, "Description");
  a.revision_id = str(j, "RevisionId");
  if (auto rc = j.find("RoutingConfig"); rc != j.end() && rc->is_object()) {
    if (auto w = rc->find("AdditionalVersionWeights"); w != rc->end() && w->is_object()) {
      for (auto& [k, v] : w->items()) {
        if (v.is_number()) a.additional_version_weights[k] = v.get<double>();
      }
    }
  }
  return a;
}

std::map<std::string, std::string> string_map(const json& j) {
  std::map<std::string, std::string> out;
  if (!j.is_object()) return out;
  for (auto& [k, v] : j.items()) {
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

json code_json(const FunctionCode& code) {
  json j = json::object();
  if (!code.s3_bucket.empty()) {
    j["S3Bucket"] = code.s3_bucket;
    j["S3Key"] = code.s3_key;
    if (!code.s3_object_version.empty()) j["S3ObjectVersion"] = code.s3_object_version;
  } else {
    j["ZipFile"] = base64_encode(code.zip_file);
  }
  return j;
}

json environment_json(const EnvironmentVariables& vars) {
  json v = json::object();
  for (const auto& [k, val] : vars) v[k] = val;
  return json{{"Variables", v}};
}

}  // namespace

Result<FunctionConfiguration> parse_function_configuration(std::string_view body) {
  auto j = parse_object(body, "FunctionConfiguration");
  if (!j) return fail(j.error());
  return configuration_from(*j);
}

Result<FunctionInfo> parse_get_function(std::string_view body) {
  auto j = parse_object(body, "GetFunction");
  if (!j) return fail(j.error());
  FunctionInfo info;
  if (auto c = j->find("Configuration"); c != j->end() && c->is_object()) {
    info.configuration = configuration_from(*c);
  } else {
    return fail(ErrorKind::server, "malformed GetFunction response: no Configuration");
  }
  if (auto t = j->find("Tags"); t != j->end()) info.tags = string_map(*t);
  if (auto code = j->find("Code"); code != j->end() && code->is_object()) {
    info.code_location = str(*code, "Location");
  }
  return info;
}

Result<AliasConfiguration> parse_alias_configuration(std::string_view body) {
  auto j = parse_object(body, "AliasConfiguration");
  if (!j) return fail(j.error());
  return alias_from(*j);
}

Result<Page<FunctionConfiguration>> parse_versions_page(std::string_view body) {
  auto j = parse_object(body, "ListVersionsByFunction");
  if (!j) return fail(j.error());
  Page<FunctionConfiguration> page;
  if (auto v = j->find("Versions"); v != j->end() && v->is_array()) {
    for (const auto& item : *v) {
      if (item.is_object()) page.items.push_back(configuration_from(item));
    }
  }
  page.next_marker = str(*j, "NextMarker");
  return page;
}

Result<Page<AliasConfiguration>> parse_aliases_page(std::string_view body) {
  auto j = parse_object(body, "ListAliases");
  if (!j) return fail(j.error());
  Page<AliasConfiguration> page;
  if (auto v = j->find("Aliases"); v != j->end() && v->is_array()) {
    for (const auto& item : *v) {
      if (item.is_object()) page.items.push_back(alias_from(item));
    }
  }
  page.next_marker = str(*j, "NextMarker");
  return page;
}

Result<std::map<std::string, std::string>> parse_tags(std::string_view body) {
  auto j = parse_object(body, "ListTags");
  if (!j) return fail(j.error());
  if (auto t = j->find("Tags"); t != j->end()) return string_map(*t);
  return std::map<std::string, std::string>{};
}

Result<AccountSettings> parse_account_settings(std::string_view body) {
  auto j = parse_object(body, "GetAccountSettings");
  if (!j) return fail(j.error());
  auto number = [](const json& parent, const char* section, const char* name) -> int64_t {
    auto s = parent.find(section);
    if (s == parent.end() || !s->is_object()) return 0;
    auto v = s->find(name);
    return v != s->end() && v->is_number() ? v->get<int64_t>() : 0;
  };
  AccountSettings out;
  out.total_code_size_limit = number(*j, "AccountLimit", "TotalCodeSize");
  out.code_size_zipped_limit = number(*j, "AccountLimit", "CodeSizeZipped");
  out.code_size_unzipped_limit = number(*j, "AccountLimit", "CodeSizeUnzipped");
  out.concurrent_executions_limit = number(*j, "AccountLimit", "ConcurrentExecutions");
  out.total_code_size_used = number(*j, "AccountUsage", "TotalCodeSize");
  out.function_count = number(*j, "AccountUsage", "FunctionCount");
  return out;
}

std::string build_create_function_body(const CreateFunctionRequest& r) {
  json j;
  j["FunctionName"] = r.function_name;
  j["Role"] = r.role;
  if (!r.runtime.empty()) j["Runtime"] = r.runtime;
  if (!r.handler.empty()) j["Handler"] = r.handler;
  j["Code"] = code_json(r.code);
  if (r.description) j["Description"] = *r.description;
  if (r.timeout) j["Timeout"] = *r.timeout;
  if (r.memory_size) j["MemorySize"] = *r.memory_size;
  if (r.environment) j["Environment"] = environment_json(*r.environment);
  if (!r.tags.empty()) j["Tags"] = r.tags;
  if (r.publish) j["Publish"] = true;
  return j.dump();
}

std::string build_update_function_code_body(const UpdateFunctionCodeRequest& r) {
  json j = code_json(r.code);
  if (r.revision_id) j["RevisionId"] = *r.revision_id;
  if (r.publish) j["Publish"] = true;
  return j.dump();
}

std::string build_update_function_configuration_body(const UpdateFunctionConfigurationRequest& r) {
  json j = json::object();
  if (r.role) j["Role"] = *r.role;
  if (r.handler) j["Handler"] = *r.handler;
  if (r.runtime) j["Runtime"] = *r.runtime;
  if (r.description) j["Description"] = *r.description;
  if (r.timeout) j["Timeout"] = *r.timeout;
  if (r.memory_size) j["MemorySize"] = *r.memory_size;
  if (r.environment) j["Environment"] = environment_json(*r.environment);
  if (r.revision_id) j["RevisionId"] = *r.revision_id;
  return j.dump();
}

std::string build_publish_version_body(const PublishVersionRequest& r) {
  json j = json::object();
  if (r.code_sha256) j["CodeSha256"] = *r.code_sha256;
  if (r.revision_id) j["RevisionId"] = *r.revision_id;
  if (r.description) j["Description"] = *r.description;
  return j.dump();
}

std::string build_create_alias_body(const CreateAliasRequest& r) {
  json j;
  j["Name"] = r.name;
  j["FunctionVersion"] = r.function_version;
  if (r.description) j["Description"] = *r.description;
  return j.dump();
}

std::string build_update_alias_body(const UpdateAliasRequest& r) {
  json j = json::object();
  if (r.function_version) j["FunctionVersion"] = *r.function_version;
  if (r.description) j["Description"] = *r.description;
  if (r.revision_id) j["RevisionId"] = *r.revision_id;
  if (r.additional_version_weights) {
    json w = json::object();
    for (const auto& [k, v] : *r.additional_version_weights) w[k] = v;
    j["RoutingConfig"] = json{{"AdditionalVersionWeights", w}};
  }
  return j.dump();
}

std::string build_tag_resource_body(const std::map<std::string, std::string>& tags) {
  json j;
  j["Tags"] = tags;
  return j.dump();
}

}  // namespace lcd::clients
