#include "pipeline/traffic_shift.hpp"

#include <algorithm>
#include <cmath>

#include "clients/cloudwatch_client.hpp"
#include "util/crypto.hpp"
#include "util/duration.hpp"

namespace lcd::pipeline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

int percent_of(const clients::AliasConfiguration& alias, const std::string& version) {
  auto it = alias.additional_version_weights.find(version);
  if (it == alias.additional_version_weights.end()) return 0;
  return static_cast<int>(std::lround(it->second * 100.0));
}

bool same_weights(const std::map<std::string, double>& a, const std::map<std::string, double>& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || std::fabs(it->second - v) > 1e-6) return false;
  }
  return true;
}

std::string routing_text(const clients::AliasConfiguration& alias) {
  std::string s = "version " + alias.function_version;
  for (const auto& [v, w] : alias.additional_version_weights) {
    s += ", " + std::to_string(static_cast<int>(std::lround(w * 100.0))) + "% to version " + v;
  }
  return s;
}

std::string epoch_text(int64_t epoch_seconds) {
  return clients::format_query_timestamp(system_clock::time_point(seconds(epoch_seconds)));
}

}  // namespace

std::string describe_shift(const std::string& alias, const ShiftRecord& record, int percent) {
  std::string s = "shifting " + alias + " " + std::to_string(percent) + "% to version " + record.to_version;
  if (!record.to_build.empty()) s += " (build " + record.to_build + ")";
  s += ", started " + epoch_text(record.started);
  return s;
}

TrafficShift::TrafficShift(StepContext& ctx, ReleasePolicy policy, ShiftTarget target,
                           std::optional<clients::AliasConfiguration> current, ShiftOptions options)
    : m_ctx(ctx),
      m_policy(std::move(policy)),
      m_target(std::move(target)),
      m_alias(std::move(current)),
      m_options(options),
      m_gates(ctx, m_policy.gates, m_target.alias, m_target.to_version, m_target.to_version_arn),
      m_run(random_hex(3)) {
  if (m_alias) {
    m_history = parse_alias_description(m_alias->description);
    m_from = m_alias->function_version;
  }
  if (m_history.shift && m_history.shift->to_version == m_target.to_version && m_from != m_target.to_version) {
    m_record = m_history.shift;
    m_percent = percent_of(*m_alias, m_target.to_version);
    m_report.resumed = true;
  }
  m_history.shift.reset();
  // Nothing to share traffic with: a new alias, or one already on the version (routing cleared).
  if (!m_alias || m_from == m_target.to_version) m_policy.plan.percents.clear();
  m_report.strategy = m_policy.plan.strategy;
  m_report.mirrors = m_policy.plan.mirrors;
  m_report.from_version = m_from;
}

int64_t TrafficShift::now_seconds() const {
  return std::chrono::duration_cast<seconds>(m_ctx.clock.now().time_since_epoch()).count();
}

int TrafficShift::step_number() const {
  const auto& p = m_policy.plan.percents;
  if (m_percent >= 100) return static_cast<int>(p.size()) + 1;
  return static_cast<int>(std::count_if(p.begin(), p.end(), [&](int w) { return w <= m_percent; }));
}

void TrafficShift::emit(const std::string& phase, const std::string& text) {
  TrafficEvent e;
  e.phase = phase;
  e.alias = m_target.alias;
  e.from_version = m_from;
  e.to_version = m_target.to_version;
  e.percent = m_percent;
  e.step = step_number();
  e.steps = static_cast<int>(m_policy.plan.percents.size()) + 1;
  e.text = text;
  m_ctx.observer.traffic(e);
}

std::string TrafficShift::history_description(std::optional<ShiftRecord> shift) const {
  AliasHistory h = m_history;
  h.shift = std::move(shift);
  return format_alias_description(h);
}

