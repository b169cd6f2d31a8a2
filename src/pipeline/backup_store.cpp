#include "pipeline/backup_store.hpp"

#include <algorithm>
#include <system_error>

#include <nlohmann/json.hpp>

#include "clients/lambda_waiters.hpp"
#include "pipeline/build_registry.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {

using clients::FunctionConfiguration;

std::string mib(uint64_t bytes) { return format_mib(bytes); }
// "24.0" of "24.0 MiB", for "24.0 of 52.0 MiB".
std::string mib_number(uint64_t bytes) {
  std::string text = format_mib(bytes);
  return text.substr(0, text.size() - 4);
}

// Multipart progress as "uploading <what>" with "part 3/7, 24.0 of 52.0 MiB". `what` is short (the
// full s3:// location is printed before the upload starts) so a terminal's progress line fits.
clients::UploadProgressFn progress_reporter(Observer& observer, const std::string& what) {
  return [&observer, task = "uploading " + what](const clients::UploadProgress& p) {
    if (p.parts_total <= 1) return;  // a single PUT: nothing to show between start and end
    observer.progress(task, p.bytes_sent, p.bytes_total,
                      "part " + std::to_string(p.parts_done) + "/" + std::to_string(p.parts_total) + ", " +
                          mib_number(p.bytes_sent) + " of " + mib(p.bytes_total));
  };
}

// "2" < "10" for numbers; plain text order otherwise.
bool build_less(const std::string& a, const std::string& b) {
  const bool an = !a.empty() && std::all_of(a.begin(), a.end(), [](char c) { return c >= '0' && c <= '9'; });
  const bool bn = !b.empty() && std::all_of(b.begin(), b.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (an && bn && a.size() != b.size()) return a.size() < b.size();
  if (an != bn) return an;
  return a < b;
}

Result<void> require_bucket(const BackupContext& backup, const std::string& why) {
  if (!backup.bucket.empty()) return {};
  Error e{ErrorKind::invalid, why + ": set [backup] bucket in lambda-cd.toml"};
  e.code = k_config_error;
  return fail(std::move(e));
}

}  // namespace

std::string s3_url(const std::string& bucket, const std::string& key) { return "s3://" + bucket + "/" + key; }

std::string backup_prefix(const std::string& function_name, const std::string& build) {
  return function_name + "/builds/" + build + "/";
}
std::string backup_zip_key(const std::string& function_name, const std::string& build) {
  return backup_prefix(function_name, build) + "package.zip";
}
std::string backup_manifest_key(const std::string& function_name, const std::string& build) {
  return backup_prefix(function_name, build) + "manifest.json";
}
std::string staged_package_key(const std::string& function_name, const std::string& code_sha256) {
  auto raw = base64_decode(code_sha256);
  const std::string id = raw ? hex_encode(*raw) : hex_encode(sha256(code_sha256));
  return function_name + "/packages/" + id + ".zip";
}

std::string lambda_code_sha256(std::string_view bytes) { return base64_encode(sha256(bytes)); }

std::string manifest_to_json(const BackupManifest& m) {
  nlohmann::json j{{"function", m.function_name}, {"build", m.build},       {"version", m.version},
                   {"CodeSha256", m.code_sha256}, {"zip_size", m.zip_size}, {"time", m.created_at},
                   {"bucket", m.bucket},          {"key", m.zip_key}};
  j["git_commit"] = m.git_commit.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.git_commit);
  return j.dump(2) + "\n";
}

