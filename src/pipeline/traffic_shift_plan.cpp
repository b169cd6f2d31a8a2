#include "pipeline/traffic_shift_plan.hpp"

#include <algorithm>
#include <charconv>
#include <regex>

#include "pipeline/step_context.hpp"
#include "util/duration.hpp"
#include "util/strings.hpp"

namespace lcd::pipeline {
namespace {

// The predefined CodeDeploy configurations for Lambda (aws-api-notes-2 §19.1).
bool predefined_canary(int percent, long minutes) {
  return percent == 10 && (minutes == 5 || minutes == 10 || minutes == 15 || minutes == 30);
}
bool predefined_linear(int percent, long minutes) {
  return percent == 10 && (minutes == 1 || minutes == 2 || minutes == 3 || minutes == 10);
}

std::string plural_minutes(long minutes) { return std::to_string(minutes) + (minutes == 1 ? "Minute" : "Minutes"); }

Result<int> parse_percent(std::string_view text, std::string_view strategy) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 99) {
    return config_error("strategy '" + std::string(strategy) + "': the percentage '" + std::string(text) +
                        "' must be a whole number from 1 to 99");
  }
  return value;
}

ShiftPlan canary(int percent, std::chrono::seconds wait) {
  ShiftPlan p;
  p.strategy = "canary:" + std::to_string(percent) + ":" + format_duration(wait);
  p.percents = {percent};
  p.interval = wait;
  if (wait.count() % 60 == 0 && predefined_canary(percent, wait.count() / 60)) {
    p.mirrors = "CodeDeployDefault.LambdaCanary" + std::to_string(percent) + "Percent" + plural_minutes(wait.count() / 60);
  }
  return p;
}

ShiftPlan linear(int percent, std::chrono::seconds every) {
  ShiftPlan p;
  p.strategy = "linear:" + std::to_string(percent) + ":" + format_duration(every);
  for (int w = percent; w < 100; w += percent) p.percents.push_back(w);
  p.interval = every;
  if (every.count() % 60 == 0 && predefined_linear(percent, every.count() / 60)) {
    p.mirrors = "CodeDeployDefault.LambdaLinear" + std::to_string(percent) + "PercentEvery" +
                plural_minutes(every.count() / 60);
  }
  return p;
}

ShiftPlan at_once() {
  ShiftPlan p;
  p.strategy = "all-at-once";
  p.mirrors = "CodeDeployDefault.LambdaAllAtOnce";
  return p;
}

tl::unexpected<Error> unknown_strategy(std::string_view text) {
  return config_error("unknown strategy '" + std::string(text) +
                      "': use all-at-once, canary:PCT:WAIT (e.g. canary:10:5m), linear:PCT:EVERY (e.g. "
                      "linear:20:30s) or a CodeDeploy name such as Canary10Percent5Minutes, "
                      "Linear10PercentEvery1Minute, AllAtOnce");
}

}  // namespace

std::string ShiftPlan::describe() const {
  if (percents.empty()) return "100% at once";
  const std::string wait = format_duration(interval);
  if (percents.size() == 1) return std::to_string(percents[0]) + "% for " + wait + ", then 100%";
  return std::to_string(percents.front()) + "% to " + std::to_string(percents.back()) + "% in steps of " +
         std::to_string(percents[0]) + "% every " + wait + ", then 100%";
}

Result<std::chrono::seconds> parse_interval(std::string_view text) {
  const bool has_unit = std::any_of(text.begin(), text.end(), [](char c) { return c < '0' || c > '9'; });
  auto d = parse_duration(text);
  if (!d || !has_unit || d->count() % 1000 != 0) {
    return config_error("'" + std::string(text) + "' is not a duration: use a number with a unit, e.g. 30s, 5m, 1h, 1m30s");
  }
  if (d->count() < 1000) return config_error("'" + std::string(text) + "': the duration must be at least 1s");
  return std::chrono::duration_cast<std::chrono::seconds>(*d);
}

