// `lambda-cd stack deploy|diff|delete|status`: the project's CloudFormation stack.
// [stack] of lambda-cd.toml (name, template, parameters, capabilities) comes with CliConfig; a
// template naming local code is packaged into the [backup] bucket first (template_artifacts).

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "clients/cloudformation_client.hpp"
#include "pipeline/pipeline_runner.hpp"
#include "pipeline/stack_step.hpp"
#include "pipeline/template_artifacts.hpp"
#include "util/file_io.hpp"

namespace lcd::cli {

namespace {

// [stack] as lambda-cd.toml configures it (parsed with the rest of the file in cli_config.cpp),
// the name overridden by --name.
Result<pipeline::StackSettings> stack_settings(const CliConfig& config, const std::string& name_override) {
  pipeline::StackSettings settings = config.stack;
  if (!name_override.empty()) settings.name = name_override;
  if (settings.name.empty()) {
    return pipeline::config_error("no stack name: set [stack] name (or [function] name) in lambda-cd.toml");
  }
  return settings;
}

nlohmann::json to_json(const std::vector<clients::ResourceChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : changes) {
    nlohmann::json details = nlohmann::json::array();
    for (const auto& d : c.details) {
      details.push_back({{"property", d.name}, {"requires_recreation", d.requires_recreation},
                         {"evaluation", d.evaluation}, {"source", d.change_source}, {"causing_entity", d.causing_entity}});
    }
    out.push_back({{"logical_id", c.logical_resource_id}, {"physical_id", c.physical_resource_id},
                   {"type", c.resource_type}, {"action", c.action}, {"replacement", c.replacement},
                   {"details", details}});
  }
  return out;
}

nlohmann::json to_json(const pipeline::StackOutcome& o) {
  nlohmann::json outputs = nlohmann::json::object();
  for (const auto& out : o.outputs) outputs[out.key] = out.value;
  nlohmann::json events = nlohmann::json::array();
  for (const auto& e : o.events) {
    events.push_back({{"time", e.timestamp},
                      {"logical_id", e.logical_resource_id},
                      {"type", e.resource_type},
                      {"status", e.resource_status},
                      {"reason", e.resource_status_reason}});
  }
  return {{"stack", o.stack_name},
          {"stack_id", o.stack_id},
          {"action", pipeline::to_string(o.action)},
          {"status", o.status},
          {"capabilities", o.capabilities},
          {"change_set_id", o.change_set_id},
          {"change_set_type", o.change_set_type},
          {"changes", to_json(o.changes)},
          {"outputs", outputs},
          {"events", events}};
}

nlohmann::json to_json(const pipeline::StackDrift& d) {
  if (!d.supported) return {{"supported", false}, {"reason", d.unsupported_reason}};
  nlohmann::json resources = nlohmann::json::array();
  for (const auto& r : d.resources) {
    nlohmann::json differences = nlohmann::json::array();
    for (const auto& p : r.differences) {
      differences.push_back({{"path", p.path}, {"expected", p.expected_value}, {"actual", p.actual_value},
                             {"type", p.difference_type}});
    }
    resources.push_back({{"logical_id", r.logical_resource_id}, {"physical_id", r.physical_resource_id},
                         {"type", r.resource_type}, {"status", r.drift_status}, {"differences", differences}});
  }
  return {{"supported", true}, {"status", d.stack_drift_status}, {"resources", resources}};
}

nlohmann::json to_json(const pipeline::StackStatusReport& r, const std::string& name) {
  if (!r.exists) return {{"stack", name}, {"exists", false}};
  nlohmann::json outputs = nlohmann::json::object();
  for (const auto& out : r.stack.outputs) outputs[out.key] = out.value;
  nlohmann::json resources = nlohmann::json::array();
  for (const auto& res : r.resources) {
    resources.push_back({{"logical_id", res.logical_resource_id},
                         {"physical_id", res.physical_resource_id},
                         {"type", res.resource_type},
                         {"status", res.resource_status},
                         {"reason", res.resource_status_reason}});
  }
  return {{"stack", r.stack.stack_name},
          {"exists", true},
          {"stack_id", r.stack.stack_id},
          {"status", r.stack.status},
          {"reason", r.stack.status_reason},
          {"created", r.stack.creation_time},
          {"updated", r.stack.last_updated_time},
          {"outputs", outputs},
          {"resources", resources}};
}

void print_status(const pipeline::StackStatusReport& r, const std::string& name) {
  if (!r.exists) {
    std::printf("stack %s does not exist (run `lambda-cd stack deploy`)\n", name.c_str());
    return;
  }
  std::printf("stack %s  %s%s%s\n  id %s\n", r.stack.stack_name.c_str(), r.stack.status.c_str(),
              r.stack.status_reason.empty() ? "" : ": ", r.stack.status_reason.c_str(), r.stack.stack_id.c_str());
  std::printf("\nresources (%zu)\n", r.resources.size());
  for (const auto& res : r.resources) {
    std::printf("  %-24s %-28s %-20s %s\n", res.logical_resource_id.c_str(), res.resource_type.c_str(),
                res.resource_status.c_str(), res.physical_resource_id.c_str());
  }
  if (!r.stack.outputs.empty()) {
    std::printf("\noutputs\n");
    for (const auto& o : r.stack.outputs) std::printf("  %-24s %s\n", o.key.c_str(), o.value.c_str());
  }
  std::fflush(stdout);
}

// The pieces every stack subcommand needs: the run, a CloudFormation client and the settings.
struct StackRun {
  std::unique_ptr<CommandRun> run;
  std::unique_ptr<aws::ServiceCaller> caller;
  std::unique_ptr<clients::CloudFormationClient> cfn;
  pipeline::StackSettings settings;
};

// `lock_command`: deploy and delete change the project's function, so they hold its deploy lock.
Result<StackRun> open_stack_run(const GlobalOptions& globals, const std::string& name_override,
                                const std::string& lock_command = "") {
  RunNeeds needs;
  needs.function_name = false;
  needs.lock_command = lock_command;
  auto run = CommandRun::open(globals, needs);
  if (!run) return fail(run.error());
  StackRun s;
  s.run = std::move(*run);
  auto settings = stack_settings(s.run->config, name_override);
  if (!settings) return fail(settings.error());
  s.settings = std::move(*settings);
  auto caller = make_service_caller(s.run->config, s.run->observer, globals.verbosity);
  if (!caller) return fail(caller.error());
  s.caller = std::move(*caller);
  s.cfn = std::make_unique<clients::CloudFormationClient>(*s.caller);
  return s;
}

// The template as CloudFormation gets it: read from the project, local code uploaded first.
Result<pipeline::PackagedTemplate> stack_template(StackRun& s) {
  auto& r = *s.run;
  const std::filesystem::path template_path = r.config.project.root / s.settings.template_path;
  auto body = read_file(template_path);
  if (!body) {
    return pipeline::config_error("cannot read the stack template " + template_path.string() + ": " +
                                  body.error().message + " (set [stack] template)");
  }
  pipeline::ArtifactContext artifacts{r.artifacts(), s.settings.name, r.observer,
                                      r.config.project.root / ".lambda-cd" / "artifacts"};
  return pipeline::package_template(artifacts, *body, template_path);
}

void print_drift(const pipeline::StackDrift& d, ConsoleObserver& out) {
  if (!d.supported) {
    out.line("drift: CloudFormation here cannot detect drift (" + d.unsupported_reason + ")");
    return;
  }
  out.line("drift: " + d.stack_drift_status);
  for (const auto& r : d.resources) {
    if (r.drift_status == "IN_SYNC") continue;
    out.line("  " + r.logical_resource_id + " (" + r.resource_type + ") " + r.drift_status);
    for (const auto& p : r.differences) {
      out.line("    " + p.path + ": template " + p.expected_value + ", deployed " + p.actual_value);
    }
  }
}

}  // namespace

