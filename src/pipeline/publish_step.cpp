#include "pipeline/publish_step.hpp"

#include "pipeline/build_registry.hpp"
#include "pipeline/deploy_state.hpp"

namespace lcd::pipeline {
namespace {

using clients::FunctionConfiguration;

tl::unexpected<Error> refuse(const std::string& why) {
  return step_failed("publish refused, nothing published: " + why, ErrorKind::precondition);
}

}  // namespace

Result<PublishOutcome> run_publish(StepContext& ctx, const std::string& build, bool dry_run) {
  const auto& name = ctx.config.function.name;
  if (name.empty()) return config_error("no function name: set [function] name in lambda-cd.toml");
  if (!valid_build_id(build)) return config_error("'" + build + "' is not a build id (1-64 of A-Z a-z 0-9 . _ -)");
  PublishOutcome out;
  out.build = build;
  out.dry_run = dry_run;

  auto state = load_deploy_state(ctx.config.state_dir());
  if (!state) return fail(state.error());
  if (state->function_name != name || state->target != ctx.target_id || state->code_sha256.empty()) {
    return refuse("no deploy of " + name + " to this target is recorded in " +
                  (ctx.config.state_dir() / "state.json").string() + "; run `lambda-cd deploy` first");
  }
  if (state->itest == ItestResult::failed && state->itest_revision_id == state->revision_id) {
    return refuse("integration tests failed on the deployed code; fix them and run `lambda-cd itest` again");
  }
  if (state->itest != ItestResult::passed || state->itest_revision_id != state->revision_id) {
    ctx.observer.warning("integration tests have not run against the deployed code");
  }
  out.code_sha256 = state->code_sha256;

  auto latest = ctx.lambda.get_function_configuration(name);
  if (!latest) return fail(latest.error());
  if (latest->code_sha256 != state->code_sha256) {
    return refuse("$LATEST changed since deploy: CodeSha256 is " + latest->code_sha256 + ", deployed and tested " +
                  state->code_sha256 + " (another deploy?)");
  }

  // Before the RevisionId guard: publishing changes $LATEST's RevisionId (as on AWS), so a build
  // this run or an earlier one published must be recognised as done, not refused.
  auto builds = load_version_builds(ctx.lambda, name);
  if (!builds) return fail(builds.error());
  auto existing = resolve_build(*builds, build, name);
  if (existing) {
    if (existing->code_sha256 == state->code_sha256) {
      out.version = existing->version;
      out.already_published = true;
      ctx.observer.message("build " + build + " is already published as version " + existing->version +
                           " with this code; nothing to publish");
      return out;
    }
    return refuse("build " + build + " is already published as version " + existing->version +
                  " with different code (CodeSha256 " + existing->code_sha256 + "); use a new build number");
  }
  if (existing.error().kind != ErrorKind::not_found) return fail(existing.error());
  if (latest->revision_id != state->revision_id) {
    return refuse("$LATEST changed since deploy: RevisionId is " + latest->revision_id + ", deploy left " +
                  state->revision_id + " (configuration changed by someone else?)");
  }

  if (dry_run) {
    ctx.observer.message("would publish $LATEST (CodeSha256 " + state->code_sha256 + ", RevisionId " +
                         state->revision_id + ") as build " + build);
    return out;
  }

  clients::PublishVersionRequest req;
  req.function_name = name;
  req.code_sha256 = state->code_sha256;
  req.revision_id = state->revision_id;
  req.description = build_description(build);
  // The build's version, recorded in the deploy state as the last published.
  auto record = [&](const std::string& version) -> Result<PublishOutcome> {
    out.version = version;
    state->last_published_build = build;
    state->last_published_version = version;
    if (auto saved = save_deploy_state(ctx.config.state_dir(), *state); !saved) return fail(saved.error());
    return out;
  };
  auto published = clients::retry_on_update_conflict<FunctionConfiguration>(
      ctx.lambda, ctx.clock, name, [&] { return ctx.lambda.publish_version(req); }, ctx.conflict_retry);
  if (!published) {
    const auto& e = published.error();
    const bool revision_guard = e.kind == ErrorKind::precondition;
    const bool code_guard = e.kind == ErrorKind::invalid && e.message.find("CodeSHA256") != std::string::npos;
    if (!revision_guard && !code_guard) return fail(e);
    const std::string guard = revision_guard ? "RevisionId" : "CodeSha256";
    // A guard refuses a repeat of a publish whose answer was lost (applied, then the connection
    // dropped): publishing changed $LATEST's RevisionId. Then this build's version is there, as it is
    // when another run of the same build published it since the check.
    auto now_builds = load_version_builds(ctx.lambda, name);
    if (!now_builds) return fail(now_builds.error());
    auto mine = resolve_build(*now_builds, build, name);
    if (!mine || mine->code_sha256 != state->code_sha256) {
      return refuse("$LATEST changed between the check and the publish (" + guard + " guard): " + e.describe());
    }
    ctx.observer.message("build " + build + " is published as version " + mine->version +
                         " with this code: by an earlier attempt whose answer was lost, or by another run of this "
                         "build (PublishVersion's repeat met the " + guard + " guard)");
    return record(mine->version);
  }
  if (published->code_sha256 != state->code_sha256 && !published->code_sha256.empty()) {
    return step_failed("PublishVersion returned version " + published->version + " with CodeSha256 " +
                       published->code_sha256 + ", expected " + state->code_sha256);
  }
  if (published->description != req.description) {
    // Unchanged code and configuration: AWS handed back an existing version.
    out.reused_version = true;
    auto tagged = ctx.lambda.tag_resource(builds->function_arn, {{build_tag_key(build), published->version}});
    if (!tagged) {
      return step_failed("AWS returned existing version " + published->version + " for build " + build +
                         " but recording the build as a tag failed: " + tagged.error().describe());
    }
    ctx.observer.message("code unchanged: AWS returned existing version " + published->version + " (" +
                         (published->description.empty() ? std::string("no description") : published->description) +
                         "); recorded build " + build + " -> version " + published->version + " as tag " +
                         build_tag_key(build));
  } else {
    ctx.observer.message("published version " + published->version + " as build " + build);
  }
  return record(published->version);
}

}  // namespace lcd::pipeline