Result<void> TrafficShift::write(const std::string& version, const std::map<std::string, double>& weights,
                                 const std::string& description) {
  const auto& name = m_ctx.config.function.name;
  clients::UpdateAliasRequest req;
  req.function_name = name;
  req.name = m_target.alias;
  req.function_version = version;
  req.description = description;
  req.revision_id = m_alias->revision_id;
  if (!weights.empty() || !m_alias->additional_version_weights.empty()) req.additional_version_weights = weights;
  auto updated = m_ctx.lambda.update_alias(req);
  if (updated) {
    m_alias = std::move(*updated);
    return {};
  }
  if (updated.error().kind != ErrorKind::precondition) return fail(updated.error());
  // Either another writer moved the alias, or our own write landed and only its answer was lost.
  auto now = m_ctx.lambda.get_alias(name, m_target.alias);
  if (now && now->function_version == version && now->description == description &&
      same_weights(now->additional_version_weights, weights)) {
    m_alias = std::move(*now);
    return {};
  }
  std::string state = now ? "it is now on " + routing_text(*now) : "it could not be read back";
  return step_failed(m_target.alias + " was moved by someone else meanwhile (its RevisionId changed; " + state +
                         "): another promote or rollback is moving it. This run stopped and left " + m_target.alias +
                         " as the other left it",
                     ErrorKind::precondition);
}

std::optional<GateTrip> TrafficShift::check_gates(bool traffic_moved) {
  if (auto trip = m_gates.check_alarms()) return trip;
  if (!traffic_moved || !m_gates.error_rate_enabled()) return std::nullopt;
  const auto since = system_clock::time_point(seconds(m_record ? m_record->started : now_seconds()));
  auto trip = m_gates.check_error_rate(since);
  m_report.last_reading = m_gates.last_reading();
  if (!trip && m_report.last_reading) {
    const auto& r = *m_report.last_reading;
    emit("check", m_target.alias + ": version " + m_target.to_version + " failed " + format_percent(r.rate()) + " of " +
                      std::to_string(static_cast<long long>(r.requests())) + " requests so far" +
                      (r.requests() < m_policy.gates.min_invocations
                           ? " (judged from " + std::to_string(m_policy.gates.min_invocations) + ")"
                           : ""));
  }
  return trip;
}

Result<TrafficShift::Phase> TrafficShift::preflight() {
  if (m_report.resumed) {
    emit("resume", "resuming: " + describe_shift(m_target.alias, *m_record, m_percent) + " (" +
                       m_policy.plan.strategy + ")");
    if (m_percent == 0) return Phase::step;
    const seconds since_step(std::max<int64_t>(0, now_seconds() - m_record->stepped));
    const auto left = std::max(seconds(0), m_policy.plan.interval - since_step);
    m_wait_until = m_ctx.clock.monotonic() + left;
    return Phase::wait;
  }
  if (auto trip = m_gates.check_alarms()) {
    m_report.trip = trip;
    return step_failed(trip->gate + " gate: " + trip->detail + ". Nothing moved: " + m_target.alias +
                       (m_alias ? " is still on version " + m_from : std::string(" was not created")));
  }
  return Phase::before_traffic;
}

Result<TrafficShift::Phase> TrafficShift::before_traffic() {
  if (auto trip = m_gates.run_hook(true)) {
    m_report.trip = trip;
    return step_failed(trip->gate + " failed: " + trip->detail + "\nNothing moved: " + m_target.alias +
                       (m_alias ? " is still on version " + m_from : std::string(" was not created")));
  }
  return Phase::step;
}

Result<TrafficShift::Phase> TrafficShift::step() {
  const auto& percents = m_policy.plan.percents;
  auto next = std::find_if(percents.begin(), percents.end(), [&](int w) { return w > m_percent; });
  if (next == percents.end()) return Phase::promote;
  if (auto trip = check_gates(m_percent > 0)) {
    m_report.trip = trip;
    return Phase::rollback;
  }
  const int64_t now = now_seconds();
  if (!m_record) m_record = ShiftRecord{m_target.to_version, m_target.to_build, now, now, m_run};
  m_record->stepped = now;
  m_record->run = m_run;
  const std::map<std::string, double> weights{{m_target.to_version, *next / 100.0}};
  if (auto w = write(m_from, weights, history_description(m_record)); !w) return fail(w.error());
  m_percent = *next;
  m_report.percents.push_back(*next);
  emit("step", m_target.alias + ": " + std::to_string(m_percent) + "% to version " + m_target.to_version + ", " +
                   std::to_string(100 - m_percent) + "% on version " + m_from + " (step " +
                   std::to_string(step_number()) + " of " + std::to_string(percents.size() + 1) + ", " +
                   m_policy.plan.strategy + "); next step in " + format_duration(m_policy.plan.interval));
  m_wait_until = m_ctx.clock.monotonic() + m_policy.plan.interval;
  return Phase::wait;
}

