#include "pipeline/promote_step.hpp"

#include "pipeline/alias_history.hpp"
#include "pipeline/build_registry.hpp"

namespace lcd::pipeline {
namespace {

using clients::AliasConfiguration;

struct Resolved {
  std::string version;
  std::string build;
};

// The build a version is known as: its Description, else a lambda-cd:build:N tag pointing at it.
Result<std::string> build_of_version(StepContext& ctx, const std::string& version) {
  const auto& name = ctx.config.function.name;
  auto config = ctx.lambda.get_function_configuration(name, version);
  if (!config) {
    if (config.error().kind == ErrorKind::not_found) {
      return step_failed("version " + version + " of " + name + " does not exist", ErrorKind::not_found);
    }
    return fail(config.error());
  }
  if (auto b = build_from_description(config->description)) return *b;
  auto tags = ctx.lambda.list_tags(unqualified_arn(config->function_arn));
  if (!tags) return fail(tags.error());
  for (const auto& [key, v] : *tags) {
    if (v != version) continue;
    if (auto b = build_from_tag_key(key)) return *b;
  }
  return std::string();
}

Result<Resolved> resolve_target(StepContext& ctx, const PromoteTarget& target) {
  const auto& name = ctx.config.function.name;
  int given = !target.build.empty() + !target.version.empty() + !target.from_alias.empty();
  if (given != 1) return config_error("promote needs exactly one of --build N, --version V, --from ALIAS");
  if (!target.build.empty()) {
    auto builds = load_version_builds(ctx.lambda, name);
    if (!builds) return fail(builds.error());
    auto r = resolve_build(*builds, target.build, name);
    if (!r) return fail(r.error());
    return Resolved{r->version, target.build};
  }
  if (!target.version.empty()) {
    if (target.version == "$LATEST") {
      return config_error("aliases managed by lambda-cd point at published versions, not $LATEST");
    }
    auto b = build_of_version(ctx, target.version);
    if (!b) return fail(b.error());
    return Resolved{target.version, *b};
  }
  auto other = ctx.lambda.get_alias(name, target.from_alias);
  if (!other) {
    if (other.error().kind == ErrorKind::not_found) {
      return step_failed("alias " + target.from_alias + " of " + name + " does not exist", ErrorKind::not_found);
    }
    return fail(other.error());
  }
  auto history = parse_alias_description(other->description);
  std::string build = history.build;
  if (build.empty()) {
    auto b = build_of_version(ctx, other->function_version);
    if (!b) return fail(b.error());
    build = *b;
  }
  return Resolved{other->function_version, build};
}

// Writes the alias; a response lost after the write succeeded shows up as 412/409 on retry, so
// those are re-checked: if the alias now holds exactly what we wrote, the move is ours.
Result<void> write_alias(StepContext& ctx, const std::string& alias, const std::optional<AliasConfiguration>& current,
                         const std::string& version, const std::string& description) {
  const auto& name = ctx.config.function.name;
  auto is_ours = [&]() {
    auto now = ctx.lambda.get_alias(name, alias);
    return now && now->function_version == version && now->description == description;
  };
  if (!current) {
    clients::CreateAliasRequest req{name, alias, version, description};
    auto created = ctx.lambda.create_alias(req);
    if (created) return {};
    if (created.error().kind == ErrorKind::conflict) {
      if (is_ours()) return {};
      return step_failed("alias " + alias + " was created by someone else meanwhile; left untouched. Run again to "
                         "move it from its new target");
    }
    return fail(created.error());
  }
  clients::UpdateAliasRequest req;
  req.function_name = name;
  req.name = alias;
  req.function_version = version;
  req.description = description;
  req.revision_id = current->revision_id;
  if (!current->additional_version_weights.empty()) req.additional_version_weights = std::map<std::string, double>{};
  auto updated = ctx.lambda.update_alias(req);
  if (updated) return {};
  if (updated.error().kind == ErrorKind::precondition) {
    if (is_ours()) return {};
    return step_failed("alias " + alias + " was moved by someone else meanwhile (RevisionId changed); left untouched",
                       ErrorKind::precondition);
  }
  return fail(updated.error());
}

void describe_move(StepContext& ctx, const AliasMove& m, bool shifting) {
  std::string what = m.dry_run ? "would move " : "moved ";
  if (shifting) what = m.dry_run ? "would shift " : "shifting ";
  if (m.created) what = m.dry_run ? "would create " : "created ";
  std::string text = what + m.alias + " ";
  if (!m.from_version.empty()) text += "from version " + m.from_version + " ";
  text += "to version " + m.to_version;
  if (!m.build.empty()) text += " (build " + m.build + ")";
  ctx.observer.message(text);
}

}  // namespace

Result<AliasMove> run_promote(StepContext& ctx, const std::string& alias, const PromoteTarget& target,
                              const PromoteOptions& options) {
  const auto& name = ctx.config.function.name;
  if (name.empty()) return config_error("no function name: set [function] name in lambda-cd.toml");
  if (alias.empty()) return config_error("promote needs an alias name");
  auto policy = release_policy(ctx.config.release, alias, options.strategy);
  if (!policy) return fail(policy.error());
  auto resolved = resolve_target(ctx, target);
  if (!resolved) return fail(resolved.error());

  AliasMove move;
  move.alias = alias;
  move.to_version = resolved->version;
  move.build = resolved->build;
  move.dry_run = options.dry_run;
  move.strategy = policy->plan.strategy;

  std::optional<AliasConfiguration> current;
  auto existing = ctx.lambda.get_alias(name, alias);
  if (existing) {
    current = std::move(*existing);
  } else if (existing.error().kind != ErrorKind::not_found) {
    return fail(existing.error());
  }
  AliasHistory before = current ? parse_alias_description(current->description) : AliasHistory{};
  if (before.shift && current->function_version == before.shift->to_version) before.shift.reset();  // stale
  if (before.shift && before.shift->to_version != resolved->version) {
    const auto weight = current->additional_version_weights.find(before.shift->to_version);
    const int percent = weight == current->additional_version_weights.end()
                            ? 0
                            : static_cast<int>(weight->second * 100.0 + 0.5);
    return step_failed(alias + " has a shift in progress: " + describe_shift(alias, *before.shift, percent) +
                       ". Resume it with `lambda-cd "
                       "promote " + alias + " --version " + before.shift->to_version + "` or undo it with `lambda-cd "
                       "rollback " + alias + "` before promoting version " + resolved->version,
                       ErrorKind::conflict);
  }
  if (current && current->function_version == resolved->version && current->additional_version_weights.empty()) {
    move.from_version = current->function_version;
    move.unchanged = true;
    move.history = before.previous;
    ctx.observer.message(alias + " already points to version " + resolved->version + "; nothing to do");
    return move;
  }
  move.created = !current;
  if (current) move.from_version = current->function_version;
  AliasHistory after = history_after_promote(before, move.from_version, resolved->build);
  move.history = after.previous;
  const bool shifting = current && move.from_version != move.to_version && !policy->plan.all_at_once();
  describe_move(ctx, move, shifting);
  ShiftGates gates(ctx, policy->gates, alias, move.to_version, "");
  move.gates = gates.describe();
  if (shifting) {
    std::string plan = "strategy " + policy->plan.strategy + ": " + policy->plan.describe();
    if (!policy->plan.mirrors.empty()) plan += " (as " + policy->plan.mirrors + ")";
    ctx.observer.message(plan);
    ctx.observer.message("gates: " + move.gates);
  } else if (!policy->plan.all_at_once()) {
    ctx.observer.message(std::string("strategy ") + policy->plan.strategy + " does not apply: " +
                         (current ? alias + " is already on version " + move.to_version + " (its routing is cleared)"
                                  : alias + " is new, there is no earlier version to share traffic with"));
  }
  if (options.dry_run) return move;

  std::string version_arn;
  if (!policy->gates.before_traffic.empty() || !policy->gates.after_traffic.empty()) {
    auto config = ctx.lambda.get_function_configuration(name, move.to_version);
    if (!config) return fail(config.error());
    version_arn = config->function_arn;
  }
  TrafficShift shift(ctx, *policy, ShiftTarget{alias, move.to_version, move.build, version_arn}, current,
                     options.shift);
  auto report = shift.run();
  if (!report) return fail(report.error());
  move.shift = std::move(*report);
  return move;
}

Result<AliasMove> run_rollback(StepContext& ctx, const std::string& alias, bool dry_run) {
  const auto& name = ctx.config.function.name;
  if (name.empty()) return config_error("no function name: set [function] name in lambda-cd.toml");
  auto current = ctx.lambda.get_alias(name, alias);
  if (!current) {
    if (current.error().kind == ErrorKind::not_found) {
      return step_failed("alias " + alias + " of " + name + " does not exist; nothing to roll back",
                         ErrorKind::not_found);
    }
    return fail(current.error());
  }
  AliasHistory history = parse_alias_description(current->description);
  if (history.shift && current->function_version != history.shift->to_version) {
    AliasMove move;
    move.alias = alias;
    move.from_version = current->function_version;
    move.to_version = current->function_version;
    move.build = history.build;
    move.history = history.previous;
    move.dry_run = dry_run;
    move.undid_shift = true;
    auto undone = undo_shift(ctx, *current, dry_run);
    if (!undone) return fail(undone.error());
    return move;
  }
  if (history.previous.empty()) {
    return step_failed("alias " + alias + " has no earlier target recorded (its Description holds lambda-cd's "
                       "history); nothing to roll back to");
  }
  AliasMove move;
  move.alias = alias;
  move.from_version = current->function_version;
  move.to_version = history.previous.front();
  move.dry_run = dry_run;
  auto build = build_of_version(ctx, move.to_version);
  if (!build) return fail(build.error());
  move.build = *build;
  AliasHistory after;
  after.managed = true;
  after.build = move.build;
  after.previous.assign(history.previous.begin() + 1, history.previous.end());
  move.history = after.previous;
  describe_move(ctx, move, false);
  if (dry_run) return move;
  std::optional<AliasConfiguration> cur = std::move(*current);
  if (auto w = write_alias(ctx, alias, cur, move.to_version, format_alias_description(after)); !w) {
    return fail(w.error());
  }
  return move;
}

}  // namespace lcd::pipeline
