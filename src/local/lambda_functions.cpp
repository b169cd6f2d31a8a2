// Function and version operations of the Lambda API.
#include <nlohmann/json.hpp>

#include <limits>

#include "local/function_name.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_render.hpp"
#include "local/lambda_validation.hpp"
#include "local/pagination.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local {

using nlohmann::json;

ApiResult<FunctionRef> LambdaApi::function_ref(const Call& call, const std::string& segment, bool allow_dot) {
  auto ref = parse_function_ref(segment, allow_dot);
  if (!ref) {
    return api_fail(constraint_violation(
        segment, "functionName",
        "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?"
        "-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?"));
  }
  if (call.request.has_query_param("Qualifier")) {
    std::string q = call.request.query_param("Qualifier");
    if (!is_valid_qualifier(q)) {
      return api_fail(constraint_violation(q, "qualifier",
                                           "Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)"));
    }
    if (!ref->qualifier.empty() && ref->qualifier != q) {
      return api_fail(invalid_parameter("The derived qualifier from the function name does not match the specified qualifier."));
    }
    ref->qualifier = q;
  }
  return std::move(*ref);
}

ApiError LambdaApi::revision_mismatch() const {
  return precondition_failed(
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve "
      "the latest Revision Id");
}

ApiResult<VersionRow> LambdaApi::publish_locked(FunctionRow& row, const std::string* description) {
  std::string hash = source_hash(row.spec_json, row.code_sha256);
  if (row.last_published > 0 && row.published_source_hash == hash) {
    auto existing = m_store.get_version(row.region, row.name, row.last_published);
    if (!existing) return api_fail(from_error(existing.error()));
    if (*existing) return std::move(**existing);
  }
  VersionRow version;
  version.region = row.region;
  version.function_name = row.name;
  version.version = row.next_version;
  json spec = json::parse(row.spec_json);
  if (description) spec["Description"] = *description;
  version.spec_json = spec.dump();
  version.code_sha256 = row.code_sha256;
  version.code_size = row.code_size;
  version.revision_id = random_uuid();
  version.last_modified = now_lambda_time();
  row.next_version += 1;
  row.last_published = version.version;
  row.published_source_hash = hash;
  if (auto put = m_store.put_version(version); !put) return api_fail(from_error(put.error()));
  if (auto put = m_store.put_function(row); !put) return api_fail(from_error(put.error()));
  return version;
}

LambdaApi::Reply LambdaApi::create_function(Call& call) {
  if (call.request.body.size() > k_max_request_bytes) {
    return api_fail(too_large("Request must be smaller than " + std::to_string(k_max_request_bytes) +
                              " bytes for the CreateFunction operation"));
  }
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  if (!body->contains("FunctionName") || !(*body)["FunctionName"].is_string()) {
    return api_fail(invalid_parameter("FunctionName is required"));
  }
  auto ref = parse_function_ref((*body)["FunctionName"].get<std::string>());
  if (!ref || !ref->qualifier.empty()) {
    return api_fail(constraint_violation((*body)["FunctionName"].get<std::string>(), "functionName",
                                         "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?"
                                         "([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?"
                                         "([a-zA-Z0-9-_]+)"));
  }
  if (!body->contains("Role")) return api_fail(invalid_parameter("Role is required"));
  json spec = default_spec();
  if (auto applied = apply_spec_fields(*body, spec); !applied) return api_fail(applied.error());
  if (auto complete = check_complete_spec(spec); !complete) return api_fail(complete.error());
  if (!body->contains("Code") || !(*body)["Code"].is_object()) return api_fail(invalid_parameter("Code is required"));
  auto zip = code_zip((*body)["Code"]);
  if (!zip) return api_fail(zip.error());
  json tags = json::object();
  if (body->contains("Tags")) {
    if (!(*body)["Tags"].is_object()) return api_fail(invalid_parameter("Tags must be a map"));
    tags = (*body)["Tags"];
  }
  auto blob_hold = m_blobs.hold();  // until the function row referring to the blob is committed
  auto hex = m_blobs.put(*zip);
  if (!hex) return api_fail(from_error(hex.error()));
  bool publish = body->value("Publish", false);

  FunctionRow row;
  row.region = call.context.region;
  row.name = ref->name;
  row.spec_json = spec.dump();
  row.code_sha256 = base64_encode(sha256(*zip));
  row.code_size = static_cast<int64_t>(zip->size());
  row.revision_id = random_uuid();
  row.last_modified = now_lambda_time();
  row.busy_until_ms = now_ms() + busy_window_ms();
  row.creating = true;
  row.tags_json = tags.dump();
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto existing = m_store.get_function(row.region, row.name);
    if (!existing) return api_fail(from_error(existing.error()));
    if (*existing) return api_fail(conflict("Function already exist: " + row.name));
    if (auto put = m_store.put_function(row); !put) return api_fail(from_error(put.error()));
    if (publish) {
      auto version = publish_locked(row, nullptr);
      if (!version) return api_fail(version.error());
      json out = render_version(*version, m_options.account_id);
      out["State"] = "Pending";
      out["StateReason"] = "The function is being created.";
      out["StateReasonCode"] = "Creating";
      out.erase("LastUpdateStatus");
      return out;
    }
    return render_latest(row, m_options.account_id, now_ms(), false);
  });
  if (!result) return api_fail(result.error());
  return json_response(201, *result);
}

