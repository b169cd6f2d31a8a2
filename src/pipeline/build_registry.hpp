#pragma once
// Build number -> version, durable on AWS itself so it works from a fresh checkout:
//  * a version published by lambda-cd has Description "build <N>";
//  * when PublishVersion hands back an existing version (unchanged code, so its Description names
//    an earlier build), the mapping is recorded as the function tag "lambda-cd:build:<N>" = version.
// Resolution searches every page of ListVersionsByFunction plus the function's tags.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "clients/lambda_client.hpp"

namespace lcd::pipeline {

// "build 42"
std::string build_description(const std::string& build);
// The build named by a version Description written by build_description; nullopt otherwise.
std::optional<std::string> build_from_description(const std::string& description);
// "lambda-cd:build:42"
std::string build_tag_key(const std::string& build);
std::optional<std::string> build_from_tag_key(const std::string& key);
// Build ids are what a CI system hands out: 1-64 of [A-Za-z0-9._-].
bool valid_build_id(const std::string& build);
// "arn:aws:lambda:r:a:function:fn:3" -> "arn:aws:lambda:r:a:function:fn"
std::string unqualified_arn(const std::string& arn);

struct VersionBuilds {
  std::string function_arn;  // unqualified
  std::vector<clients::FunctionConfiguration> versions;  // published versions only, ascending
  std::map<std::string, std::string> tags;
  // The builds each version is known as (its Description and any tags pointing at it).
  std::map<std::string, std::vector<std::string>> builds_by_version;
};

Result<VersionBuilds> load_version_builds(clients::LambdaClient& lambda, const std::string& function_name);

struct BuildResolution {
  std::string version;
  std::string code_sha256;
  bool via_tag = false;
};

// not_found when no version carries the build; invalid (ambiguous) when several distinct ones do.
Result<BuildResolution> resolve_build(const VersionBuilds& builds, const std::string& build,
                                      const std::string& function_name);

}  // namespace lcd::pipeline
