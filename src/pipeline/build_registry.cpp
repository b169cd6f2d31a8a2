#include "pipeline/build_registry.hpp"

#include <algorithm>
#include <set>

#include "pipeline/project_config.hpp"
#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {
constexpr std::string_view k_description_prefix = "build ";
constexpr std::string_view k_tag_prefix = "lambda-cd:build:";

bool numeric(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

std::string build_description(const std::string& build) { return std::string(k_description_prefix) + build; }

std::optional<std::string> build_from_description(const std::string& description) {
  if (!starts_with(description, k_description_prefix)) return std::nullopt;
  std::string build = description.substr(k_description_prefix.size());
  if (!valid_build_id(build)) return std::nullopt;
  return build;
}

std::string build_tag_key(const std::string& build) { return std::string(k_tag_prefix) + build; }

std::optional<std::string> build_from_tag_key(const std::string& key) {
  if (!starts_with(key, k_tag_prefix)) return std::nullopt;
  std::string build = key.substr(k_tag_prefix.size());
  if (!valid_build_id(build)) return std::nullopt;
  return build;
}

bool valid_build_id(const std::string& build) {
  if (build.empty() || build.size() > 64) return false;
  return std::all_of(build.begin(), build.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

std::string unqualified_arn(const std::string& arn) {
  auto parts = split(arn, ':');
  if (parts.size() == 8 && parts[5] == "function") {
    parts.pop_back();
    return join(parts, ":");
  }
  return arn;
}

Result<VersionBuilds> load_version_builds(clients::LambdaClient& lambda, const std::string& function_name) {
  auto versions = lambda.list_versions_by_function(function_name);
  if (!versions) return fail(versions.error());
  VersionBuilds out;
  for (auto& v : *versions) {
    if (v.version == "$LATEST") {
      out.function_arn = unqualified_arn(v.function_arn);
      continue;
    }
    out.versions.push_back(std::move(v));
  }
  std::sort(out.versions.begin(), out.versions.end(), [](const auto& a, const auto& b) {
    if (numeric(a.version) && numeric(b.version)) return std::stoll(a.version) < std::stoll(b.version);
    return a.version < b.version;
  });
  if (out.function_arn.empty()) {
    auto config = lambda.get_function_configuration(function_name);
    if (!config) return fail(config.error());
    out.function_arn = unqualified_arn(config->function_arn);
  }
  auto tags = lambda.list_tags(out.function_arn);
  if (!tags) return fail(tags.error());
  out.tags = std::move(*tags);
  for (const auto& v : out.versions) {
    if (auto b = build_from_description(v.description)) out.builds_by_version[v.version].push_back(*b);
  }
  for (const auto& [key, version] : out.tags) {
    if (auto b = build_from_tag_key(key)) {
      auto& list = out.builds_by_version[version];
      if (std::find(list.begin(), list.end(), *b) == list.end()) list.push_back(*b);
    }
  }
  return out;
}

Result<BuildResolution> resolve_build(const VersionBuilds& builds, const std::string& build,
                                      const std::string& function_name) {
  if (!valid_build_id(build)) {
    Error e{ErrorKind::invalid, "'" + build + "' is not a build id (1-64 of A-Z a-z 0-9 . _ -)"};
    e.code = k_config_error;
    return fail(std::move(e));
  }
  const std::string wanted = build_description(build);
  std::set<std::string> candidates;
  BuildResolution found;
  for (const auto& v : builds.versions) {
    if (v.description == wanted) {
      candidates.insert(v.version);
      found.version = v.version;
      found.code_sha256 = v.code_sha256;
    }
  }
  if (auto t = builds.tags.find(build_tag_key(build)); t != builds.tags.end()) {
    if (candidates.empty()) found.via_tag = true;
    candidates.insert(t->second);
    found.version = t->second;
    for (const auto& v : builds.versions) {
      if (v.version == t->second) found.code_sha256 = v.code_sha256;
    }
  }
  if (candidates.empty()) {
    return fail(ErrorKind::not_found, "build " + build + " is unknown for " + function_name + ": no version has " +
                                          "Description '" + wanted + "' (searched " +
                                          std::to_string(builds.versions.size()) + " versions) and no tag " +
                                          build_tag_key(build));
  }
  if (candidates.size() > 1) {
    return fail(ErrorKind::invalid, "build " + build + " is ambiguous for " + function_name + ": versions " +
                                        join(std::vector<std::string>(candidates.begin(), candidates.end()), ", ") +
                                        " all claim it; promote with --version V instead");
  }
  if (found.via_tag && found.code_sha256.empty()) {
    return fail(ErrorKind::not_found, "build " + build + " is recorded as version " + found.version + " of " +
                                          function_name + " (tag " + build_tag_key(build) +
                                          ") but that version no longer exists");
  }
  return found;
}

}  // namespace lcd::pipeline