LambdaApi::Reply LambdaApi::get_function(Call& call, const std::string& name_segment, bool configuration_only) {
  auto ref = function_ref(call, name_segment, true);
  if (!ref) return api_fail(ref.error());
  const std::string& region = call.context.region;
  const std::string& account = m_options.account_id;
  auto result = m_store.read([&]() -> ApiResult<json> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    std::string qualifier = ref->qualifier;
    std::string target_version = qualifier.empty() ? "$LATEST" : qualifier;
    if (!qualifier.empty() && qualifier != "$LATEST" && !is_version_number(qualifier)) {
      auto alias = m_store.get_alias(region, ref->name, qualifier);
      if (!alias) return api_fail(from_error(alias.error()));
      if (!*alias) return api_fail(not_found("Function not found: " + qualified_arn(region, account, ref->name, qualifier)));
      target_version = (*alias)->function_version;
    }
    json config;
    std::string code_sha;
    if (target_version == "$LATEST") {
      config = render_latest(*row, account, now_ms(), qualifier == "$LATEST");
      code_sha = row->code_sha256;
    } else {
      auto version = m_store.get_version(region, ref->name, std::stoll(target_version));
      if (!version) return api_fail(from_error(version.error()));
      if (!*version) {
        return api_fail(not_found("Function not found: " + qualified_arn(region, account, ref->name, qualifier)));
      }
      config = render_version(**version, account);
      code_sha = (*version)->code_sha256;
    }
    if (configuration_only) return config;
    std::string host = call.context.host.empty() ? "127.0.0.1" : call.context.host;
    json out{{"Configuration", config},
             {"Code", {{"RepositoryType", "S3"},
                       {"Location", "http://" + host + "/_lambda-cd/code/" + code_sha_to_hex(code_sha) + ".zip"}}}};
    json tags = json::parse(row->tags_json, nullptr, false);
    if (tags.is_object() && !tags.empty()) out["Tags"] = tags;
    return out;
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

ApiResult<std::string> LambdaApi::code_zip(const json& code) {
  if (code.contains("ZipFile")) return decode_zip_file(code["ZipFile"]);
  if (!code.contains("S3Bucket") && !code.contains("S3Key")) {
    return api_fail(invalid_parameter("Please provide a source for function code."));
  }
  for (const char* member : {"S3Bucket", "S3Key"}) {
    if (!code.contains(member)) return api_fail(invalid_parameter(std::string("Please provide ") + member + "."));
    if (!code[member].is_string()) return api_fail(invalid_parameter(std::string(member) + " must be a string."));
  }
  if (code.contains("S3ObjectVersion")) {
    return api_fail(invalid_parameter("S3ObjectVersion is not supported by lambda-cd local (its S3 keeps no versions)"));
  }
  auto s3_failure = [](const std::string& s3_code, const std::string& message) {
    return api_fail(invalid_parameter("Error occurred while GetObject. S3 Error Code: " + s3_code +
                                      ". S3 Error Message: " + message));
  };
  if (!m_code_objects) return s3_failure("NoSuchBucket", "The specified bucket does not exist");
  auto bytes = m_code_objects->get_object(code["S3Bucket"].get<std::string>(), code["S3Key"].get<std::string>());
  if (!bytes) {
    const Error& e = bytes.error();
    return s3_failure(e.code.empty() ? "InternalError" : e.code, e.message);
  }
  return validate_zip(std::move(*bytes));
}

LambdaApi::Reply LambdaApi::update_function_code(Call& call, const std::string& name_segment) {
  if (call.request.body.size() > k_max_request_bytes) {
    return api_fail(too_large("Request must be smaller than " + std::to_string(k_max_request_bytes) +
                              " bytes for the UpdateFunctionCode operation"));
  }
  auto ref = function_ref(call, name_segment, false);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  auto zip = code_zip(*body);
  if (!zip) return api_fail(zip.error());
  json arch_probe = json::object();
  if (body->contains("Architectures")) arch_probe["Architectures"] = (*body)["Architectures"];
  json arch_spec = json::object();
  if (auto a = apply_spec_fields(arch_probe, arch_spec); !a) return api_fail(a.error());
  bool dry_run = body->value("DryRun", false);
  bool publish = body->value("Publish", false);
  std::string revision = body->value("RevisionId", "");
  std::string hex;
  auto blob_hold = m_blobs.hold();  // until the function row referring to the blob is committed
  if (!dry_run) {
    auto stored = m_blobs.put(*zip);
    if (!stored) return api_fail(from_error(stored.error()));
    hex = *stored;
  }
  const std::string region = call.context.region;
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    if (auto idle = check_not_busy(*row); !idle) return api_fail(idle.error());
    if (!revision.empty() && revision != row->revision_id) return api_fail(revision_mismatch());
    if (dry_run) return render_latest(*row, m_options.account_id, now_ms(), false);
    const LatestBeforeUpdate previous{row->spec_json, row->code_sha256, 0};
    row->code_sha256 = base64_encode(sha256(*zip));
    row->code_size = static_cast<int64_t>(zip->size());
    if (arch_spec.contains("Architectures")) {
      json spec = json::parse(row->spec_json);
      spec["Architectures"] = arch_spec["Architectures"];
      row->spec_json = spec.dump();
    }
    row->revision_id = random_uuid();
    row->last_modified = now_lambda_time();
    row->busy_until_ms = now_ms() + busy_window_ms();
    row->creating = false;
    if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    if (auto kept = keep_latest_before_update(*row, previous); !kept) return api_fail(kept.error());
    if (publish) {
      auto version = publish_locked(*row, nullptr);
      if (!version) return api_fail(version.error());
      return render_version(*version, m_options.account_id);
    }
    return render_latest(*row, m_options.account_id, now_ms(), false);
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

ApiResult<void> LambdaApi::keep_latest_before_update(const FunctionRow& updated, LatestBeforeUpdate previous) {
  if (updated.busy_until_ms <= now_ms()) return {};  // no InProgress window (update delay 0)
  previous.until_ms = updated.busy_until_ms;
  if (auto put = m_store.put_latest_before_update(updated.region, updated.name, previous); !put) {
    return api_fail(from_error(put.error()));
  }
  return {};
}

LambdaApi::Reply LambdaApi::update_function_configuration(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, false);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  json probe = json::object();
  if (auto applied = apply_spec_fields(*body, probe); !applied) return api_fail(applied.error());
  std::string revision = body->value("RevisionId", "");
  const std::string region = call.context.region;
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    if (auto idle = check_not_busy(*row); !idle) return api_fail(idle.error());
    if (!revision.empty() && revision != row->revision_id) return api_fail(revision_mismatch());
    const LatestBeforeUpdate previous{row->spec_json, row->code_sha256, 0};
    json spec = json::parse(row->spec_json);
    if (auto applied = apply_spec_fields(*body, spec); !applied) return api_fail(applied.error());
    row->spec_json = spec.dump();
    row->revision_id = random_uuid();
    row->last_modified = now_lambda_time();
    row->busy_until_ms = now_ms() + busy_window_ms();
    row->creating = false;
    if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    if (auto kept = keep_latest_before_update(*row, previous); !kept) return api_fail(kept.error());
    return render_latest(*row, m_options.account_id, now_ms(), false);
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

LambdaApi::Reply LambdaApi::publish_version(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, false);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  if (auto d = validate_description(*body); !d) return api_fail(d.error());
  std::string code_sha = body->value("CodeSha256", "");
  std::string revision = body->value("RevisionId", "");
  std::optional<std::string> description;
  if (body->contains("Description")) description = (*body)["Description"].get<std::string>();
  const std::string region = call.context.region;
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    if (auto idle = check_not_busy(*row); !idle) return api_fail(idle.error());
    if (!code_sha.empty() && code_sha != row->code_sha256) {
      return api_fail(invalid_parameter("CodeSHA256 (" + code_sha + ") is different from current CodeSHA256 in $LATEST (" +
                                        row->code_sha256 + "). Please try again with the CodeSHA256 in $LATEST."));
    }
    if (!revision.empty() && revision != row->revision_id) return api_fail(revision_mismatch());
    auto version = publish_locked(*row, description ? &*description : nullptr);
    if (!version) return api_fail(version.error());
    return render_version(*version, m_options.account_id);
  });
  if (!result) return api_fail(result.error());
  return json_response(201, *result);
}

