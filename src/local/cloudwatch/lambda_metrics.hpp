#pragma once
// The AWS/Lambda metrics one invocation emits (aws-api-notes-2 §14.3): Invocations, Errors (0/1),
// Duration and ConcurrentExecutions for a run, Throttles for a rejected request, with the dimension
// sets AWS uses:
//   {}  and  {FunctionName}                                    every invocation
//   {FunctionName, Resource=fn:N}                              invoked as version N
//   {FunctionName, Resource=fn:A}, {…, ExecutedVersion=N}      invoked through alias A (ran N)
// ConcurrentExecutions is not given the ExecutedVersion set. An explicit `$LATEST` qualifier counts
// as unqualified (whether AWS has a Resource=fn:$LATEST series is unconfirmed). Pure.

#include <cstdint>
#include <string>
#include <vector>

#include "local/cloudwatch/metric_sample.hpp"

namespace lcd::local::cloudwatch {

struct LambdaInvocation {
  std::string region;
  std::string account;
  std::string function_name;
  std::string qualifier;         // as invoked: "", "$LATEST", "3" or an alias name
  std::string executed_version;  // "$LATEST" or "3"
  int64_t start_ms = 0;
  double duration_ms = 0;
  bool function_error = false;
  bool throttled = false;
  int concurrent_executions = 0;         // the function's invocations in flight (this one included)
  int account_concurrent_executions = 0;  // the same over the account and region
};

std::vector<MetricSample> lambda_metric_samples(const LambdaInvocation& invocation);

}  // namespace lcd::local::cloudwatch
