// Alias and tag operations of the Lambda API.
#include <nlohmann/json.hpp>

#include "local/function_name.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_render.hpp"
#include "local/lambda_validation.hpp"
#include "local/pagination.hpp"
#include "util/crypto.hpp"

namespace lcd::local {

using nlohmann::json;

namespace {

ApiError alias_name_violation(const std::string& name) {
  return constraint_violation(name, "name",
                              "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)");
}

}  // namespace

// Checks that `version` ("$LATEST" or N) and the routing's additional version exist for `function`.
static ApiResult<void> check_alias_target(LambdaStore& store, const std::string& region, const std::string& account,
                                          const std::string& function, const std::string& version,
                                          const json& routing) {
  auto exists = [&](const std::string& v) -> ApiResult<void> {
    if (v == "$LATEST") return {};
    auto row = store.get_version(region, function, std::stoll(v));
    if (!row) return api_fail(from_error(row.error()));
    if (!*row) return api_fail(not_found("Function not found: " + qualified_arn(region, account, function, v)));
    return {};
  };
  if (auto ok = exists(version); !ok) return ok;
  for (const auto& [extra, weight] : routing.items()) {
    (void)weight;
    if (auto ok = exists(extra); !ok) return ok;
  }
  return {};
}

LambdaApi::Reply LambdaApi::create_alias(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, false);
  if (!ref) return api_fail(ref.error());
  if (!ref->qualifier.empty()) return api_fail(invalid_parameter("Alias cannot be created on a qualified function ARN"));
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  if (!body->contains("Name") || !(*body)["Name"].is_string()) return api_fail(invalid_parameter("Name is required"));
  if (!body->contains("FunctionVersion") || !(*body)["FunctionVersion"].is_string()) {
    return api_fail(invalid_parameter("FunctionVersion is required"));
  }
  std::string name = (*body)["Name"];
  std::string version = (*body)["FunctionVersion"];
  if (!is_valid_alias_name(name)) return api_fail(alias_name_violation(name));
  if (version != "$LATEST" && !is_version_number(version)) {
    return api_fail(constraint_violation(version, "functionVersion",
                                         "Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)"));
  }
  if (auto d = validate_description(*body); !d) return api_fail(d.error());
  json weights = json::object();
  if (body->contains("RoutingConfig")) {
    if (auto ok = validate_routing((*body)["RoutingConfig"], version); !ok) return api_fail(ok.error());
    weights = (*body)["RoutingConfig"].value("AdditionalVersionWeights", json::object());
  }
  const std::string region = call.context.region;
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    if (auto ok = check_alias_target(m_store, region, m_options.account_id, ref->name, version, weights); !ok) {
      return api_fail(ok.error());
    }
    auto existing = m_store.get_alias(region, ref->name, name);
    if (!existing) return api_fail(from_error(existing.error()));
    if (*existing) {
      return api_fail(conflict("Alias already exists: " + qualified_arn(region, m_options.account_id, ref->name, name)));
    }
    AliasRow alias{region, ref->name, name, version, body->value("Description", ""), weights.dump(), random_uuid()};
    if (auto put = m_store.put_alias(alias); !put) return api_fail(from_error(put.error()));
    return render_alias(alias, m_options.account_id);
  });
  if (!result) return api_fail(result.error());
  return json_response(201, *result);
}