Result<TrafficShift::Phase> TrafficShift::wait() {
  for (;;) {
    const auto now = m_ctx.clock.monotonic();
    if (now >= m_wait_until) return Phase::step;
    const auto left = std::chrono::duration_cast<milliseconds>(m_wait_until - now);
    m_ctx.clock.sleep_for(std::min(left, m_options.check_interval));
    // The end of a wait is checked as "before the next step".
    if (m_ctx.clock.monotonic() >= m_wait_until) return Phase::step;
    if (auto trip = check_gates(true)) {
      m_report.trip = trip;
      return Phase::rollback;
    }
  }
}

Result<TrafficShift::Phase> TrafficShift::promote() {
  const bool moved = m_percent > 0;
  if (auto trip = check_gates(moved)) {
    m_report.trip = trip;
    if (moved) return Phase::rollback;
    return step_failed(trip->gate + " gate: " + trip->detail + ". Nothing moved: " + m_target.alias +
                       (m_alias ? " is still on version " + m_from : std::string(" was not created")));
  }
  AliasHistory after = history_after_promote(m_history, m_from, m_target.to_build);
  const std::string description = format_alias_description(after);
  if (!m_alias) {
    clients::CreateAliasRequest req{m_ctx.config.function.name, m_target.alias, m_target.to_version, description};
    auto created = m_ctx.lambda.create_alias(req);
    if (!created) {
      if (created.error().kind == ErrorKind::conflict) {
        auto now = m_ctx.lambda.get_alias(m_ctx.config.function.name, m_target.alias);
        if (!(now && now->function_version == m_target.to_version && now->description == description)) {
          return step_failed("alias " + m_target.alias + " was created by someone else meanwhile; left untouched. "
                             "Run again to move it from its new target");
        }
        m_alias = std::move(*now);
      } else {
        return fail(created.error());
      }
    } else {
      m_alias = std::move(*created);
    }
  } else if (auto w = write(m_target.to_version, {}, description); !w) {
    return fail(w.error());
  }
  m_promoted = true;
  m_percent = 100;
  m_report.percents.push_back(100);
  // All at once, the move itself is the whole story (promote says it); a shift reports its last step.
  if (!m_policy.plan.percents.empty()) {
    emit("step", m_target.alias + ": 100% on version " + m_target.to_version + " (step " +
                     std::to_string(step_number()) + " of " + std::to_string(m_policy.plan.percents.size() + 1) +
                     ", " + m_policy.plan.strategy + "), no routing");
  }
  return Phase::after_traffic;
}

Result<TrafficShift::Phase> TrafficShift::after_traffic() {
  if (auto trip = m_gates.run_hook(false)) {
    m_report.trip = trip;
    return Phase::rollback;
  }
  m_report.completed = true;
  if (!m_policy.plan.percents.empty() && m_gates.error_rate_enabled()) {
    const double seen = m_report.last_reading ? m_report.last_reading->requests() : 0;
    if (seen < m_policy.gates.min_invocations) {
      m_ctx.observer.warning("the error-rate gate never judged version " + m_target.to_version + ": " +
                             std::to_string(static_cast<long long>(seen)) + " of the " +
                             std::to_string(m_policy.gates.min_invocations) +
                             " requests it needs (min_invocations) arrived through " + m_target.alias);
    }
  }
  if (!m_policy.plan.percents.empty()) {
    emit("done", m_target.alias + ": shift to version " + m_target.to_version + " complete (was on version " + m_from +
                     ")");
  }
  return Phase::done;
}