void add_stack_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string name;
    bool recreate = false;
    bool dry_run = false;
  };
  auto opts = std::make_shared<Options>();
  auto* stack = app.add_subcommand("stack", "The project's CloudFormation stack ([stack] in lambda-cd.toml)");
  stack->require_subcommand(1);

  auto* deploy = stack->add_subcommand(
      "deploy", "Create or update the stack through a change set, showing its changes first; waits until done");
  deploy->add_flag("--recreate", opts->recreate,
                   "Delete a stack left in ROLLBACK_COMPLETE by a failed creation and create it again");
  deploy->add_flag("--dry-run", opts->dry_run, "Show the change set's changes, then delete it without executing");
  deploy->add_option("--name", opts->name, "Stack name (default [stack] name)");
  deploy->callback([&globals, &exit_code, opts] {
    auto s = open_stack_run(globals, opts->name, opts->dry_run ? "" : "stack deploy");
    if (!s) {
      exit_code = finish_error(globals, "stack deploy", s.error());
      return;
    }
    auto& r = *s->run;
    pipeline::StackContext ctx{*s->cfn, r.ctx().clock, r.observer};
    std::optional<pipeline::StackOutcome> outcome;
    auto done = pipeline::observed_step(r.ctx(), "stack deploy", [&]() -> Result<std::string> {
      auto body = stack_template(*s);
      if (!body) return fail(body.error());
      pipeline::StackDeployOptions options{opts->recreate, opts->dry_run};
      auto o = pipeline::run_stack_deploy(ctx, s->settings, body->body, options);
      if (!o) return fail(o.error());
      outcome = *o;
      return "stack " + o->stack_name + " " + pipeline::to_string(o->action) +
             (o->status.empty() ? std::string() : " (" + o->status + ")");
    });
    if (!done) {
      exit_code = finish_error(globals, "stack deploy", done.error());
      return;
    }
    if (globals.output == OutputFormat::text) {
      for (const auto& o : outcome->outputs) r.observer.line("output " + o.key + " = " + o.value);
    }
    exit_code = finish_ok(globals, "stack deploy", r.target_description, to_json(*outcome));
  });

  auto* diff = stack->add_subcommand(
      "diff", "What deploying the template would change (a change set, then deleted) and what drifted since the "
              "last deploy (CloudFormation drift detection, where the endpoint has it)");
  diff->add_option("--name", opts->name, "Stack name (default [stack] name)");
  diff->callback([&globals, &exit_code, opts] {
    auto s = open_stack_run(globals, opts->name);
    if (!s) {
      exit_code = finish_error(globals, "stack diff", s.error());
      return;
    }
    auto& r = *s->run;
    pipeline::StackContext ctx{*s->cfn, r.ctx().clock, r.observer};
    std::optional<pipeline::StackOutcome> preview;
    std::optional<pipeline::StackDrift> drift;
    auto done = pipeline::observed_step(r.ctx(), "stack diff", [&]() -> Result<std::string> {
      auto body = stack_template(*s);
      if (!body) return fail(body.error());
      auto p = pipeline::run_stack_preview(ctx, s->settings, body->body);
      if (!p) return fail(p.error());
      preview = *p;
      if (p->change_set_type == "UPDATE" || p->action == pipeline::StackAction::unchanged) {
        auto d = pipeline::run_stack_drift(ctx, s->settings.name);
        if (!d) return fail(d.error());
        drift = *d;
      }
      std::string summary = p->action == pipeline::StackAction::unchanged
                                ? "template matches stack " + p->stack_name
                                : std::to_string(p->changes.size()) + " change(s) to stack " + p->stack_name;
      if (drift && drift->supported) summary += "; drift " + drift->stack_drift_status;
      return summary;
    });
    if (!done) {
      exit_code = finish_error(globals, "stack diff", done.error());
      return;
    }
    if (globals.output == OutputFormat::text && drift) print_drift(*drift, r.observer);
    nlohmann::json result = to_json(*preview);
    result["drift"] = drift ? to_json(*drift) : nlohmann::json(nullptr);
    exit_code = finish_ok(globals, "stack diff", r.target_description, result);
  });

  auto* del = stack->add_subcommand("delete", "Delete the stack and wait until it is gone");
  del->add_option("--name", opts->name, "Stack name (default [stack] name)");
  del->callback([&globals, &exit_code, opts] {
    auto s = open_stack_run(globals, opts->name, "stack delete");
    if (!s) {
      exit_code = finish_error(globals, "stack delete", s.error());
      return;
    }
    auto& r = *s->run;
    pipeline::StackContext ctx{*s->cfn, r.ctx().clock, r.observer};
    std::optional<pipeline::StackOutcome> outcome;
    auto done = pipeline::observed_step(r.ctx(), "stack delete", [&]() -> Result<std::string> {
      auto o = pipeline::run_stack_delete(ctx, s->settings.name);
      if (!o) return fail(o.error());
      outcome = *o;
      return o->action == pipeline::StackAction::absent ? "stack " + o->stack_name + " did not exist"
                                                         : "stack " + o->stack_name + " deleted";
    });
    if (!done) {
      exit_code = finish_error(globals, "stack delete", done.error());
      return;
    }
    exit_code = finish_ok(globals, "stack delete", r.target_description, to_json(*outcome));
  });

  auto* status = stack->add_subcommand("status", "The stack's status, resources and outputs");
  status->add_option("--name", opts->name, "Stack name (default [stack] name)");
  status->callback([&globals, &exit_code, opts] {
    auto s = open_stack_run(globals, opts->name);
    if (!s) {
      exit_code = finish_error(globals, "stack status", s.error());
      return;
    }
    auto& r = *s->run;
    pipeline::StackContext ctx{*s->cfn, r.ctx().clock, r.observer};
    auto report = pipeline::run_stack_status(ctx, s->settings.name);
    if (!report) {
      exit_code = finish_error(globals, "stack status", report.error());
      return;
    }
    if (globals.output == OutputFormat::text) print_status(*report, s->settings.name);
    exit_code = finish_ok(globals, "stack status", r.target_description, to_json(*report, s->settings.name));
  });
}

}  // namespace lcd::cli