Result<BackupManifest> parse_manifest(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(ErrorKind::invalid, "backup manifest is not a JSON object");
  auto str = [&](const char* key) -> std::string {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  BackupManifest m;
  m.function_name = str("function");
  m.build = str("build");
  m.version = str("version");
  m.code_sha256 = str("CodeSha256");
  m.created_at = str("time");
  m.git_commit = str("git_commit");
  m.bucket = str("bucket");
  m.zip_key = str("key");
  if (auto it = j.find("zip_size"); it != j.end() && it->is_number_integer()) m.zip_size = it->get<int64_t>();
  if (m.function_name.empty() || m.build.empty() || m.code_sha256.empty()) {
    return fail(ErrorKind::invalid, "backup manifest lacks function, build or CodeSha256");
  }
  return m;
}

Result<void> ensure_bucket(BackupContext& backup) {
  auto head = backup.s3.head_bucket(backup.bucket);
  if (head) return {};
  if (head.error().kind != ErrorKind::not_found) return head;
  backup.observer.message("creating bucket " + backup.bucket);
  auto created = backup.s3.create_bucket(backup.bucket, backup.region);
  if (!created && created.error().code != "BucketAlreadyOwnedByYou") return created;
  return {};
}

Result<BackupManifest> store_backup(BackupContext& backup, const BackupRequest& request) {
  if (auto ok = require_bucket(backup, "cannot back up build " + request.build); !ok) return fail(ok.error());
  auto zip = read_file(request.zip_path);
  if (!zip) return fail(zip.error());
  const std::string sha = lambda_code_sha256(*zip);
  if (sha != request.code_sha256) {
    return fail(ErrorKind::invalid, "not backing up build " + request.build + ": " + request.zip_path.string() +
                                        " has CodeSha256 " + sha + ", but the published version has " +
                                        request.code_sha256 + " (the package was rebuilt or changed since deploy)");
  }
  if (auto ok = ensure_bucket(backup); !ok) return fail(ok.error());

  BackupManifest m;
  m.function_name = request.function_name;
  m.build = request.build;
  m.version = request.version;
  m.code_sha256 = sha;
  m.zip_size = static_cast<int64_t>(zip->size());
  m.created_at = format_iso8601_ms(backup.clock.now());
  m.git_commit = request.git_commit;
  m.bucket = backup.bucket;
  m.zip_key = backup_zip_key(request.function_name, request.build);

  clients::PutOptions zip_options;
  zip_options.content_type = "application/zip";
  zip_options.metadata = {{"build", request.build}, {"code-sha256", sha}};
  const uint64_t size = zip->size();
  Result<clients::PutObjectResult> put;
  if (size <= clients::k_s3_part_size) {
    put = backup.s3.put_object(backup.bucket, m.zip_key, *zip, zip_options);
  } else {
    std::string_view data = *zip;
    backup.observer.message("uploading build " + m.build + " (" + mib(size) + ") to " + s3_url(backup.bucket, m.zip_key));
    put = backup.s3.multipart_upload(
        backup.bucket, m.zip_key, size,
        [data](uint64_t off, uint64_t n) -> Result<std::string> { return std::string(data.substr(off, n)); },
        zip_options, progress_reporter(backup.observer, "build " + m.build));
  }
  if (!put) return fail(put.error());

  clients::PutOptions manifest_options;
  manifest_options.content_type = "application/json";
  auto manifest = backup.s3.put_object(backup.bucket, backup_manifest_key(m.function_name, m.build),
                                       manifest_to_json(m), manifest_options);
  if (!manifest) return fail(manifest.error());
  backup.observer.message("backed up build " + m.build + " (version " + m.version + ", " + mib(size) + ") to " +
                          s3_url(backup.bucket, backup_prefix(m.function_name, m.build)));
  return m;
}

Result<BackupManifest> backup_published_build(StepContext& ctx, BackupContext& backup, const PublishOutcome& published,
                                              const std::filesystem::path& zip_path) {
  BackupRequest request;
  request.function_name = ctx.config.function.name;
  request.build = published.build;
  request.version = published.version;
  request.code_sha256 = published.code_sha256;
  request.zip_path = zip_path;
  request.git_commit = git_head_commit(ctx.launcher, ctx.config.root);
  return store_backup(backup, request);
}

Result<std::vector<BackupManifest>> list_backups(BackupContext& backup, const std::string& function_name) {
  if (auto ok = require_bucket(backup, "cannot list backups"); !ok) return fail(ok.error());
  auto objects = backup.s3.list_objects(backup.bucket, function_name + "/builds/");
  if (!objects) return fail(objects.error());
  std::vector<BackupManifest> out;
  for (const auto& o : *objects) {
    if (!ends_with(o.key, "/manifest.json")) continue;
    auto body = backup.s3.get_object(backup.bucket, o.key);
    if (!body) return fail(body.error());
    auto m = parse_manifest(body->body);
    if (!m) {
      backup.observer.warning("ignoring " + s3_url(backup.bucket, o.key) + ": " + m.error().message);
      continue;
    }
    out.push_back(std::move(*m));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return build_less(a.build, b.build); });
  return out;
}