std::string LambdaApi::cached_version_entry(const VersionRow& row) {
  std::string key = row.region + "\n" + row.function_name + "\n" + std::to_string(row.version);
  {
    std::lock_guard lock(m_cache_mutex);
    auto it = m_version_entries.find(key);
    if (it != m_version_entries.end()) return it->second;
  }
  std::string text = render_version(row, m_options.account_id, true).dump();
  std::lock_guard lock(m_cache_mutex);
  if (m_version_entries.size() > 200000) m_version_entries.clear();
  m_version_entries.emplace(std::move(key), text);
  return text;
}

void LambdaApi::forget_cached_versions(const std::string& region, const std::string& name) {
  std::string prefix = region + "\n" + name + "\n";
  std::lock_guard lock(m_cache_mutex);
  for (auto it = m_version_entries.lower_bound(prefix);
       it != m_version_entries.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = m_version_entries.erase(it);
  }
}

LambdaApi::Reply LambdaApi::list_versions(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, true);
  if (!ref) return api_fail(ref.error());
  auto limit = page_size(call.request, 50);
  if (!limit) return api_fail(limit.error());
  // Position keys: -1 before $LATEST, 0 after $LATEST, N after version N.
  int64_t after = -1;
  if (call.request.has_query_param("Marker")) {
    auto key = decode_marker(call.request.query_param("Marker"));
    if (!key) return api_fail(key.error());
    char* end = nullptr;
    after = std::strtoll(key->c_str(), &end, 10);
    if (key->empty() || *end != '\0' || after < 0) return api_fail(invalid_parameter("Invalid marker"));
  }
  const std::string region = call.context.region;
  // The body is assembled from pre-rendered entries: JSON rendering dominated this operation's cost.
  auto result = m_store.read([&]() -> ApiResult<std::string> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    std::string items;
    int count = 0;
    int64_t last_key = after;
    if (after < 0) {
      items += render_latest(*row, m_options.account_id, now_ms(), true, true).dump();
      ++count;
      last_key = 0;
    }
    int remaining = *limit - count;
    auto versions = m_store.list_versions(region, ref->name, std::max<int64_t>(after, 0), remaining + 1);
    if (!versions) return api_fail(from_error(versions.error()));
    bool more = static_cast<int>(versions->size()) > remaining;
    for (int i = 0; i < remaining && i < static_cast<int>(versions->size()); ++i) {
      if (!items.empty()) items += ",";
      items += cached_version_entry((*versions)[i]);
      last_key = (*versions)[i].version;
    }
    std::string body = "{\"Versions\":[" + items + "]";
    if (more) body += ",\"NextMarker\":" + json(encode_marker(std::to_string(last_key))).dump();
    return body + "}";
  });
  if (!result) return api_fail(result.error());
  HttpResponse response;
  response.body = std::move(*result);
  return response;
}

