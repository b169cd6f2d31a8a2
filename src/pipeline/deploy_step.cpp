#include "pipeline/deploy_step.hpp"

#include "pipeline/backup_store.hpp"
#include "pipeline/code_storage.hpp"
#include "pipeline/deploy_state.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {

using clients::FunctionConfiguration;

std::string short_sha(const std::string& sha) { return sha.size() > 12 ? sha.substr(0, 12) + "…" : sha; }

std::string env_keys(const std::map<std::string, std::string>& env) {
  std::string out;
  for (const auto& [k, v] : env) out += (out.empty() ? "" : ",") + k;
  return out.empty() ? "(none)" : out;
}

Result<FunctionConfiguration> create(StepContext& ctx, const PackageOutput& package,
                                     const clients::FunctionCode& code) {
  const auto& f = ctx.config.function;
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
  auto created = clients::retry_on_update_conflict<FunctionConfiguration>(
      ctx.lambda, ctx.clock, f.name, [&] { return ctx.lambda.create_function(req); }, ctx.conflict_retry);
  if (!created) {
    // A create retried after a lost response finds the function already there: accept it if the code is ours.
    if (created.error().kind == ErrorKind::conflict) {
      auto existing = ctx.lambda.get_function_configuration(f.name);
      if (existing && existing->code_sha256 == package.code_sha256) return existing;
    }
    return created;
  }
  return clients::wait_function_active(ctx.lambda, ctx.clock, f.name, ctx.wait);
}

}  // namespace

clients::UpdateFunctionConfigurationRequest configuration_changes(const FunctionSettings& wanted,
                                                                  const FunctionConfiguration& current,
                                                                  std::vector<std::string>& described) {
  clients::UpdateFunctionConfigurationRequest req;
  req.function_name = wanted.name;
  if (!wanted.runtime.empty() && wanted.runtime != current.runtime) {
    req.runtime = wanted.runtime;
    described.push_back("runtime " + current.runtime + " -> " + wanted.runtime);
  }
  if (!wanted.handler.empty() && wanted.handler != current.handler) {
    req.handler = wanted.handler;
    described.push_back("handler " + current.handler + " -> " + wanted.handler);
  }
  if (!wanted.role.empty() && wanted.role != current.role) {
    req.role = wanted.role;
    described.push_back("role " + current.role + " -> " + wanted.role);
  }
  if (wanted.memory && *wanted.memory != current.memory_size) {
    req.memory_size = wanted.memory;
    described.push_back("memory " + std::to_string(current.memory_size) + " -> " + std::to_string(*wanted.memory) +
                        " MB");
  }
  if (wanted.timeout && *wanted.timeout != current.timeout) {
    req.timeout = wanted.timeout;
    described.push_back("timeout " + std::to_string(current.timeout) + " -> " + std::to_string(*wanted.timeout) +
                        " s");
  }
  if (wanted.description && *wanted.description != current.description) {
    req.description = wanted.description;
    described.push_back("description \"" + current.description + "\" -> \"" + *wanted.description + "\"");
  }
  if (wanted.environment && *wanted.environment != current.environment) {
    req.environment = wanted.environment;
    // Values may be secrets: name the keys only.
    described.push_back("environment {" + env_keys(current.environment) + "} -> {" + env_keys(*wanted.environment) +
                        "}");
  }
  return req;
}