Result<BackupManifest> load_backup(BackupContext& backup, const std::string& function_name, const std::string& build) {
  if (auto ok = require_bucket(backup, "cannot restore build " + build); !ok) return fail(ok.error());
  auto body = backup.s3.get_object(backup.bucket, backup_manifest_key(function_name, build));
  if (!body) {
    if (body.error().kind != ErrorKind::not_found) return fail(body.error());
    std::string known;
    if (auto all = list_backups(backup, function_name)) {
      for (const auto& m : *all) known += (known.empty() ? "" : ", ") + m.build;
    }
    Error e{ErrorKind::not_found, "no backup of build " + build + " for function " + function_name + " in " +
                                      s3_url(backup.bucket, function_name + "/builds/") +
                                      (known.empty() ? " (no builds are backed up)" : " (backed-up builds: " + known + ")")};
    return fail(std::move(e));
  }
  auto m = parse_manifest(body->body);
  if (!m) return fail(m.error());
  if (m->zip_key.empty()) m->zip_key = backup_zip_key(function_name, build);
  if (m->bucket.empty()) m->bucket = backup.bucket;
  return m;
}

Result<clients::FunctionCode> stage_large_package(BackupContext& backup, const std::string& function_name,
                                                  const std::filesystem::path& zip_path,
                                                  const std::string& code_sha256) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(zip_path, ec);
  if (ec) return fail(ErrorKind::io, "cannot read " + zip_path.string() + ": " + ec.message());
  if (auto ok = require_bucket(backup, "package is " + mib(size) + ", over Lambda's 50 MB direct-upload limit, "
                                       "so it must go through S3");
      !ok) {
    return fail(ok.error());
  }
  if (auto ok = ensure_bucket(backup); !ok) return fail(ok.error());
  const std::string key = staged_package_key(function_name, code_sha256);
  clients::FunctionCode code;
  code.s3_bucket = backup.bucket;
  code.s3_key = key;
  auto head = backup.s3.head_object(backup.bucket, key);
  if (head && static_cast<uint64_t>(head->content_length) == size) {
    backup.observer.message("package already in " + s3_url(backup.bucket, key));
    return code;
  }
  if (!head && head.error().kind != ErrorKind::not_found) return fail(head.error());
  clients::PutOptions options;
  options.content_type = "application/zip";
  options.metadata = {{"code-sha256", code_sha256}};
  backup.observer.message("uploading package (" + mib(size) + ") to " + s3_url(backup.bucket, key));
  auto put = backup.s3.upload_file(backup.bucket, key, zip_path, options,
                                   progress_reporter(backup.observer, "package"));
  if (!put) return fail(put.error());
  return code;
}