LambdaApi::Reply LambdaApi::get_alias(Call& call, const std::string& name_segment, const std::string& alias_name) {
  auto ref = function_ref(call, name_segment, false);
  if (!ref) return api_fail(ref.error());
  if (!is_valid_alias_name(alias_name)) return api_fail(alias_name_violation(alias_name));
  const std::string region = call.context.region;
  auto result = m_store.read([&]() -> ApiResult<json> {
    auto alias = m_store.get_alias(region, ref->name, alias_name);
    if (!alias) return api_fail(from_error(alias.error()));
    if (!*alias) {
      auto row = require_function(region, ref->name);
      if (!row) return api_fail(row.error());
      return api_fail(not_found("Cannot find alias arn: " +
                                qualified_arn(region, m_options.account_id, ref->name, alias_name)));
    }
    return render_alias(**alias, m_options.account_id);
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

LambdaApi::Reply LambdaApi::update_alias(Call& call, const std::string& name_segment, const std::string& alias_name) {
  auto ref = function_ref(call, name_segment, false);
  if (!ref) return api_fail(ref.error());
  if (!is_valid_alias_name(alias_name)) return api_fail(alias_name_violation(alias_name));
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  if (auto d = validate_description(*body); !d) return api_fail(d.error());
  std::string revision = body->value("RevisionId", "");
  if (body->contains("FunctionVersion")) {
    const json& v = (*body)["FunctionVersion"];
    if (!v.is_string() || (v != "$LATEST" && !is_version_number(v.get<std::string>()))) {
      return api_fail(constraint_violation(v.dump(), "functionVersion",
                                           "Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)"));
    }
  }
  const std::string region = call.context.region;
  auto result = m_store.write([&]() -> ApiResult<json> {
    auto alias = m_store.get_alias(region, ref->name, alias_name);
    if (!alias) return api_fail(from_error(alias.error()));
    if (!*alias) {
      auto row = require_function(region, ref->name);
      if (!row) return api_fail(row.error());
      return api_fail(not_found("Cannot find alias arn: " +
                                qualified_arn(region, m_options.account_id, ref->name, alias_name)));
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
    if (auto ok = check_alias_target(m_store, region, m_options.account_id, ref->name, updated.function_version,
                                     weights);
        !ok) {
      return api_fail(ok.error());
    }
    updated.routing_json = weights.dump();
    updated.revision_id = random_uuid();
    if (auto put = m_store.put_alias(updated); !put) return api_fail(from_error(put.error()));
    return render_alias(updated, m_options.account_id);
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

LambdaApi::Reply LambdaApi::delete_alias(Call& call, const std::string& name_segment, const std::string& alias_name) {
  auto ref = function_ref(call, name_segment, false);
  if (!ref) return api_fail(ref.error());
  if (!is_valid_alias_name(alias_name)) return api_fail(alias_name_violation(alias_name));
  const std::string region = call.context.region;
  auto result = m_store.write([&]() -> ApiResult<bool> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    auto deleted = m_store.delete_alias(region, ref->name, alias_name);
    if (!deleted) return api_fail(from_error(deleted.error()));
    return *deleted;
  });
  if (!result) return api_fail(result.error());
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

LambdaApi::Reply LambdaApi::list_aliases(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, false);
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
  const std::string region = call.context.region;
  auto result = m_store.read([&]() -> ApiResult<json> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    json items = json::array();
    std::string cursor = after;
    std::string last;
    while (true) {
      auto aliases = m_store.list_aliases(region, ref->name, cursor, *limit + 1);
      if (!aliases) return api_fail(from_error(aliases.error()));
      if (aliases->empty()) break;
      for (const auto& alias : *aliases) {
        cursor = alias.name;
        if (!version_filter.empty() && alias.function_version != version_filter) continue;
        if (static_cast<int>(items.size()) == *limit) return json{{"Aliases", items}, {"NextMarker", encode_marker(last)}};
        items.push_back(render_alias(alias, m_options.account_id));
        last = alias.name;
      }
    }
    return json{{"Aliases", items}};
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

namespace {

ApiResult<FunctionRef> tag_target(const std::string& resource) {
  auto ref = parse_function_ref(resource);
  if (!ref) {
    return api_fail(constraint_violation(resource, "resource",
                                         "Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*):lambda:"
                                         "[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:function:[a-zA-Z0-9-_]+"));
  }
  if (!ref->qualifier.empty()) {
    return api_fail(invalid_parameter("Tags on function aliases and versions are not supported. Please specify a "
                                      "function ARN."));
  }
  return std::move(*ref);
}

}  // namespace

LambdaApi::Reply LambdaApi::tag_resource(Call& call, const std::string& resource) {
  auto ref = tag_target(resource);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  if (!body->contains("Tags") || !(*body)["Tags"].is_object()) return api_fail(invalid_parameter("Tags are required"));
  for (const auto& [key, value] : (*body)["Tags"].items()) {
    if (!value.is_string()) return api_fail(invalid_parameter("Tag values must be strings: " + key));
  }
  const std::string region = call.context.region;
  auto result = m_store.write([&]() -> ApiResult<bool> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    json tags = json::parse(row->tags_json, nullptr, false);
    if (!tags.is_object()) tags = json::object();
    tags.update((*body)["Tags"]);
    if (tags.size() > 50) return api_fail(invalid_parameter("Number of tags exceeds resource tag limit."));
    row->tags_json = tags.dump();
    if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    return true;
  });
  if (!result) return api_fail(result.error());
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

LambdaApi::Reply LambdaApi::untag_resource(Call& call, const std::string& resource) {
  auto ref = tag_target(resource);
  if (!ref) return api_fail(ref.error());
  auto keys = call.request.query_params("tagKeys");
  const std::string region = call.context.region;
  auto result = m_store.write([&]() -> ApiResult<bool> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    json tags = json::parse(row->tags_json, nullptr, false);
    if (!tags.is_object()) tags = json::object();
    for (const auto& key : keys) tags.erase(key);
    row->tags_json = tags.dump();
    if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    return true;
  });
  if (!result) return api_fail(result.error());
  HttpResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

LambdaApi::Reply LambdaApi::list_tags(Call& call, const std::string& resource) {
  auto ref = tag_target(resource);
  if (!ref) return api_fail(ref.error());
  const std::string region = call.context.region;
  auto result = m_store.read([&]() -> ApiResult<json> {
    auto row = require_function(region, ref->name);
    if (!row) return api_fail(row.error());
    json tags = json::parse(row->tags_json, nullptr, false);
    if (!tags.is_object()) tags = json::object();
    return json{{"Tags", tags}};
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

}  // namespace lcd::local
