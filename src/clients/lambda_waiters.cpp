#include "clients/lambda_waiters.hpp"

#include <algorithm>

namespace lcd::clients {
namespace {

enum class Verdict { done, failed, again };

Result<FunctionConfiguration> poll(LambdaClient& lambda, Clock& clock, const std::string& name,
                                   const WaitPolicy& policy, const char* what,
                                   const std::function<Verdict(const FunctionConfiguration&)>& judge,
                                   const std::function<std::string(const FunctionConfiguration&)>& why) {
  const auto deadline = clock.monotonic() + policy.timeout;
  auto delay = policy.first_delay;
  std::string last_seen;
  for (;;) {
    auto config = lambda.get_function_configuration(name);
    if (!config) return fail(config.error());
    switch (judge(*config)) {
      case Verdict::done: return config;
      case Verdict::failed: {
        Error e{ErrorKind::invalid, std::string(what) + " failed for " + name + ": " + why(*config)};
        return fail(std::move(e));
      }
      case Verdict::again: break;
    }
    last_seen = why(*config);
    if (clock.monotonic() + delay > deadline) {
      return fail(ErrorKind::timeout, std::string("timed out waiting for ") + what + " on " + name +
                                          " (last seen: " + last_seen + ")");
    }
    clock.sleep_for(delay);
    delay = std::min(delay * 2, policy.max_delay);
  }
}

std::string state_text(const FunctionConfiguration& c) {
  std::string s = "State=" + (c.state.empty() ? std::string("(none)") : c.state);
  if (!c.state_reason_code.empty()) s += " " + c.state_reason_code;
  if (!c.state_reason.empty()) s += ": " + c.state_reason;
  return s;
}

std::string update_text(const FunctionConfiguration& c) {
  std::string s = "LastUpdateStatus=" + (c.last_update_status.empty() ? std::string("(none)") : c.last_update_status);
  if (!c.last_update_status_reason_code.empty()) s += " " + c.last_update_status_reason_code;
  if (!c.last_update_status_reason.empty()) s += ": " + c.last_update_status_reason;
  return s;
}

}  // namespace

Result<FunctionConfiguration> wait_function_active(LambdaClient& lambda, Clock& clock, const std::string& name,
                                                   const WaitPolicy& policy) {
  return poll(
      lambda, clock, name, policy, "function to become Active",
      [](const FunctionConfiguration& c) {
        if (c.state == "Active") return Verdict::done;
        if (c.state == "Failed") return Verdict::failed;
        return Verdict::again;
      },
      state_text);
}

Result<FunctionConfiguration> wait_function_updated(LambdaClient& lambda, Clock& clock, const std::string& name,
                                                    const WaitPolicy& policy) {
  return poll(
      lambda, clock, name, policy, "function update",
      [](const FunctionConfiguration& c) {
        if (c.last_update_status == "Successful" || c.last_update_status.empty()) return Verdict::done;
        if (c.last_update_status == "Failed") return Verdict::failed;
        return Verdict::again;
      },
      update_text);
}

}  // namespace lcd::clients
