#include "pipeline/template_artifacts.hpp"

#include <system_error>

#include "package/cfn_template.hpp"
#include "package/file_selection.hpp"
#include "package/zip_writer.hpp"
#include "pipeline/step_context.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {

using nlohmann::json;

bool is_remote(const std::string& location) {
  return starts_with(location, "s3://") || starts_with(location, "https://") || starts_with(location, "http://");
}

std::filesystem::path resolve(const std::filesystem::path& dir, const std::string& written) {
  std::filesystem::path p(written.empty() ? "." : written);
  auto out = (p.is_absolute() ? p : dir / p).lexically_normal();
  // "src/" and "." name the folder itself: no trailing separator.
  return out.has_filename() || !out.has_parent_path() ? out : out.parent_path();
}

// The zip of a folder (its files as `aws cloudformation package` takes them, secrets left out)
// or a file as it is, with the extension the artifact gets.
Result<std::pair<std::filesystem::path, std::string>> artifact_file(const LocalCode& code,
                                                                    const std::filesystem::path& work_dir) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(code.path, ec)) {
    std::string ext = code.path.extension().string();
    return std::make_pair(code.path, ext.empty() ? std::string(".zip") : ext);
  }
  if (!std::filesystem::is_directory(code.path, ec)) {
    return config_error(code.logical_id + " " + code.property + " names " +
                             (code.written.empty() ? std::string("the template's folder") : "'" + code.written + "'") +
                             ", which is neither a folder nor a file (" + code.path.string() + ")");
  }
  package::SelectionRules rules;
  rules.never.push_back(work_dir);
  auto selection = package::select_files(code.path, rules);
  if (!selection) return fail(selection.error());
  package::ZipWriter zip;
  for (const auto& f : selection->files) {
    if (f.symlink) {
      zip.add_symlink(f.path, f.link_target);
    } else {
      zip.add_file(f.path, f.source, f.executable);
    }
  }
  if (auto made = ensure_directory(work_dir); !made) return fail(made.error());
  auto out = work_dir / (code.logical_id + "-" + code.property + ".zip");
  auto written = zip.write(out);
  if (!written) return fail(written.error());
  return std::make_pair(out, std::string(".zip"));
}

}  // namespace

std::vector<LocalCode> find_local_code(const json& model, const std::filesystem::path& template_dir) {
  std::vector<LocalCode> out;
  if (!model.is_object()) return out;
  const json globals = model.value("Globals", json::object());
  bool global_code = false;
  if (globals.is_object() && globals.contains("Function") && globals["Function"].is_object() &&
      globals["Function"].contains("CodeUri")) {
    const json& uri = globals["Function"]["CodeUri"];
    global_code = true;
    if (uri.is_string() && !is_remote(uri.get<std::string>())) {
      out.push_back({"Globals", "CodeUri", uri.get<std::string>(), resolve(template_dir, uri.get<std::string>())});
    }
  }
  const json resources = model.value("Resources", json::object());
  if (!resources.is_object()) return out;
  for (const auto& [id, resource] : resources.items()) {
    if (!resource.is_object() || !resource.contains("Type") || !resource["Type"].is_string()) continue;
    const std::string type = resource["Type"];
    const json props = resource.value("Properties", json::object());
    if (!props.is_object()) continue;
    if (type == "AWS::Serverless::Function") {
      if (props.contains("InlineCode") || props.value("PackageType", json("Zip")) == "Image") continue;
      if (!props.contains("CodeUri")) {
        // As `aws cloudformation package`: no CodeUri (and none from Globals) is the template's folder.
        if (!global_code) out.push_back({id, "CodeUri", "", resolve(template_dir, "")});
        continue;
      }
      const json& uri = props["CodeUri"];
      if (uri.is_string() && !is_remote(uri.get<std::string>())) {
        out.push_back({id, "CodeUri", uri.get<std::string>(), resolve(template_dir, uri.get<std::string>())});
      }
    } else if (type == "AWS::Lambda::Function" && props.contains("Code") && props["Code"].is_string() &&
               !is_remote(props["Code"].get<std::string>())) {
      std::string written = props["Code"];
      out.push_back({id, "Code", written, resolve(template_dir, written)});
    }
  }
  return out;
}

json with_code_locations(json model, const std::vector<std::pair<LocalCode, CodeLocation>>& code) {
  for (const auto& [local, where] : code) {
    if (local.logical_id == "Globals") {
      model["Globals"]["Function"]["CodeUri"] = s3_url(where.bucket, where.key);
    } else if (local.property == "CodeUri") {
      model["Resources"][local.logical_id]["Properties"]["CodeUri"] = s3_url(where.bucket, where.key);
    } else {
      model["Resources"][local.logical_id]["Properties"]["Code"] = json{{"S3Bucket", where.bucket}, {"S3Key", where.key}};
    }
  }
  return model;
}

Result<PackagedTemplate> package_template(ArtifactContext& ctx, const std::string& body,
                                          const std::filesystem::path& template_path) {
  PackagedTemplate out;
  out.body = body;
  auto model = package::parse_cfn_template(body);
  if (!model) return out;  // CloudFormation will say what is wrong with it, as for any template
  auto local = find_local_code(*model, template_path.parent_path());
  if (local.empty()) return out;
  if (!ctx.bucket || ctx.bucket->bucket.empty()) {
    const auto& first = local.front();
    return config_error("the template names local code (" + first.logical_id + " " + first.property + " " +
                             (first.written.empty() ? std::string("(the template's folder)") : first.written) +
                             "), which must be uploaded to S3 first: set [backup] bucket in lambda-cd.toml (or "
                             "LAMBDA_CD_BACKUP_BUCKET)");
  }
  if (auto ready = ensure_bucket(*ctx.bucket); !ready) return fail(ready.error());
  const std::string& bucket = ctx.bucket->bucket;
  clients::S3Client& s3 = ctx.bucket->s3;
  std::vector<std::pair<LocalCode, CodeLocation>> placed;
  for (const auto& code : local) {
    auto file = artifact_file(code, ctx.work_dir);
    if (!file) return fail(file.error());
    auto bytes = read_file(file->first);
    if (!bytes) return fail(bytes.error());
    std::string key = ctx.stack_name + "/artifacts/" + hex_encode(sha256(*bytes)) + file->second;
    CodeLocation where{bucket, key};
    auto existing = s3.head_object(bucket, key);
    if (existing) {
      out.reused.push_back(s3_url(bucket, key));
    } else if (existing.error().kind == ErrorKind::not_found) {
      ctx.observer.message("uploading " + code.logical_id + " " + code.property + " (" +
                           (code.written.empty() ? std::string(".") : code.written) + ") to " + s3_url(bucket, key));
      auto put = s3.upload_file(bucket, key, file->first);
      if (!put) return fail(put.error());
      out.uploaded.push_back(s3_url(bucket, key));
    } else {
      return fail(existing.error());
    }
    placed.emplace_back(code, where);
  }
  out.body = with_code_locations(std::move(*model), placed).dump();
  out.packaged = true;
  return out;
}

}  // namespace lcd::pipeline
