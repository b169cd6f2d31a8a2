#include "pipeline/prune_step.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <set>

#include "pipeline/build_registry.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"
#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {

int64_t version_number(const std::string& v) {
  try {
    return std::stoll(v);
  } catch (...) {
    return -1;
  }
}

std::string percent(double weight) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", weight * 100.0);
  return buf;
}

std::string version_label(const PruneDecision& d) {
  std::string s = "version " + d.version;
  if (!d.builds.empty()) s += " (build " + join(d.builds, ", ") + ")";
  return s;
}

std::optional<std::chrono::system_clock::time_point> parse_iso_utc(const std::string& text) {
  // "2026-11-26T12:00:00.000Z"
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return std::nullopt;
  return from_utc_tm(tm);
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_lambda_time(const std::string& text) {
  // "2019-08-14T22:26:11.234+0000": seconds precision is enough for age checks.
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return std::nullopt;
  auto instant = from_utc_tm(tm);
  if (!instant) return std::nullopt;
  auto t = *instant;
  std::string rest(end);
  if (!rest.empty() && rest[0] == '.') rest.erase(0, rest.find_first_not_of("0123456789", 1));
  if (rest.size() == 5 && (rest[0] == '+' || rest[0] == '-')) {
    int hh = 0, mm = 0;
    if (std::sscanf(rest.c_str() + 1, "%2d%2d", &hh, &mm) != 2) return std::nullopt;
    auto offset = std::chrono::hours(hh) + std::chrono::minutes(mm);
    t = rest[0] == '+' ? t - offset : t + offset;
  } else if (!rest.empty() && rest != "Z") {
    return std::nullopt;
  }
  return t;
}

std::vector<PruneDecision> plan_prune(const std::vector<clients::FunctionConfiguration>& versions,
                                      const std::map<std::string, std::vector<std::string>>& builds_by_version,
                                      const std::vector<clients::AliasConfiguration>& aliases,
                                      const PruneOptions& options, std::chrono::system_clock::time_point now) {
  std::vector<PruneDecision> out;
  for (const auto& v : versions) {
    if (v.version == "$LATEST") continue;
    PruneDecision d;
    d.version = v.version;
    d.code_size = v.code_size;
    d.last_modified = v.last_modified;
    if (auto b = builds_by_version.find(v.version); b != builds_by_version.end()) d.builds = b->second;
    out.push_back(std::move(d));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return version_number(a.version) < version_number(b.version); });

  std::map<std::string, std::vector<std::string>> referenced;
  for (const auto& a : aliases) {
    referenced[a.function_version].push_back("alias " + a.name);
    for (const auto& [version, weight] : a.additional_version_weights) {
      referenced[version].push_back("alias " + a.name + " (routing " + percent(weight) + ")");
    }
  }
  const size_t keep = static_cast<size_t>(std::max(options.keep, 0));
  for (size_t i = 0; i < out.size(); ++i) {
    PruneDecision& d = out[i];
    if (auto r = referenced.find(d.version); r != referenced.end()) d.kept_because = r->second;
    if (i + keep >= out.size()) d.kept_because.push_back("newest " + std::to_string(keep));
    if (options.older_than) {
      auto modified = parse_lambda_time(d.last_modified);
      if (!modified) {
        d.kept_because.push_back("modification time unknown");
      } else if (now - *modified < *options.older_than) {
        d.kept_because.push_back("younger than " + format_duration(*options.older_than));
      }
    }
    d.remove = d.kept_because.empty();
  }
  return out;
}

std::vector<BackupManifest> plan_backup_prune(const std::vector<BackupManifest>& backups,
                                              const std::vector<std::string>& kept_versions,
                                              const PruneOptions& options, std::chrono::system_clock::time_point now) {
  const std::set<std::string> kept(kept_versions.begin(), kept_versions.end());
  const size_t keep = static_cast<size_t>(std::max(options.keep, 0));
  std::vector<BackupManifest> out;
  for (size_t i = 0; i < backups.size(); ++i) {  // ascending by build
    const BackupManifest& m = backups[i];
    if (kept.count(m.version) || i + keep >= backups.size()) continue;
    if (options.older_than) {
      auto created = parse_iso_utc(m.created_at);
      if (!created || now - *created < *options.older_than) continue;
    }
    out.push_back(m);
  }
  return out;
}