std::string git_head_commit(ProcessLauncher& launcher, const std::filesystem::path& dir) {
  ProcessSpec spec;
  spec.argv = {"git", "rev-parse", "HEAD"};
  spec.cwd = dir;
  spec.timeout = std::chrono::seconds(10);
  auto result = launcher.run(spec);
  if (!result || !result->ok()) return {};
  std::string commit(trim(result->output));
  const bool hex = commit.size() >= 40 && std::all_of(commit.begin(), commit.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  return hex ? commit : std::string();
}

Result<RestoreOutcome> run_restore(StepContext& ctx, BackupContext& backup, const std::string& build) {
  const auto& f = ctx.config.function;
  if (!valid_build_id(build)) return config_error("invalid build id '" + build + "' (1-64 of A-Z a-z 0-9 . _ -)");
  auto manifest = load_backup(backup, f.name, build);
  if (!manifest) return fail(manifest.error());
  auto zip = backup.s3.get_object(manifest->bucket, manifest->zip_key);
  if (!zip) return fail(zip.error());
  const std::string sha = lambda_code_sha256(zip->body);
  if (sha != manifest->code_sha256) {
    return fail(ErrorKind::invalid, "backup of build " + build + " is damaged: " + s3_url(manifest->bucket, manifest->zip_key) +
                                        " has CodeSha256 " + sha + ", the manifest says " + manifest->code_sha256);
  }
  RestoreOutcome out;
  out.build = build;
  out.code_sha256 = sha;
  ctx.observer.message("restoring build " + build + " (CodeSha256 " + sha + ", " + mib(zip->body.size()) +
                       (manifest->git_commit.empty() ? "" : ", commit " + manifest->git_commit.substr(0, 12)) + ")");

  clients::FunctionCode code;
  if (static_cast<int64_t>(zip->body.size()) > k_direct_upload_limit) {
    code.s3_bucket = manifest->bucket;
    code.s3_key = manifest->zip_key;
    out.via_s3 = true;
  } else {
    code.zip_file = zip->body;
  }

  auto current = ctx.lambda.get_function_configuration(f.name);
  if (!current) {
    if (current.error().kind != ErrorKind::not_found) return fail(current.error());
    if (f.role.empty()) {
      return config_error("function " + f.name + " does not exist and no role is configured: set [function] role");
    }
    clients::CreateFunctionRequest req;
    req.function_name = f.name;
    req.role = f.role;
    req.runtime = f.runtime;
    req.handler = f.handler;
    req.code = code;
    req.description = f.description;
    req.timeout = f.timeout;
    req.memory_size = f.memory;
    req.environment = f.environment;
    ctx.observer.message("function " + f.name + " does not exist: creating it from the configuration");
    auto created = clients::retry_on_update_conflict<FunctionConfiguration>(
        ctx.lambda, ctx.clock, f.name, [&] { return ctx.lambda.create_function(req); }, ctx.conflict_retry);
    if (!created) return fail(created.error());
    auto active = clients::wait_function_active(ctx.lambda, ctx.clock, f.name, ctx.wait);
    if (!active) return fail(active.error());
    out.function_created = true;
    out.code_uploaded = true;
  } else if (current->code_sha256 != sha) {
    clients::UpdateFunctionCodeRequest req;
    req.function_name = f.name;
    req.code = code;
    auto updated = clients::retry_on_update_conflict<FunctionConfiguration>(
        ctx.lambda, ctx.clock, f.name, [&] { return ctx.lambda.update_function_code(req); }, ctx.conflict_retry);
    if (!updated) return fail(updated.error());
    auto settled = clients::wait_function_updated(ctx.lambda, ctx.clock, f.name, ctx.wait);
    if (!settled) return fail(settled.error());
    out.code_uploaded = true;
  } else {
    ctx.observer.message("$LATEST already has this code");
  }

  clients::PublishVersionRequest pub;
  pub.function_name = f.name;
  pub.code_sha256 = sha;
  pub.description = build_description(build);
  auto published = clients::retry_on_update_conflict<FunctionConfiguration>(
      ctx.lambda, ctx.clock, f.name, [&] { return ctx.lambda.publish_version(pub); }, ctx.conflict_retry);
  if (!published) return fail(published.error());
  out.version = published->version;
  if (published->description != build_description(build)) {
    // Unchanged code: Lambda handed back the version that already holds it; record build N on it.
    out.reused_version = true;
    auto tagged = ctx.lambda.tag_resource(unqualified_arn(published->function_arn),
                                          {{build_tag_key(build), published->version}});
    if (!tagged) return fail(tagged.error());
  }
  ctx.observer.message("build " + build + " is version " + out.version + (out.reused_version ? " (existing version)" : ""));
  return out;
}

}  // namespace lcd::pipeline