Result<TrafficShift::Phase> TrafficShift::rollback() {
  const GateTrip trip = *m_report.trip;
  const std::string what = trip.gate == "before_traffic" || trip.gate == "after_traffic"
                               ? trip.gate + " failed: " + trip.detail
                               : trip.gate + " gate tripped: " + trip.detail;
  const int was = m_percent;
  if (m_from.empty()) {
    auto deleted = m_ctx.lambda.delete_alias(m_ctx.config.function.name, m_target.alias);
    if (!deleted && deleted.error().kind != ErrorKind::not_found) {
      return step_failed(what + "\nRolling back FAILED: " + m_target.alias + " could not be deleted (" +
                         deleted.error().describe() + "); it did not exist before this promote");
    }
    m_percent = 0;
    m_report.rolled_back = true;
    emit("rollback", m_target.alias + ": deleted (it did not exist before this promote)");
    return step_failed(what + "\nRolled back: " + m_target.alias + " deleted (it did not exist before)");
  }
  if (auto w = write(m_from, {}, history_description(std::nullopt)); !w) {
    return step_failed(what + "\nRolling back FAILED: " + w.error().describe() + "\n" + m_target.alias +
                           " may still send " + std::to_string(was) + "% to version " + m_target.to_version +
                           ": run `lambda-cd rollback " + m_target.alias + "`",
                       w.error().kind);
  }
  m_percent = 0;
  m_report.rolled_back = true;
  emit("rollback", m_target.alias + ": rolled back to version " + m_from + ", no routing (version " +
                       m_target.to_version + " had " + std::to_string(was) + "%)");
  return step_failed(what + "\nRolled back: " + m_target.alias + " on version " + m_from + " with no routing");
}

Result<ShiftReport> TrafficShift::run() {
  Phase phase = Phase::preflight;
  while (phase != Phase::done) {
    Result<Phase> next = Phase::done;
    switch (phase) {
      case Phase::preflight: next = preflight(); break;
      case Phase::before_traffic: next = before_traffic(); break;
      case Phase::step: next = step(); break;
      case Phase::wait: next = wait(); break;
      case Phase::promote: next = promote(); break;
      case Phase::after_traffic: next = after_traffic(); break;
      case Phase::rollback: next = rollback(); break;
      case Phase::done: break;
    }
    if (!next) return fail(next.error());
    phase = *next;
  }
  return m_report;
}

Result<std::string> undo_shift(StepContext& ctx, const clients::AliasConfiguration& alias, bool dry_run) {
  AliasHistory history = parse_alias_description(alias.description);
  if (!history.shift) return step_failed("alias " + alias.name + " has no shift in progress");
  const int percent = percent_of(alias, history.shift->to_version);
  const std::string text = describe_shift(alias.name, *history.shift, percent);
  ctx.observer.message((dry_run ? "would undo the " : "undoing the ") + text + ": " + alias.name + " back to version " +
                       alias.function_version + " with no routing");
  if (dry_run) return alias.function_version;
  history.shift.reset();
  clients::UpdateAliasRequest req;
  req.function_name = ctx.config.function.name;
  req.name = alias.name;
  req.function_version = alias.function_version;
  req.description = format_alias_description(history);
  req.revision_id = alias.revision_id;
  req.additional_version_weights = std::map<std::string, double>{};
  auto updated = ctx.lambda.update_alias(req);
  if (!updated) {
    if (updated.error().kind == ErrorKind::precondition) {
      auto now = ctx.lambda.get_alias(ctx.config.function.name, alias.name);
      if (now && now->function_version == alias.function_version && now->description == *req.description &&
          now->additional_version_weights.empty()) {
        return alias.function_version;
      }
      return step_failed("alias " + alias.name + " was moved by someone else meanwhile (RevisionId changed); left "
                         "untouched. Look at `lambda-cd status` and run rollback again if needed",
                         ErrorKind::precondition);
    }
    return fail(updated.error());
  }
  return alias.function_version;
}

}  // namespace lcd::pipeline