Result<PruneOutcome> run_prune(StepContext& ctx, const PruneOptions& options) {
  const std::string& name = ctx.config.function.name;
  if (name.empty()) return config_error("no function name: set [function] name in lambda-cd.toml");
  if (options.keep < 1) return config_error("prune --keep must be at least 1");
  auto builds = load_version_builds(ctx.lambda, name);
  if (!builds) return fail(builds.error());
  auto aliases = ctx.lambda.list_aliases(name);
  if (!aliases) return fail(aliases.error());

  PruneOutcome out;
  out.dry_run = options.dry_run;
  out.decisions = plan_prune(builds->versions, builds->builds_by_version, *aliases, options, ctx.clock.now());
  for (const auto& d : out.decisions) {
    if (!d.remove) {
      ctx.observer.message("keeping " + version_label(d) + ": " + join(d.kept_because, ", "));
    } else if (options.dry_run) {
      ctx.observer.message("would delete " + version_label(d) + ", " + format_mib(static_cast<uint64_t>(d.code_size)));
    }
  }

  std::set<std::string> gone;
  if (!options.dry_run) {
    for (const auto& d : out.decisions) {
      if (!d.remove) continue;
      auto deleted = ctx.lambda.delete_function(name, d.version);
      if (deleted) {
        ctx.observer.message("deleted " + version_label(d) + ", " + format_mib(static_cast<uint64_t>(d.code_size)));
        out.deleted.push_back(d.version);
        out.bytes_freed += d.code_size;
        gone.insert(d.version);
        continue;
      }
      const Error& e = deleted.error();
      if (e.kind == ErrorKind::conflict) {  // an alias moved onto it since the listing
        ctx.observer.warning("kept " + version_label(d) + ": " + e.message);
        out.skipped.emplace_back(d.version, e.message);
      } else if (e.kind == ErrorKind::not_found) {
        gone.insert(d.version);
        out.skipped.emplace_back(d.version, "already deleted");
      } else {
        return fail(e);
      }
    }
    // Build tags pointing at deleted versions would resolve to nothing: remove them with the version.
    std::vector<std::string> stale;
    for (const auto& [key, version] : builds->tags) {
      if (build_from_tag_key(key) && gone.count(version)) stale.push_back(key);
    }
    if (!stale.empty()) {
      if (auto untagged = ctx.lambda.untag_resource(builds->function_arn, stale); !untagged) {
        ctx.observer.warning("could not remove the build tags of deleted versions: " + untagged.error().describe());
      }
    }
  }

  if (options.backups) {
    if (!ctx.artifacts || ctx.artifacts->bucket.empty()) {
      out.backups_error = "no [backup] bucket is configured";
    } else if (auto listed = list_backups(*ctx.artifacts, name); !listed) {
      out.backups_error = listed.error().describe();
    } else {
      std::vector<std::string> kept_versions;
      for (const auto& d : out.decisions) {
        if (!gone.count(d.version) && !(options.dry_run && d.remove)) kept_versions.push_back(d.version);
      }
      for (const auto& m : plan_backup_prune(*listed, kept_versions, options, ctx.clock.now())) {
        const std::string where = s3_url(ctx.artifacts->bucket, backup_prefix(name, m.build));
        if (options.dry_run) {
          ctx.observer.message("would delete the backup of build " + m.build + " (" + where + ")");
          out.backups_deleted.push_back(m.build);
          continue;
        }
        auto& s3 = ctx.artifacts->s3;
        auto zip = s3.delete_object(ctx.artifacts->bucket, backup_zip_key(name, m.build));
        auto manifest = zip ? s3.delete_object(ctx.artifacts->bucket, backup_manifest_key(name, m.build)) : zip;
        if (!manifest) {
          out.backups_error = "deleting " + where + ": " + manifest.error().describe();
          break;
        }
        ctx.observer.message("deleted the backup of build " + m.build + " (" + where + ")");
        out.backups_deleted.push_back(m.build);
      }
    }
    if (!out.backups_error.empty()) ctx.observer.warning("backups not pruned: " + out.backups_error);
  }
  return out;
}

std::string summarize(const PruneOutcome& o) {
  size_t kept = 0, would = 0;
  for (const auto& d : o.decisions) (d.remove ? would : kept) += 1;
  std::string s;
  if (o.dry_run) {
    s = "dry run: would delete " + std::to_string(would) + " version" + (would == 1 ? "" : "s");
  } else {
    s = "deleted " + std::to_string(o.deleted.size()) + " version" + (o.deleted.size() == 1 ? "" : "s") + " (" +
        format_mib(static_cast<uint64_t>(o.bytes_freed)) + ")";
  }
  s += ", kept " + std::to_string(kept);
  if (!o.skipped.empty()) s += ", skipped " + std::to_string(o.skipped.size());
  if (!o.backups_deleted.empty()) {
    s += std::string(o.dry_run ? ", would delete " : ", deleted ") + std::to_string(o.backups_deleted.size()) +
         " backup" + (o.backups_deleted.size() == 1 ? "" : "s");
  }
  return s;
}

}  // namespace lcd::pipeline
