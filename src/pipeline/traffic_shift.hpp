#pragma once
// A traffic shift: moves an alias from its version O to version N by the plan's weights
// (RoutingConfig AdditionalVersionWeights {N: w}, O primary), waiting the plan's interval after
// each, then makes N primary with no routing. A small state machine on the context's clock:
//
//   preflight -> before_traffic -> step -> wait -> step -> ... -> promote -> after_traffic -> done
//                       (any tripped gate, once traffic moved) -> rollback
//
// Gates (traffic_shift_gates.hpp) are checked before every step and every check_interval during a
// wait; alarms before anything moves. The first trip puts the alias back on O with no routing and
// its history as it was. Every UpdateAlias carries the RevisionId of the alias as this run last
// wrote it, so two shifts of one alias never interleave: the loser stops and says so. The shift's
// state travels in the alias Description (alias_history.hpp), so a killed run can be resumed by
// `promote` with the same target or undone by `rollback`.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "clients/lambda_types.hpp"
#include "pipeline/alias_history.hpp"
#include "pipeline/step_context.hpp"
#include "pipeline/traffic_shift_gates.hpp"
#include "pipeline/traffic_shift_plan.hpp"

namespace lcd::pipeline {

struct ShiftTarget {
  std::string alias;
  std::string to_version;
  std::string to_build;        // empty when unknown
  std::string to_version_arn;  // handed to the hooks
};

struct ShiftReport {
  std::string strategy;
  std::string mirrors;  // the CodeDeploy configuration it equals, if any
  std::string from_version;
  bool resumed = false;
  std::vector<int> percents;  // weights this run set on the new version, in order; 100 = made primary
  bool completed = false;     // the new version is primary with no routing
  bool rolled_back = false;
  std::optional<GateTrip> trip;
  std::optional<ErrorRateReading> last_reading;  // the newest error-rate reading, if one was taken
};

struct ShiftOptions {
  std::chrono::milliseconds check_interval{5000};  // gate checks during a wait
};

class TrafficShift {
 public:
  // `current` is the alias as read (nullopt: it does not exist and is created).
  TrafficShift(StepContext& ctx, ReleasePolicy policy, ShiftTarget target,
               std::optional<clients::AliasConfiguration> current, ShiftOptions options = {});

  // The report when the new version ended primary. A tripped gate is an error after the rollback
  // (its message names the gate and its figures, and what the alias holds now); so is a lost race.
  Result<ShiftReport> run();
  const ShiftReport& report() const { return m_report; }

 private:
  enum class Phase { preflight, before_traffic, step, wait, promote, after_traffic, rollback, done };
  Result<Phase> preflight();
  Result<Phase> before_traffic();
  Result<Phase> step();
  Result<Phase> wait();
  Result<Phase> promote();
  Result<Phase> after_traffic();
  Result<Phase> rollback();

  std::optional<GateTrip> check_gates(bool traffic_moved);
  Result<void> write(const std::string& version, const std::map<std::string, double>& weights,
                     const std::string& description);
  std::string history_description(std::optional<ShiftRecord> shift) const;
  void emit(const std::string& phase, const std::string& text);
  int step_number() const;
  int64_t now_seconds() const;

  StepContext& m_ctx;
  ReleasePolicy m_policy;
  ShiftTarget m_target;
  std::optional<clients::AliasConfiguration> m_alias;  // as this run last saw or wrote it
  ShiftOptions m_options;
  ShiftGates m_gates;
  AliasHistory m_history;  // the history of the alias before the shift (its shift record dropped)
  std::optional<ShiftRecord> m_record;
  std::string m_from;      // O; empty when the alias is created
  int m_percent = 0;       // weight on the new version now
  std::chrono::steady_clock::time_point m_wait_until{};
  bool m_promoted = false;  // the new version is primary (after_traffic runs now)
  std::string m_run;
  ShiftReport m_report;
};

// `rollback ALIAS` while a shift is in progress: the alias back on its primary version with no
// routing and its history as before the shift. Returns the version it leaves the alias on.
Result<std::string> undo_shift(StepContext& ctx, const clients::AliasConfiguration& alias, bool dry_run);

// "shifting PROD 10% to version 5 (build 42), started 12:00:00" for status lines.
std::string describe_shift(const std::string& alias, const ShiftRecord& record, int percent);

}  // namespace lcd::pipeline
