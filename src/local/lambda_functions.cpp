// Function operations of the Lambda API: create, read, update, list, delete.
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

namespace {

// A request over the operation's limit: 413, "Zipped size ..." when the zip alone is over the
// zipped limit (AWS checks that first), else "Request must be smaller than ...".
ApiError oversized_request(const HttpRequest& request, const char* operation, bool code_in_member) {
  json body = json::parse(request.body, nullptr, false);
  const json* zip = nullptr;
  if (body.is_object()) {
    if (code_in_member && body.contains("Code") && body["Code"].is_object()) zip = &body["Code"];
    if (!code_in_member) zip = &body;
  }
  if (zip && zip->contains("ZipFile") && (*zip)["ZipFile"].is_string() &&
      (*zip)["ZipFile"].get_ref<const std::string&>().size() / 4 * 3 > k_max_zipped_bytes) {
    return too_large("Zipped size must be smaller than " + std::to_string(k_max_zipped_bytes) + " bytes");
  }
  return too_large("Request must be smaller than " + std::to_string(k_max_create_request_bytes) + " bytes for the " +
                   operation + " operation");
}

}  // namespace

LambdaApi::Reply LambdaApi::create_function(Call& call) {
  if (call.request.body.size() > k_max_create_request_bytes) {
    return api_fail(oversized_request(call.request, "CreateFunction", true));
  }
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  if (auto typed = check_spec_types(*body); !typed) return api_fail(typed.error());
  // Model constraints of the whole request first, reported together (required members, the
  // name's length and pattern, then the configuration's).
  Violations violations;
  std::string name_text;
  std::optional<FunctionRef> ref;
  if (!body->contains("FunctionName") || !(*body)["FunctionName"].is_string()) {
    violations.add_null("functionName");
  } else {
    name_text = (*body)["FunctionName"].get<std::string>();
    if (name_text.size() > function_name_max_length(NameShape::plain)) {
      violations.add(name_text, "functionName", "Member must have length less than or equal to 140");
    }
    ref = match_function_name(name_text, NameShape::plain);
    if (!ref) {
      violations.add(name_text, "functionName",
                     "Member must satisfy regular expression pattern: " +
                         std::string(function_name_pattern(NameShape::plain)));
    }
  }
  if (!body->contains("Role")) violations.add_null("role");
  if (!body->contains("Code")) violations.add_null("code");
  collect_spec_violations(*body, violations);
  if (!violations.empty()) return api_fail(violations.error());
  // Recorded from AWS (2025): a name over 64 characters is InvalidParameterValueException with a
  // constraint text; an ARN of another region is not found, of another account access denied.
  if (ref->name.size() > k_function_name_part_max) {
    Violations too_long;
    too_long.add(name_text, "functionName", "Member must have length less than or equal to 64");
    return api_fail(too_long.error("InvalidParameterValueException"));
  }
  if (!ref->region.empty() && ref->region != call.scope.region) {
    return api_fail(not_found("Functions from '" + ref->region + "' are not reachable in this region ('" +
                              call.scope.region + "')"));
  }
  if (!ref->account.empty() && ref->account != call.scope.account) {
    ApiError e;
    e.status = 403;
    e.code = "AccessDeniedException";
    e.null_message = true;
    return api_fail(e);
  }
  if (!ref->qualifier.empty()) {
    // Not observed on AWS; a function is created unqualified.
    return api_fail(invalid_parameter("A qualifier cannot be given when creating a function: " + name_text));
  }
  json spec = default_spec();
  if (auto applied = apply_spec_fields(*body, spec, call.request.body); !applied) return api_fail(applied.error());
  if (auto complete = check_complete_spec(spec); !complete) return api_fail(complete.error());
  if (m_role_check) {
    if (auto ok = m_role_check->check_lambda_role(call.scope.account, spec["Role"].get<std::string>()); !ok) {
      return api_fail(ok.error());
    }
  }
  if (!(*body)["Code"].is_object()) return api_fail(invalid_parameter("Invalid type for parameter Code"));
  json tags = json::object();
  if (body->contains("Tags")) {
    if (auto ok = validate_tags((*body)["Tags"]); !ok) return api_fail(ok.error());
    tags = (*body)["Tags"];
  }
  auto zip = code_zip((*body)["Code"]);
  if (!zip) return api_fail(zip.error());
  auto blob_hold = m_blobs.hold();  // until the function row referring to the blob is committed
  auto hex = m_blobs.put(*zip);
  if (!hex) return api_fail(from_error(hex.error()));
  bool publish = body->value("Publish", false);

  FunctionRow row;
  row.account = call.scope.account;
  row.region = call.scope.region;
  row.name = ref->name;
  row.spec_json = spec.dump();
  row.code_sha256 = base64_encode(sha256(*zip));
  row.code_size = static_cast<int64_t>(zip->size());
  // Pending has its own RevisionId; another comes when the function becomes Active.
  row.revision_id = new_revision();
  row.settled_revision_id = new_revision();
  row.last_modified = now_lambda_time();
  row.busy_until_ms = now_ms() + busy_window_ms();
  row.creating = true;
  row.tags_json = tags.dump();
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto existing = m_store.get_function(call.scope, row.name);
    if (!existing) return api_fail(from_error(existing.error()));
    if (*existing) return api_fail(conflict("Function already exist: " + row.name));
    if (auto room = check_code_storage(call.scope, row.code_size); !room) return api_fail(room.error());
    if (auto put = m_store.put_function(row); !put) return api_fail(from_error(put.error()));
    if (publish) {
      const std::string creating_revision = row.revision_id;
      auto version = publish_locked(row, nullptr);
      if (!version) return api_fail(version.error());
      // Recorded from AWS (2025): version 1, Pending, with the unqualified ARN and the creation's
      // RevisionId.
      json out = render_version(*version, now_ms());
      out["FunctionArn"] = function_arn(row.region, row.account, row.name);
      out["RevisionId"] = creating_revision;
      return out;
    }
    return render_latest(row, now_ms(), false);
  });
  if (!result) {
    // A refused create leaves no package behind (kept when something else refers to the same bytes).
    blob_hold.unlock();
    m_blobs.release({*hex});
    return api_fail(result.error());
  }
  return json_response(201, *result);
}

