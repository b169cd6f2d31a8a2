// Version operations of the Lambda API: PublishVersion and ListVersionsByFunction.
#include <nlohmann/json.hpp>

#include "local/function_name.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_render.hpp"
#include "local/lambda_validation.hpp"
#include "local/pagination.hpp"

namespace lcd::local {

using nlohmann::json;

ApiResult<VersionRow> LambdaApi::publish_locked(FunctionRow& row, const std::string* description) {
  std::string hash = source_hash(row.spec_json, row.code_sha256);
  if (row.last_published > 0 && row.published_source_hash == hash) {
    auto existing = m_store.get_version(row.scope(), row.name, row.last_published);
    if (!existing) return api_fail(from_error(existing.error()));
    if (*existing) return std::move(**existing);
  }
  if (auto room = check_code_storage(row.scope(), row.code_size); !room) return api_fail(room.error());
  const int64_t now = now_ms();
  VersionRow version;
  version.account = row.account;
  version.region = row.region;
  version.function_name = row.name;
  version.version = row.next_version;
  json spec = json::parse(row.spec_json);
  if (description) spec["Description"] = *description;
  version.spec_json = spec.dump();
  version.code_sha256 = row.code_sha256;
  version.code_size = row.code_size;
  // A version has its own RevisionId; it is Pending while the $LATEST it copies is (AWS, 2025).
  version.revision_id = new_revision();
  version.last_modified = now_lambda_time();
  version.pending_until_ms = row.busy_until_ms > now ? row.busy_until_ms : 0;
  row.next_version += 1;
  row.last_published = version.version;
  row.published_source_hash = hash;
  // Publishing gives $LATEST a new RevisionId (recorded from AWS, 2025).
  row.settle(now);
  row.revision_id = new_revision();
  if (auto put = m_store.put_version(version); !put) return api_fail(from_error(put.error()));
  if (auto put = m_store.put_function(row); !put) return api_fail(from_error(put.error()));
  return version;
}

LambdaApi::Reply LambdaApi::publish_version(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  if (auto d = validate_description(*body); !d) return api_fail(d.error());
  std::string code_sha = body->value("CodeSha256", "");
  std::string revision = body->value("RevisionId", "");
  std::optional<std::string> description;
  if (body->contains("Description")) description = (*body)["Description"].get<std::string>();
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    if (auto idle = check_not_busy(*row); !idle) return api_fail(idle.error());
    row->settle(now_ms());
    if (!code_sha.empty() && code_sha != row->code_sha256) {
      return api_fail(invalid_parameter("CodeSHA256 (" + code_sha + ") is different from current CodeSHA256 in $LATEST (" +
                                        row->code_sha256 + "). Please try again with the CodeSHA256 in $LATEST."));
    }
    if (!revision.empty() && revision != row->revision_id) return api_fail(revision_mismatch());
    auto version = publish_locked(*row, description ? &*description : nullptr);
    if (!version) return api_fail(version.error());
    return render_version(*version, now_ms());
  });
  if (!result) return api_fail(result.error());
  return json_response(201, *result);
}

std::string LambdaApi::cached_version_entry(const VersionRow& row) {
  std::string key = row.account + "\n" + row.region + "\n" + row.function_name + "\n" + std::to_string(row.version);
  {
    std::lock_guard lock(m_cache_mutex);
    auto it = m_version_entries.find(key);
    if (it != m_version_entries.end()) return it->second;
  }
  // List entries carry no State, so they never change once published.
  std::string text = render_version(row, now_ms(), ConfigView::list).dump();
  std::lock_guard lock(m_cache_mutex);
  if (m_version_entries.size() > 200000) m_version_entries.clear();
  m_version_entries.emplace(std::move(key), text);
  return text;
}

void LambdaApi::forget_cached_versions(const Scope& scope, const std::string& name) {
  std::string prefix = scope.account + "\n" + scope.region + "\n" + name + "\n";
  std::lock_guard lock(m_cache_mutex);
  for (auto it = m_version_entries.lower_bound(prefix);
       it != m_version_entries.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
    it = m_version_entries.erase(it);
  }
}

LambdaApi::Reply LambdaApi::list_versions(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, NameShape::namespaced);
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
  const Scope scope = call.scope;
  // The body is assembled from pre-rendered entries: JSON rendering dominated this operation's cost.
  auto result = m_store.read([&]() -> ApiResult<std::string> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    std::string items;
    int count = 0;
    int64_t last_key = after;
    if (after < 0) {
      items += render_latest(*row, now_ms(), true, ConfigView::list).dump();
      ++count;
      last_key = 0;
    }
    int remaining = *limit - count;
    auto versions = m_store.list_versions(scope, ref->name, std::max<int64_t>(after, 0), remaining + 1);
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

}  // namespace lcd::local
