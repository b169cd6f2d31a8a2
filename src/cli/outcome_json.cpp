#include "cli/outcome_json.hpp"

#include <nlohmann/json.hpp>

namespace lcd::cli {

using nlohmann::json;

json to_json(const pipeline::TestOutcome& o) {
  json out{{"passed", o.passed}, {"exit_code", o.exit_code}, {"timed_out", o.timed_out},
              {"junit", o.junit_path.string()}, {"junit_from_command", o.junit_from_command},
              {"duration_ms", o.duration.count()}};
  if (o.install_configured) out["install"] = json{{"ran", o.install_ran}, {"duration_ms", o.install_duration.count()}};
  return out;
}

json to_json(const pipeline::PackageOutput& p) {
  return json{{"zip", p.zip_path.string()}, {"size", p.zip_size}, {"unzipped_size", p.unzipped_size},
              {"code_sha256", p.code_sha256}, {"left_out", p.left_out}, {"notes", p.notes}};
}

json to_json(const pipeline::DeployOutcome& d) {
  return json{{"dry_run", d.dry_run}, {"created", d.created}, {"code_uploaded", d.code_uploaded},
              {"config_changes", d.config_changes}, {"code_sha256", d.code_sha256},
              {"revision_id", d.revision_id}, {"function_arn", d.function_arn}, {"via_s3", d.via_s3},
              {"s3_location", d.via_s3 ? json(d.s3_location) : json(nullptr)}};
}

json to_json(const pipeline::PublishOutcome& p) {
  return json{{"dry_run", p.dry_run}, {"build", p.build}, {"version", p.version}, {"code_sha256", p.code_sha256},
              {"already_published", p.already_published}, {"reused_version", p.reused_version}};
}

json to_json(const pipeline::AliasMove& m) {
  json j{{"dry_run", m.dry_run}, {"alias", m.alias}, {"from_version", m.from_version},
         {"to_version", m.to_version}, {"build", m.build}, {"history", m.history},
         {"created", m.created}, {"unchanged", m.unchanged}};
  if (!m.strategy.empty()) j["strategy"] = m.strategy;
  if (!m.gates.empty()) j["gates"] = m.gates;
  if (m.undid_shift) j["undid_shift"] = true;
  if (m.shift) {
    json s{{"strategy", m.shift->strategy}, {"resumed", m.shift->resumed}, {"percents", m.shift->percents},
           {"completed", m.shift->completed}, {"rolled_back", m.shift->rolled_back}};
    if (!m.shift->mirrors.empty()) s["mirrors"] = m.shift->mirrors;
    if (m.shift->last_reading) {
      const auto& r = *m.shift->last_reading;
      s["error_rate"] = json{{"invocations", r.invocations}, {"errors", r.errors}, {"throttles", r.throttles},
                             {"rate", r.rate()}};
    }
    j["shift"] = s;
  }
  return j;
}

json to_json(const pipeline::BackupManifest& m) {
  return json{{"function", m.function_name},
              {"build", m.build},
              {"version", m.version},
              {"code_sha256", m.code_sha256},
              {"zip_size", m.zip_size},
              {"time", m.created_at},
              {"git_commit", m.git_commit.empty() ? json(nullptr) : json(m.git_commit)},
              {"location", pipeline::s3_url(m.bucket, m.zip_key)}};
}

json to_json(const pipeline::BackupsStatus& b) {
  if (!b.configured) return json{{"configured", false}};
  json builds = json::array();
  for (const auto& m : b.builds) builds.push_back(to_json(m));
  json j{{"configured", true}, {"bucket", b.bucket}, {"builds", builds}};
  j["error"] = b.error.empty() ? json(nullptr) : json(b.error);
  return j;
}

json to_json(const pipeline::StatusReport& s) {
  json j{{"function", s.function_name}, {"exists", s.exists}, {"backups", to_json(s.backups)}};
  if (s.code_storage) {
    j["code_storage"] = {{"used", s.code_storage->used}, {"limit", s.code_storage->limit},
                         {"fraction", s.code_storage->fraction()}};
  } else {
    j["code_storage"] = {{"error", s.code_storage_error}};
  }
  if (!s.exists) return j;
  j["function_arn"] = s.function_arn;
  j["latest"] = json{{"code_sha256", s.latest_code_sha256}, {"revision_id", s.latest_revision_id},
                     {"last_modified", s.latest_last_modified}, {"state", s.state},
                     {"last_update_status", s.last_update_status}};
  json versions = json::array();
  for (const auto& v : s.versions) {
    versions.push_back(json{{"version", v.version}, {"builds", v.builds}, {"code_sha256", v.code_sha256},
                            {"description", v.description}, {"last_modified", v.last_modified}});
  }
  j["versions"] = versions;
  json aliases = json::array();
  for (const auto& a : s.aliases) {
    json aj{{"name", a.name}, {"version", a.version}, {"build", a.build}, {"history", a.history}};
    if (!a.additional_version_weights.empty()) aj["additional_version_weights"] = a.additional_version_weights;
    if (a.shift) {
      aj["shift"] = json{{"to_version", a.shift->to_version}, {"to_build", a.shift->to_build},
                         {"percent", a.shift_percent}, {"started", a.shift->started}};
    }
    if (a.metrics) {
      aj["metrics"] = json{{"invocations", a.metrics->invocations}, {"errors", a.metrics->errors},
                           {"error_rate", a.metrics->error_rate()}};
    }
    aliases.push_back(aj);
  }
  j["aliases"] = aliases;
  if (!s.aliases.empty()) {
    j["metrics"] = json{{"window_minutes", s.metrics_window.count()},
                        {"error", s.metrics_error.empty() ? json(nullptr) : json(s.metrics_error)}};
  }
  return j;
}

json to_json(const pipeline::PipelineReport& r) {
  json steps = json::array();
  for (const auto& s : r.steps) {
    steps.push_back(json{{"step", s.name}, {"status", pipeline::to_string(s.status)},
                         {"duration_ms", s.duration.count()}, {"summary", s.summary}});
  }
  json j{{"ok", r.ok}, {"steps", steps}};
  if (!r.failed_step.empty()) j["failed_step"] = r.failed_step;
  if (r.package) j["package"] = to_json(*r.package);
  if (r.deploy) j["deploy"] = to_json(*r.deploy);
  if (r.publish) j["publish"] = to_json(*r.publish);
  if (r.promote) j["promote"] = to_json(*r.promote);
  return j;
}

json to_json(const pipeline::PruneOutcome& p) {
  json decisions = json::array();
  for (const auto& d : p.decisions) {
    decisions.push_back({{"version", d.version}, {"builds", d.builds}, {"code_size", d.code_size},
                         {"last_modified", d.last_modified}, {"delete", d.remove}, {"kept_because", d.kept_because}});
  }
  json skipped = json::array();
  for (const auto& [version, why] : p.skipped) skipped.push_back({{"version", version}, {"reason", why}});
  json j{{"dry_run", p.dry_run}, {"versions", decisions}, {"deleted", p.deleted}, {"skipped", skipped},
         {"bytes_freed", p.bytes_freed}, {"backups_deleted", p.backups_deleted}};
  if (!p.backups_error.empty()) j["backups_error"] = p.backups_error;
  return j;
}

}  // namespace lcd::cli