Result<DeployOutcome> run_deploy(StepContext& ctx, const PackageOutput& package, bool dry_run) {
  const auto& f = ctx.config.function;
  if (f.name.empty()) return config_error("no function name: set [function] name in lambda-cd.toml");
  DeployOutcome out;
  out.dry_run = dry_run;
  out.code_sha256 = package.code_sha256;
  out.via_s3 = package.zip_size > k_direct_upload_limit;
  const bool have_bucket = ctx.artifacts && !ctx.artifacts->bucket.empty();
  if (out.via_s3 && have_bucket) {
    out.s3_location = s3_url(ctx.artifacts->bucket, staged_package_key(f.name, package.code_sha256));
  }
  // Only an actual (or would-be) upload needs the bucket: unchanged code deploys without one.
  auto require_bucket = [&]() -> Result<void> {
    if (!out.via_s3 || have_bucket) return {};
    return config_error("package is " + format_mib(static_cast<uint64_t>(package.zip_size)) +
                        ", over Lambda's 50 MB limit for direct upload, so it must go through S3: "
                        "set [backup] bucket in lambda-cd.toml (or LAMBDA_CD_BACKUP_BUCKET)");
  };

  auto existing = ctx.lambda.get_function(f.name);
  if (!existing && existing.error().kind != ErrorKind::not_found) return fail(existing.error());

  // The code as Lambda takes it: the zip in the request, or (over the limit) staged in the bucket.
  auto code_source = [&]() -> Result<clients::FunctionCode> {
    if (out.via_s3) return stage_large_package(*ctx.artifacts, f.name, package.zip_path, package.code_sha256);
    auto bytes = read_file(package.zip_path);
    if (!bytes) return fail(bytes.error());
    clients::FunctionCode code;
    code.zip_file = std::move(*bytes);
    return code;
  };
  const std::string through = out.via_s3 ? " through " + out.s3_location : "";

  // Refuses before uploading a package the account's code storage cannot take. Without permission
  // to read the account settings, deploy goes on (Lambda itself still refuses a full storage).
  auto check_storage = [&]() -> Result<void> {
    auto storage = read_code_storage(ctx.lambda);
    if (!storage) {
      ctx.observer.warning("could not check the code storage left: " + storage.error().describe());
      return {};
    }
    if (auto refusal = storage_refusal(*storage, package.zip_size, ctx.config.prune.keep)) {
      return step_failed(*refusal);
    }
    if (auto warning = storage_warning(*storage)) ctx.observer.warning(*warning);
    return {};
  };

  FunctionConfiguration current;
  if (!existing) {
    out.created = true;
    out.code_uploaded = true;
    if (auto ok = require_bucket(); !ok) return fail(ok.error());
    if (dry_run) {
      ctx.observer.message("would create function " + f.name + " (" + f.runtime + ", " + f.handler + ") with code " +
                           short_sha(package.code_sha256) + (out.via_s3 ? ", uploaded" + through : ""));
      return out;
    }
    if (auto room = check_storage(); !room) return fail(room.error());
    auto code = code_source();
    if (!code) return fail(code.error());
    ctx.observer.message("creating function " + f.name + (out.via_s3 ? " with code from " + out.s3_location : ""));
    auto created = create(ctx, package, *code);
    if (!created) return fail(created.error());
    current = std::move(*created);
    ctx.observer.message("function " + f.name + " is Active");
  } else {
    current = existing->configuration;
    if (current.code_sha256 == package.code_sha256) {
      out.via_s3 = false;
      out.s3_location.clear();
      ctx.observer.message("code unchanged: $LATEST already has CodeSha256 " + package.code_sha256 +
                           ", upload skipped");
    } else if (auto ok = require_bucket(); !ok) {
      return fail(ok.error());
    } else if (dry_run) {
      out.code_uploaded = true;
      ctx.observer.message("would upload code " + short_sha(package.code_sha256) + " (replacing " +
                           short_sha(current.code_sha256) + ")" + through);
    } else {
      out.code_uploaded = true;
      if (auto room = check_storage(); !room) return fail(room.error());
      auto code = code_source();
      if (!code) return fail(code.error());
      // Settle any update already running (another deploy) before our mutation.
      auto settled = clients::wait_function_updated(ctx.lambda, ctx.clock, f.name, ctx.wait);
      if (!settled) return fail(settled.error());
      ctx.observer.message(out.via_s3 ? "updating code " + short_sha(package.code_sha256) + " from " + out.s3_location
                                      : "uploading code " + short_sha(package.code_sha256) + " (" +
                                            std::to_string(package.zip_size) + " bytes)");
      clients::UpdateFunctionCodeRequest req;
      req.function_name = f.name;
      req.code = std::move(*code);
      auto updated = clients::retry_on_update_conflict<FunctionConfiguration>(
          ctx.lambda, ctx.clock, f.name, [&] { return ctx.lambda.update_function_code(req); }, ctx.conflict_retry);
      if (!updated) return fail(updated.error());
      auto done = clients::wait_function_updated(ctx.lambda, ctx.clock, f.name, ctx.wait);
      if (!done) return fail(done.error());
      current = std::move(*done);
    }
  }

  auto changes = configuration_changes(f, current, out.config_changes);
  if (!changes.empty()) {
    if (dry_run) {
      for (const auto& c : out.config_changes) ctx.observer.message("would change " + c);
    } else {
      for (const auto& c : out.config_changes) ctx.observer.message("changing " + c);
      auto updated = clients::retry_on_update_conflict<FunctionConfiguration>(
          ctx.lambda, ctx.clock, f.name, [&] { return ctx.lambda.update_function_configuration(changes); },
          ctx.conflict_retry);
      if (!updated) return fail(updated.error());
      auto done = clients::wait_function_updated(ctx.lambda, ctx.clock, f.name, ctx.wait);
      if (!done) return fail(done.error());
      current = std::move(*done);
    }
  } else if (!out.created) {
    ctx.observer.message("configuration unchanged");
  }
  if (dry_run) return out;

  // The final, settled view of $LATEST is what publish will guard on.
  auto final_config = clients::wait_function_updated(ctx.lambda, ctx.clock, f.name, ctx.wait);
  if (!final_config) return fail(final_config.error());
  if (final_config->code_sha256 != package.code_sha256) {
    return step_failed("after deploy $LATEST has CodeSha256 " + final_config->code_sha256 + ", expected " +
                       package.code_sha256 + ": someone else changed the function concurrently");
  }
  out.revision_id = final_config->revision_id;
  out.function_arn = final_config->function_arn;

  auto state = load_deploy_state(ctx.config.state_dir());
  if (!state) return fail(state.error());
  DeployState next;
  next.function_name = f.name;
  next.target = ctx.target_id;
  next.code_sha256 = final_config->code_sha256;
  next.revision_id = final_config->revision_id;
  next.deployed_at_ms = to_epoch_ms(ctx.clock.now());
  if (state->function_name == f.name && state->target == ctx.target_id &&
      state->revision_id == final_config->revision_id) {
    // Nothing changed since the last deploy: integration results for this revision still hold.
    next.itest = state->itest;
    next.itest_revision_id = state->itest_revision_id;
  }
  next.last_published_build = state->last_published_build;
  next.last_published_version = state->last_published_version;
  if (auto saved = save_deploy_state(ctx.config.state_dir(), next); !saved) return fail(saved.error());
  return out;
}

}  // namespace lcd::pipeline
