#pragma once
// What the engine tells the rest of the endpoint about each invocation it handles (design.md,
// "Growing it"): CloudWatch metrics and Logs are fed from here, but the engine knows nothing of
// those services; lcd_local wires an observer that does. Calls come on the invoking thread before
// the Invoke is answered, so an observer must only queue.

#include <chrono>
#include <string_view>

#include "local/runtime/invoke_engine.hpp"

namespace lcd::local::runtime {

struct InvocationRecord {
  const InvokeRequest& request;  // the function snapshot (name, version run, region, account) and invoked ARN
  std::string_view request_id;
  std::chrono::system_clock::time_point started;
  bool ran = true;         // false: rejected before any code ran (throttled, environment not startable)
  bool throttled = false;  // rejected with 429: no environment free
  bool function_error = false;
  double duration_ms = 0;
  std::string_view log_stream;  // the environment's stream, YYYY/MM/DD/[version]<32 hex>; "" if it never ran
  std::string_view log;         // the invocation's framed output, START … REPORT; "" if it never ran
};

class InvocationObserver {
 public:
  virtual ~InvocationObserver() = default;
  // Before the engine looks for an environment for `request`; followed by exactly one finished()
  // for the same request on the same thread.
  virtual void started(const InvokeRequest& request) = 0;
  virtual void finished(const InvocationRecord& record) = 0;
};

}  // namespace lcd::local::runtime
