#pragma once
// Waiting for Lambda's asynchronous state changes (aws-api-notes §4): after CreateFunction until
// State=Active, after every update until LastUpdateStatus=Successful. Failed is fatal; running out
// of time is a timeout error. Polls with backoff through a Clock so tests run on fake time.

#include <chrono>
#include <functional>
#include <string>

#include "clients/lambda_client.hpp"
#include "util/clock.hpp"

namespace lcd::clients {

struct WaitPolicy {
  std::chrono::milliseconds first_delay{100};  // doubles each poll up to max_delay
  std::chrono::milliseconds max_delay{1000};
  std::chrono::milliseconds timeout{std::chrono::minutes(5)};
};

// Polls GetFunctionConfiguration until State is Active. Pending (or absent) keeps polling.
Result<FunctionConfiguration> wait_function_active(LambdaClient& lambda, Clock& clock,
                                                   const std::string& function_name,
                                                   const WaitPolicy& policy = {});
// Polls GetFunctionConfiguration until LastUpdateStatus is Successful (absent counts as done:
// an emulator that never reports it has no asynchronous updates).
Result<FunctionConfiguration> wait_function_updated(LambdaClient& lambda, Clock& clock,
                                                    const std::string& function_name,
                                                    const WaitPolicy& policy = {});

struct ConflictRetry {
  int max_attempts = 6;  // attempts of the mutating call, the first one included
  WaitPolicy wait;
};

// Runs `operation`; while it fails with 409 "update in progress" (or state Pending), waits for the
// function to settle and runs it again, at most retry.max_attempts times in all.
template <class T>
Result<T> retry_on_update_conflict(LambdaClient& lambda, Clock& clock, const std::string& function_name,
                                   const std::function<Result<T>()>& operation, const ConflictRetry& retry = {}) {
  for (int attempt = 1;; ++attempt) {
    Result<T> result = operation();
    if (result || !is_update_in_progress(result.error()) || attempt >= retry.max_attempts) return result;
    auto settled = wait_function_updated(lambda, clock, function_name, retry.wait);
    if (!settled) return fail(settled.error());
    if (settled->state == "Pending") {
      auto active = wait_function_active(lambda, clock, function_name, retry.wait);
      if (!active) return fail(active.error());
    }
  }
}

}  // namespace lcd::clients