Result<ShiftPlan> parse_strategy(std::string_view input) {
  const std::string text(trim(input));
  if (text.empty()) return config_error("the strategy is empty: use all-at-once, canary:PCT:WAIT or linear:PCT:EVERY");
  const std::string lower = to_lower(text);
  if (lower == "all-at-once" || lower == "allatonce" || lower == "lambdaallatonce" ||
      lower == "codedeploydefault.lambdaallatonce") {
    return at_once();
  }
  if (starts_with(lower, "canary:") || starts_with(lower, "linear:")) {
    auto parts = split(text, ':');
    if (parts.size() != 3) return unknown_strategy(text);
    auto percent = parse_percent(parts[1], text);
    if (!percent) return fail(percent.error());
    auto wait = parse_interval(parts[2]);
    if (!wait) {
      return config_error("strategy '" + text + "': " + wait.error().message);
    }
    return starts_with(lower, "canary:") ? canary(*percent, *wait) : linear(*percent, *wait);
  }
  static const std::regex k_canary(R"((?:CodeDeployDefault\.)?(?:Lambda)?Canary(\d{1,2})Percent(\d{1,4})Minutes?)");
  static const std::regex k_linear(R"((?:CodeDeployDefault\.)?(?:Lambda)?Linear(\d{1,2})PercentEvery(\d{1,4})Minutes?)");
  std::smatch m;
  if (std::regex_match(text, m, k_canary) || std::regex_match(text, m, k_linear)) {
    const bool is_canary = text.find("Canary") != std::string::npos;
    auto percent = parse_percent(m[1].str(), text);
    if (!percent) return fail(percent.error());
    const long minutes = std::stol(m[2].str());
    if (minutes < 1) return config_error("strategy '" + text + "': the interval must be at least 1 minute");
    const std::chrono::seconds interval(minutes * 60);
    return is_canary ? canary(*percent, interval) : linear(*percent, interval);
  }
  return unknown_strategy(text);
}

Result<ReleasePolicy> release_policy(const ReleaseConfig& config, const std::string& alias,
                                     const std::string& strategy_override) {
  ReleaseSettings merged = config.defaults;
  if (auto it = config.per_alias.find(alias); it != config.per_alias.end()) {
    const ReleaseSettings& own = it->second;
    if (own.strategy) merged.strategy = own.strategy;
    if (own.alarms) merged.alarms = own.alarms;
    if (own.max_error_rate) merged.max_error_rate = own.max_error_rate;
    if (own.min_invocations) merged.min_invocations = own.min_invocations;
    if (own.before_traffic) merged.before_traffic = own.before_traffic;
    if (own.after_traffic) merged.after_traffic = own.after_traffic;
  }
  ReleasePolicy policy;
  std::string strategy = !strategy_override.empty() ? strategy_override : merged.strategy.value_or("all-at-once");
  auto plan = parse_strategy(strategy);
  if (!plan) return fail(plan.error());
  policy.plan = std::move(*plan);
  if (merged.alarms) policy.gates.alarms = *merged.alarms;
  if (merged.max_error_rate) {
    if (*merged.max_error_rate < 0 || *merged.max_error_rate > 1) {
      return config_error("[release] max_error_rate is a fraction from 0 to 1 (0.05 means 5%), not " +
                          std::to_string(*merged.max_error_rate));
    }
    policy.gates.max_error_rate = *merged.max_error_rate;
  }
  if (merged.min_invocations) {
    if (*merged.min_invocations < 1) return config_error("[release] min_invocations must be at least 1");
    policy.gates.min_invocations = *merged.min_invocations;
  }
  if (merged.before_traffic) policy.gates.before_traffic = *merged.before_traffic;
  if (merged.after_traffic) policy.gates.after_traffic = *merged.after_traffic;
  return policy;
}

}  // namespace lcd::pipeline
