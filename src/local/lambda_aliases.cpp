// Alias operations of the Lambda API.
#include <nlohmann/json.hpp>

#include "local/function_name.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_render.hpp"
#include "local/lambda_validation.hpp"
#include "local/pagination.hpp"

namespace lcd::local {

using nlohmann::json;

namespace {

void alias_name_violations(const std::string& name, Violations& v) {
  if (name.size() > 128) v.add(name, "name", "Member must have length less than or equal to 128");
  if (!is_valid_alias_name(name) && name.size() <= 128) {
    v.add(name, "name", "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
  }
}

void function_version_violations(const json& v, Violations& out) {
  std::string text = v.is_string() ? v.get<std::string>() : v.dump();
  if (text.empty() || text.size() > 1024) {
    out.add(text, "functionVersion",
            text.empty() ? "Member must have length greater than or equal to 1"
                         : "Member must have length less than or equal to 1024");
  } else if (text != "$LATEST" && text != "$LATEST.PUBLISHED" && !std::all_of(text.begin(), text.end(), ::isdigit)) {
    out.add(text, "functionVersion", "Member must satisfy regular expression pattern: (\\$LATEST(\\.PUBLISHED)?|[0-9]+)");
  }
}

// Checks that `version` ("$LATEST" or N) and the routing's additional version exist for `function`.
ApiResult<void> check_alias_target(LambdaStore& store, const Scope& scope, const std::string& function,
                                   const std::string& version, const json& routing) {
  auto exists = [&](const std::string& v) -> ApiResult<void> {
    if (v == "$LATEST") return {};
    auto row = is_version_number(v) ? store.get_version(scope, function, std::stoll(v))
                                    : Result<std::optional<VersionRow>>(std::nullopt);
    if (!row) return api_fail(from_error(row.error()));
    if (!*row) return api_fail(not_found("Function not found: " + qualified_arn(scope.region, scope.account, function, v)));
    return {};
  };
  if (auto ok = exists(version); !ok) return ok;
  for (const auto& [extra, weight] : routing.items()) {
    (void)weight;
    if (auto ok = exists(extra); !ok) return ok;
  }
  return {};
}

}  // namespace

LambdaApi::Reply LambdaApi::create_alias(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  if (!ref->qualifier.empty()) return api_fail(invalid_parameter("Alias cannot be created on a qualified function ARN"));
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  Violations violations;
  if (!body->contains("Name") || !(*body)["Name"].is_string()) {
    violations.add_null("name");
  } else {
    alias_name_violations((*body)["Name"], violations);
  }
  if (!body->contains("FunctionVersion")) {
    violations.add_null("functionVersion");
  } else {
    function_version_violations((*body)["FunctionVersion"], violations);
  }
  if (body->contains("Description") && (*body)["Description"].is_string() &&
      (*body)["Description"].get_ref<const std::string&>().size() > 256) {
    violations.add((*body)["Description"], "description", "Member must have length less than or equal to 256");
  }
  if (!violations.empty()) return api_fail(violations.error());
  if (auto d = validate_description(*body); !d) return api_fail(d.error());
  const std::string name = (*body)["Name"];
  const std::string version = (*body)["FunctionVersion"];
  json weights = json::object();
  if (body->contains("RoutingConfig")) {
    if (auto ok = validate_routing((*body)["RoutingConfig"], version); !ok) return api_fail(ok.error());
    weights = (*body)["RoutingConfig"].value("AdditionalVersionWeights", json::object());
  }
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<json> {
    // Recorded from AWS (2025): a missing function is named with the version asked for.
    auto row = require_function(scope, ref->name, version);
    if (!row) return api_fail(row.error());
    if (auto ok = check_alias_target(m_store, scope, ref->name, version, weights); !ok) return api_fail(ok.error());
    auto existing = m_store.get_alias(scope, ref->name, name);
    if (!existing) return api_fail(from_error(existing.error()));
    if (*existing) {
      return api_fail(conflict("Alias already exists: " + qualified_arn(scope.region, scope.account, ref->name, name)));
    }
    AliasRow alias{scope.account, scope.region, ref->name, name, version, body->value("Description", ""),
                   weights.dump(), new_revision()};
    if (auto put = m_store.put_alias(alias); !put) return api_fail(from_error(put.error()));
    return render_alias(alias);
  });
  if (!result) return api_fail(result.error());
  return json_response(201, *result);
}

LambdaApi::Reply LambdaApi::get_alias(Call& call, const std::string& name_segment, const std::string& alias_name) {
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  Violations violations;
  alias_name_violations(alias_name, violations);
  if (!violations.empty()) return api_fail(violations.error());
  const Scope scope = call.scope;
  auto result = m_store.read([&]() -> ApiResult<json> {
    auto alias = m_store.get_alias(scope, ref->name, alias_name);
    if (!alias) return api_fail(from_error(alias.error()));
    if (!*alias) {
      auto row = require_function(scope, ref->name);
      if (!row) return api_fail(row.error());
      return api_fail(not_found("Cannot find alias arn: " + qualified_arn(scope.region, scope.account, ref->name, alias_name)));
    }
    return render_alias(**alias);
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

LambdaApi::Reply LambdaApi::update_alias(Call& call, const std::string& name_segment, const std::string& alias_name) {
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  Violations violations;
  alias_name_violations(alias_name, violations);
  if (body->contains("FunctionVersion")) function_version_violations((*body)["FunctionVersion"], violations);
  if (!violations.empty()) return api_fail(violations.error());
  if (auto d = validate_description(*body); !d) return api_fail(d.error());
  std::string revision = body->value("RevisionId", "");
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto alias = m_store.get_alias(scope, ref->name, alias_name);
    if (!alias) return api_fail(from_error(alias.error()));
    if (!*alias) {
      auto row = require_function(scope, ref->name);
      if (!row) return api_fail(row.error());
      // Recorded from AWS (2025): UpdateAlias words it differently from GetAlias.
      return api_fail(not_found("Alias not found: " + qualified_arn(scope.region, scope.account, ref->name, alias_name)));
    }
    AliasRow updated = **alias;
    if (!revision.empty() && revision != updated.revision_id) return api_fail(revision_mismatch());
    if (body->contains("FunctionVersion")) updated.function_version = (*body)["FunctionVersion"];
    if (body->contains("Description")) updated.description = (*body)["Description"];
    json weights = json::parse(updated.routing_json, nullptr, false);
    if (!weights.is_object()) weights = json::object();
    if (body->contains("RoutingConfig")) {
      const json& routing = (*body)["RoutingConfig"];
      if (auto ok = validate_routing(routing, updated.function_version); !ok) return api_fail(ok.error());
      weights = routing.value("AdditionalVersionWeights", json::object());
    } else if (!weights.empty()) {
      if (auto ok = validate_routing(json{{"AdditionalVersionWeights", weights}}, updated.function_version); !ok) {
        return api_fail(ok.error());
      }
    }
    if (auto ok = check_alias_target(m_store, scope, ref->name, updated.function_version, weights); !ok) {
      return api_fail(ok.error());
    }
    updated.routing_json = weights.dump();
    updated.revision_id = new_revision();
    if (auto put = m_store.put_alias(updated); !put) return api_fail(from_error(put.error()));
    return render_alias(updated);
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

LambdaApi::Reply LambdaApi::delete_alias(Call& call, const std::string& name_segment, const std::string& alias_name) {
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  Violations violations;
  alias_name_violations(alias_name, violations);
  if (!violations.empty()) return api_fail(violations.error());
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<bool> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    // A missing alias is not an error (AWS answers 204; the model lists no ResourceNotFound).
    auto deleted = m_store.delete_alias(scope, ref->name, alias_name);
    if (!deleted) return api_fail(from_error(deleted.error()));
    return *deleted;
  });
  if (!result) return api_fail(result.error());
  return empty_response(204);
}

LambdaApi::Reply LambdaApi::list_aliases(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, NameShape::plain);
  if (!ref) return api_fail(ref.error());
  auto limit = page_size(call.request, 10000);
  if (!limit) return api_fail(limit.error());
  std::string version_filter = call.request.query_param("FunctionVersion");
  std::string after;
  if (call.request.has_query_param("Marker")) {
    auto key = decode_marker(call.request.query_param("Marker"));
    if (!key) return api_fail(key.error());
    after = *key;
  }
  const Scope scope = call.scope;
  auto result = m_store.read([&]() -> ApiResult<json> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    json items = json::array();
    std::string cursor = after;
    std::string last;
    while (true) {
      auto aliases = m_store.list_aliases(scope, ref->name, cursor, *limit + 1);
      if (!aliases) return api_fail(from_error(aliases.error()));
      if (aliases->empty()) break;
      for (const auto& alias : *aliases) {
        cursor = alias.name;
        if (!version_filter.empty() && alias.function_version != version_filter) continue;
        if (static_cast<int>(items.size()) == *limit) return json{{"Aliases", items}, {"NextMarker", encode_marker(last)}};
        items.push_back(render_alias(alias));
        last = alias.name;
      }
    }
    return json{{"Aliases", items}};
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

}  // namespace lcd::local
