// Tag operations of the Lambda API: tags live on the unqualified function; changing them gives
// $LATEST a new RevisionId (recorded from AWS, 2025).
#include <nlohmann/json.hpp>

#include "local/function_name.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_validation.hpp"
#include "util/strings.hpp"

namespace lcd::local {

using nlohmann::json;

namespace {

// The TaggableResource pattern AWS quotes today (recorded 2025).
constexpr const char* k_resource_pattern =
    "arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:(function:[a-zA-Z0-9-_]+"
    "(:(\\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|event-source-mapping:"
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|capacity-provider:[a-zA-Z0-9-_]+)";

bool all_of(std::string_view s, int (*pred)(int)) {
  for (char c : s) {
    if (!pred(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

bool is_word(std::string_view s) {
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return !s.empty();
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// A resource other than a function, which this endpoint never has: how AWS reports it missing.
std::optional<ApiError> other_resource(const std::string& arn) {
  auto parts = split(arn, ':');
  if (parts.size() != 7 || parts[0] != "arn" || !starts_with(parts[1], "aws") || parts[2] != "lambda" ||
      !all_of(parts[4], ::isdigit) || parts[4].size() != 12) {
    return std::nullopt;
  }
  const std::string& kind = parts[5];
  const std::string& id = parts[6];
  if (kind == "event-source-mapping" && is_uuid(id)) return not_found("Event source mapping not found: " + arn);
  if (kind == "capacity-provider" && is_word(id)) return not_found("Capacity provider not found: " + arn);
  if ((kind == "layer" && is_word(id)) ||
      (kind == "code-signing-config" && id.size() == 21 && starts_with(id, "csc-"))) {
    return not_found("The resource you requested does not exist.");
  }
  return std::nullopt;
}

}  // namespace

ApiResult<FunctionRef> LambdaApi::tag_target(const Call& call, const std::string& resource) {
  auto ref = match_function_name(resource, NameShape::plain);
  bool full_arn = ref && starts_with(resource, "arn:aws") && !ref->region.empty() && !ref->account.empty() &&
                  resource.find(":function:") != std::string::npos;
  if (!full_arn || resource.size() > 256) {
    if (resource.size() <= 256) {
      if (auto missing = other_resource(resource)) return api_fail(*missing);
    }
    Violations v;
    if (resource.size() > 256) v.add(resource, "resource", "Member must have length less than or equal to 256");
    if (!full_arn) v.add(resource, "resource", std::string("Member must satisfy regular expression pattern: ") + k_resource_pattern);
    return api_fail(v.error());
  }
  if (!ref->qualifier.empty()) {
    return api_fail(invalid_parameter("Tags on function aliases and versions are not supported. Please specify a "
                                      "function ARN."));
  }
  return function_ref(call, function_arn(ref->region, ref->account, ref->name), NameShape::plain);
}

LambdaApi::Reply LambdaApi::tag_resource(Call& call, const std::string& resource) {
  auto ref = tag_target(call, resource);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  if (!body->contains("Tags")) {
    Violations v;
    v.add_null("tags");
    return api_fail(v.error());
  }
  const json& add = (*body)["Tags"];
  if (auto ok = validate_tags(add); !ok) return api_fail(ok.error());
  // Recorded from AWS (2025) for an empty Tags map.
  if (add.empty()) return api_fail(invalid_parameter("An error occurred and the request cannot be processed."));
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<bool> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    json tags = json::parse(row->tags_json, nullptr, false);
    if (!tags.is_object()) tags = json::object();
    tags.update(add);
    if (auto ok = validate_tags(tags); !ok) return api_fail(ok.error());
    row->tags_json = tags.dump();
    const int64_t now = now_ms();
    row->settle(now);
    row->revision_id = new_revision();
    if (now < row->busy_until_ms) row->settled_revision_id = new_revision();
    if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    return true;
  });
  if (!result) return api_fail(result.error());
  return empty_response(204);
}

LambdaApi::Reply LambdaApi::untag_resource(Call& call, const std::string& resource) {
  auto ref = tag_target(call, resource);
  if (!ref) return api_fail(ref.error());
  if (!call.request.has_query_param("tagKeys")) {
    // Recorded from AWS (2025): an empty TagKeys list arrives as no tagKeys at all.
    Violations v;
    v.add_null("tagKeys");
    return api_fail(v.error());
  }
  auto keys = call.request.query_params("tagKeys");
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<bool> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    json tags = json::parse(row->tags_json, nullptr, false);
    if (!tags.is_object()) tags = json::object();
    for (const auto& key : keys) tags.erase(key);
    row->tags_json = tags.dump();
    const int64_t now = now_ms();
    row->settle(now);
    row->revision_id = new_revision();
    if (now < row->busy_until_ms) row->settled_revision_id = new_revision();
    if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    return true;
  });
  if (!result) return api_fail(result.error());
  return empty_response(204);
}

LambdaApi::Reply LambdaApi::list_tags(Call& call, const std::string& resource) {
  auto ref = tag_target(call, resource);
  if (!ref) return api_fail(ref.error());
  const Scope scope = call.scope;
  auto result = m_store.read([&]() -> ApiResult<json> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    json tags = json::parse(row->tags_json, nullptr, false);
    if (!tags.is_object()) tags = json::object();
    return json{{"Tags", tags}};
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

}  // namespace lcd::local