LambdaApi::Reply LambdaApi::list_functions(Call& call) {
  auto limit = page_size(call.request, 50);
  if (!limit) return api_fail(limit.error());
  bool all_versions = call.request.query_param("FunctionVersion") == "ALL";
  if (call.request.has_query_param("FunctionVersion") && !all_versions) {
    return api_fail(constraint_violation(call.request.query_param("FunctionVersion"), "functionVersion",
                                         "Member must satisfy enum value set: [ALL]"));
  }
  // Position key: "<name>" (unversioned listing) or "<name>\n<n>" with n = 0 for $LATEST.
  std::string after_name;
  int64_t after_version = -1;
  if (call.request.has_query_param("Marker")) {
    auto key = decode_marker(call.request.query_param("Marker"));
    if (!key) return api_fail(key.error());
    auto nl = key->find('\n');
    after_name = key->substr(0, nl);
    if (nl != std::string::npos) after_version = std::strtoll(key->c_str() + nl + 1, nullptr, 10);
  }
  const std::string region = call.context.region;
  const std::string& account = m_options.account_id;
  auto result = m_store.read([&]() -> ApiResult<json> {
    json items = json::array();
    std::string next_marker;
    std::string cursor = after_name;
    bool resume_inside = all_versions && after_version >= 0;
    if (resume_inside) {
      // Continue the versions of the function the last page ended in.
      auto versions = m_store.list_versions(region, after_name, after_version, *limit + 1);
      if (!versions) return api_fail(from_error(versions.error()));
      for (const auto& v : *versions) {
        if (static_cast<int>(items.size()) == *limit) {
          return json{{"Functions", items}, {"NextMarker", next_marker}};
        }
        items.push_back(render_version(v, account, true));
        next_marker = encode_marker(after_name + "\n" + std::to_string(v.version));
      }
    }
    while (static_cast<int>(items.size()) < *limit + 1) {
      auto rows = m_store.list_functions(region, cursor, *limit + 1);
      if (!rows) return api_fail(from_error(rows.error()));
      if (rows->empty()) break;
      for (const auto& row : *rows) {
        cursor = row.name;
        if (static_cast<int>(items.size()) == *limit) {
          return json{{"Functions", items}, {"NextMarker", next_marker}};
        }
        items.push_back(render_latest(row, account, now_ms(), all_versions, true));
        next_marker = encode_marker(all_versions ? row.name + "\n0" : row.name);
        if (!all_versions) continue;
        int64_t after_v = 0;
        while (true) {
          auto versions = m_store.list_versions(region, row.name, after_v, *limit + 1);
          if (!versions) return api_fail(from_error(versions.error()));
          if (versions->empty()) break;
          for (const auto& v : *versions) {
            if (static_cast<int>(items.size()) == *limit) {
              return json{{"Functions", items}, {"NextMarker", next_marker}};
            }
            items.push_back(render_version(v, account, true));
            next_marker = encode_marker(row.name + "\n" + std::to_string(v.version));
            after_v = v.version;
          }
        }
      }
    }
    return json{{"Functions", items}};
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

LambdaApi::Reply LambdaApi::delete_function(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, true);
  if (!ref) return api_fail(ref.error());
  const std::string region = call.context.region;
  const std::string qualifier = ref->qualifier;
  if (qualifier == "$LATEST") {
    return api_fail(invalid_parameter("$LATEST version cannot be deleted without deleting the function."));
  }
  if (!qualifier.empty() && !is_version_number(qualifier)) {
    return api_fail(invalid_parameter("Deletion of aliases is not supported. Use DeleteAlias to delete alias " +
                                      qualifier + "."));
  }
  std::vector<std::string> dropped_code;  // hex sha256 of the packages the deleted rows referred to
  auto result = m_store.write([&]() -> ApiResult<bool> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    if (qualifier.empty()) {
      dropped_code.push_back(code_sha_to_hex(row->code_sha256));
      auto versions = m_store.list_versions(region, ref->name, 0, std::numeric_limits<int>::max());
      if (!versions) return api_fail(from_error(versions.error()));
      for (const auto& v : *versions) dropped_code.push_back(code_sha_to_hex(v.code_sha256));
      auto before_update = m_store.get_latest_before_update(region, ref->name);
      if (!before_update) return api_fail(from_error(before_update.error()));
      if (*before_update) dropped_code.push_back(code_sha_to_hex((*before_update)->code_sha256));
      if (auto del = m_store.delete_function(region, ref->name); !del) return api_fail(from_error(del.error()));
      forget_cached_versions(region, ref->name);
      return true;
    }
    auto aliases = m_store.list_aliases(region, ref->name, "", 1000000);
    if (!aliases) return api_fail(from_error(aliases.error()));
    std::vector<std::string> referencing;
    for (const auto& alias : *aliases) {
      json routing = json::parse(alias.routing_json, nullptr, false);
      if (alias.function_version == qualifier || (routing.is_object() && routing.contains(qualifier))) {
        referencing.push_back(alias.name);
      }
    }
    if (!referencing.empty()) {
      return api_fail(conflict("Unable to delete version because the following aliases reference it: [" +
                               join(referencing, ", ") + "]"));
    }
    auto version = m_store.get_version(region, ref->name, std::stoll(qualifier));
    if (!version) return api_fail(from_error(version.error()));
    if (*version) dropped_code.push_back(code_sha_to_hex((*version)->code_sha256));
    if (auto del = m_store.delete_version(region, ref->name, std::stoll(qualifier)); !del) {
      return api_fail(from_error(del.error()));
    }
    forget_cached_versions(region, ref->name);
    return false;
  });
  if (!result) return api_fail(result.error());
  if (*result && m_invoker) m_invoker->forget_function(ref->name);
  // Packages no function, version or S3 object refers to any more leave the disk.
  std::erase(dropped_code, std::string());
  m_blobs.release(dropped_code);
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

}  // namespace lcd::local