LambdaApi::Reply LambdaApi::get_function(Call& call, const std::string& name_segment, bool configuration_only) {
  auto ref = function_ref(call, name_segment, NameShape::namespaced);
  if (!ref) return api_fail(ref.error());
  const Scope& scope = call.scope;
  auto result = m_store.read([&]() -> ApiResult<json> {
    const std::string& qualifier = ref->qualifier;
    auto row = require_function(scope, ref->name, qualifier);
    if (!row) return api_fail(row.error());
    auto missing = [&] {
      return not_found("Function not found: " + qualified_arn(scope.region, scope.account, ref->name, qualifier));
    };
    std::string target_version = qualifier.empty() ? "$LATEST" : qualifier;
    std::string through_alias;
    if (!qualifier.empty() && qualifier != "$LATEST" && !is_version_number(qualifier)) {
      if (!is_valid_alias_name(qualifier)) return api_fail(missing());
      auto alias = m_store.get_alias(scope, ref->name, qualifier);
      if (!alias) return api_fail(from_error(alias.error()));
      if (!*alias) return api_fail(missing());
      target_version = (*alias)->function_version;
      through_alias = qualifier;
    }
    json config;
    std::string code_sha;
    if (target_version == "$LATEST") {
      config = render_latest(*row, now_ms(), qualifier == "$LATEST");
      if (!through_alias.empty()) config["FunctionArn"] = qualified_arn(scope.region, scope.account, ref->name, through_alias);
      code_sha = row->code_sha256;
    } else {
      auto version = m_store.get_version(scope, ref->name, std::stoll(target_version));
      if (!version) return api_fail(from_error(version.error()));
      if (!*version) return api_fail(missing());
      config = render_version(**version, now_ms(), ConfigView::full, through_alias);
      code_sha = (*version)->code_sha256;
    }
    if (configuration_only) return config;
    std::string host = call.context.host.empty() ? "127.0.0.1" : call.context.host;
    json out{{"Configuration", config},
             {"Code", {{"RepositoryType", "S3"},
                       {"Location", "http://" + host + "/_lambda-cd/code/" + code_sha_to_hex(code_sha) + ".zip"}}}};
    json tags = json::parse(row->tags_json, nullptr, false);
    if (tags.is_object() && !tags.empty()) out["Tags"] = tags;
    if (row->reserved_concurrency >= 0) out["Concurrency"] = {{"ReservedConcurrentExecutions", row->reserved_concurrency}};
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
  if (call.request.body.size() > k_max_create_request_bytes) {
    return api_fail(oversized_request(call.request, "UpdateFunctionCode", false));
  }
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  json arch_probe = json::object();
  if (body->contains("Architectures")) arch_probe["Architectures"] = (*body)["Architectures"];
  json arch_spec = json::object();
  if (auto a = apply_spec_fields(arch_probe, arch_spec); !a) return api_fail(a.error());
  auto zip = code_zip(*body);
  if (!zip) return api_fail(zip.error());
  bool dry_run = body->value("DryRun", false);
  bool publish = body->value("Publish", false);
  std::string revision = body->value("RevisionId", "");
  auto blob_hold = m_blobs.hold();  // until the function row referring to the blob is committed
  if (!dry_run) {
    if (auto stored = m_blobs.put(*zip); !stored) return api_fail(from_error(stored.error()));
  }
  const Scope scope = call.scope;
  // The package this update stores and those it may leave unreferenced: the code $LATEST had and
  // the one kept for invokes during an earlier update's InProgress window (see release below).
  std::vector<std::string> maybe_dropped;
  if (!dry_run) maybe_dropped.push_back(hex_encode(sha256(*zip)));
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    const int64_t now = now_ms();
    if (auto idle = check_not_busy(*row); !idle) return api_fail(idle.error());
    row->settle(now);
    if (!revision.empty() && revision != row->revision_id) return api_fail(revision_mismatch());
    if (dry_run) return render_latest(*row, now, false);
    maybe_dropped.push_back(code_sha_to_hex(row->code_sha256));
    auto before_update = m_store.get_latest_before_update(scope, ref->name);
    if (!before_update) return api_fail(from_error(before_update.error()));
    if (*before_update) maybe_dropped.push_back(code_sha_to_hex((*before_update)->code_sha256));
    const int64_t new_size = static_cast<int64_t>(zip->size());
    if (auto room = check_code_storage(scope, new_size - row->code_size); !room) return api_fail(room.error());
    const LatestBeforeUpdate previous{row->spec_json, row->code_sha256, 0};
    row->code_sha256 = base64_encode(sha256(*zip));
    row->code_size = new_size;
    if (arch_spec.contains("Architectures")) {
      json spec = json::parse(row->spec_json);
      spec["Architectures"] = arch_spec["Architectures"];
      row->spec_json = spec.dump();
    }
    // InProgress has its own RevisionId; another comes when the update completes.
    row->revision_id = new_revision();
    row->settled_revision_id = new_revision();
    row->last_modified = now_lambda_time();
    row->busy_until_ms = now + busy_window_ms();
    row->creating = false;
    if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    if (auto kept = keep_latest_before_update(*row, previous); !kept) return api_fail(kept.error());
    if (publish) {
      auto version = publish_locked(*row, nullptr);
      if (!version) return api_fail(version.error());
      return render_version(*version, now);
    }
    return render_latest(*row, now, false);
  });
  // Packages no function, version, pre-update $LATEST or S3 object refers to any more (the old code
  // after a commit, the new one after a refusal) leave the disk; the others stay.
  blob_hold.unlock();
  std::erase(maybe_dropped, std::string());
  m_blobs.release(maybe_dropped);
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

ApiResult<void> LambdaApi::keep_latest_before_update(const FunctionRow& updated, LatestBeforeUpdate previous) {
  if (updated.busy_until_ms <= now_ms()) return {};  // no InProgress window (update delay 0)
  previous.until_ms = updated.busy_until_ms;
  if (auto put = m_store.put_latest_before_update(updated.scope(), updated.name, previous); !put) {
    return api_fail(from_error(put.error()));
  }
  return {};
}

LambdaApi::Reply LambdaApi::update_function_configuration(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  json probe = json::object();
  if (auto applied = apply_spec_fields(*body, probe, call.request.body); !applied) return api_fail(applied.error());
  if (m_role_check && probe.contains("Role")) {
    if (auto ok = m_role_check->check_lambda_role(call.scope.account, probe["Role"].get<std::string>()); !ok) {
      return api_fail(ok.error());
    }
  }
  std::string revision = body->value("RevisionId", "");
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    const int64_t now = now_ms();
    if (auto idle = check_not_busy(*row); !idle) return api_fail(idle.error());
    row->settle(now);
    if (!revision.empty() && revision != row->revision_id) return api_fail(revision_mismatch());
    const LatestBeforeUpdate previous{row->spec_json, row->code_sha256, 0};
    json spec = json::parse(row->spec_json);
    if (auto applied = apply_spec_fields(*body, spec, call.request.body); !applied) return api_fail(applied.error());
    row->spec_json = spec.dump();
    row->revision_id = new_revision();
    row->settled_revision_id = new_revision();
    row->last_modified = now_lambda_time();
    row->busy_until_ms = now + busy_window_ms();
    row->creating = false;
    if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    if (auto kept = keep_latest_before_update(*row, previous); !kept) return api_fail(kept.error());
    return render_latest(*row, now, false);
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
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
  const Scope scope = call.scope;
  auto result = m_store.read([&]() -> ApiResult<json> {
    const int64_t now = now_ms();
    json items = json::array();
    std::string next_marker;
    std::string cursor = after_name;
    bool resume_inside = all_versions && after_version >= 0;
    if (resume_inside) {
      // Continue the versions of the function the last page ended in.
      auto versions = m_store.list_versions(scope, after_name, after_version, *limit + 1);
      if (!versions) return api_fail(from_error(versions.error()));
      for (const auto& v : *versions) {
        if (static_cast<int>(items.size()) == *limit) {
          return json{{"Functions", items}, {"NextMarker", next_marker}};
        }
        items.push_back(render_version(v, now, ConfigView::list));
        next_marker = encode_marker(after_name + "\n" + std::to_string(v.version));
      }
    }
    while (static_cast<int>(items.size()) < *limit + 1) {
      auto rows = m_store.list_functions(scope, cursor, *limit + 1);
      if (!rows) return api_fail(from_error(rows.error()));
      if (rows->empty()) break;
      for (const auto& row : *rows) {
        cursor = row.name;
        if (static_cast<int>(items.size()) == *limit) {
          return json{{"Functions", items}, {"NextMarker", next_marker}};
        }
        items.push_back(render_latest(row, now, all_versions, ConfigView::list));
        next_marker = encode_marker(all_versions ? row.name + "\n0" : row.name);
        if (!all_versions) continue;
        int64_t after_v = 0;
        while (true) {
          auto versions = m_store.list_versions(scope, row.name, after_v, *limit + 1);
          if (!versions) return api_fail(from_error(versions.error()));
          if (versions->empty()) break;
          for (const auto& v : *versions) {
            if (static_cast<int>(items.size()) == *limit) {
              return json{{"Functions", items}, {"NextMarker", next_marker}};
            }
            items.push_back(render_version(v, now, ConfigView::list));
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
  auto ref = function_ref(call, name_segment, NameShape::namespaced);
  if (!ref) return api_fail(ref.error());
  const Scope scope = call.scope;
  const std::string qualifier = ref->qualifier;
  // Texts and order recorded from AWS (2024-2025): both are refused before the function is looked up.
  if (qualifier == "$LATEST") {
    return api_fail(invalid_parameter("$LATEST version cannot be deleted without deleting the function."));
  }
  if (!qualifier.empty() && is_valid_alias_name(qualifier)) {
    return api_fail(invalid_parameter("Deletion of aliases is not currently supported."));
  }
  std::vector<std::string> dropped_code;  // hex sha256 of the packages the deleted rows referred to
  auto result = m_store.write([&]() -> ApiResult<bool> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    if (qualifier.empty()) {
      dropped_code.push_back(code_sha_to_hex(row->code_sha256));
      auto versions = m_store.list_versions(scope, ref->name, 0, std::numeric_limits<int>::max());
      if (!versions) return api_fail(from_error(versions.error()));
      for (const auto& v : *versions) dropped_code.push_back(code_sha_to_hex(v.code_sha256));
      auto before_update = m_store.get_latest_before_update(scope, ref->name);
      if (!before_update) return api_fail(from_error(before_update.error()));
      if (*before_update) dropped_code.push_back(code_sha_to_hex((*before_update)->code_sha256));
      if (auto del = m_store.delete_function(scope, ref->name); !del) return api_fail(from_error(del.error()));
      forget_cached_versions(scope, ref->name);
      return true;
    }
    // A qualifier that names no version (e.g. "$latest") deletes nothing, as a missing version.
    if (!is_version_number(qualifier)) return false;
    auto aliases = m_store.list_aliases(scope, ref->name, "", 1000000);
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
    auto version = m_store.get_version(scope, ref->name, std::stoll(qualifier));
    if (!version) return api_fail(from_error(version.error()));
    if (*version) dropped_code.push_back(code_sha_to_hex((*version)->code_sha256));
    if (auto del = m_store.delete_version(scope, ref->name, std::stoll(qualifier)); !del) {
      return api_fail(from_error(del.error()));
    }
    forget_cached_versions(scope, ref->name);
    return false;
  });
  if (!result) return api_fail(result.error());
  if (*result && m_invoker) m_invoker->forget_function(scope.account, scope.region, ref->name);
  // Packages no function, version or S3 object refers to any more leave the disk.
  std::erase(dropped_code, std::string());
  m_blobs.release(dropped_code);
  return empty_response(204);
}

}  // namespace lcd::local
