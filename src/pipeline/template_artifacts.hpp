#pragma once
// The local code a CloudFormation template names, packaged the way `aws cloudformation package`
// does before a deploy: CodeUri of AWS::Serverless::Function (and Globals.Function) and a string
// Code of AWS::Lambda::Function name a folder (zipped deterministically, secrets left out) or a
// file (uploaded as is), relative to the template's folder. Each goes once to the artifact bucket
// at <stack>/artifacts/<sha256 hex>.<ext>, and the template handed to CloudFormation names those
// S3 locations instead (as JSON: the model the template parses to).

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/backup_store.hpp"
#include "pipeline/observer.hpp"
#include "util/result.hpp"

namespace lcd::pipeline {

struct LocalCode {
  std::string logical_id;  // the resource, or "Globals" for Globals.Function.CodeUri
  std::string property;    // "CodeUri" or "Code"
  std::string written;     // the path as the template writes it ("" when CodeUri is omitted)
  std::filesystem::path path;  // resolved against the template's folder
};

// Which properties of `model` name local code (pure; nothing is read from disk).
std::vector<LocalCode> find_local_code(const nlohmann::json& model, const std::filesystem::path& template_dir);

struct CodeLocation {
  std::string bucket;
  std::string key;
};

// `model` with each `code` entry pointing at its uploaded location: SAM's CodeUri becomes
// "s3://bucket/key", Lambda's Code {"S3Bucket", "S3Key"}. Pure.
nlohmann::json with_code_locations(nlohmann::json model, const std::vector<std::pair<LocalCode, CodeLocation>>& code);

struct PackagedTemplate {
  std::string body;                        // what to send to CloudFormation
  std::vector<std::string> uploaded;       // "s3://bucket/key" of each artifact sent now
  std::vector<std::string> reused;         // already in the bucket (same content)
  bool packaged = false;                   // the template named local code
};

struct ArtifactContext {
  BackupContext* bucket = nullptr;  // the [backup] bucket; null when none is configured
  std::string stack_name;
  Observer& observer;
  std::filesystem::path work_dir;  // where zips are built (e.g. <project>/.lambda-cd/artifacts)
};

// The template ready for CloudFormation: unchanged text when it names no local code; otherwise
// each artifact zipped and uploaded once (skipped when an object with its content is already
// there) and the template as JSON with the S3 locations. A template naming local code without an
// artifact bucket is a configuration error naming the resource.
Result<PackagedTemplate> package_template(ArtifactContext& ctx, const std::string& body,
                                          const std::filesystem::path& template_path);

}  // namespace lcd::pipeline
