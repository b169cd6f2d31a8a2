#include "local/runtime/invoke_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

#include "util/clock.hpp"
#include "util/crypto.hpp"

namespace lcd::local::runtime {
namespace {

using Status = InvocationOutcome::Status;
using nlohmann::json;

std::string error_json(const std::string& type, const std::string& message) {
  return json{{"errorType", type}, {"errorMessage", message}}.dump();
}

double millis(std::chrono::microseconds d) { return static_cast<double>(d.count()) / 1000.0; }

// The body posted to /error or /init/error when it is a JSON object; otherwise (empty, not JSON)
// Lambda builds the error from the Lambda-Runtime-Function-Error-Type header.
std::string runtime_error_payload(const InvocationOutcome& o) {
  auto parsed = json::parse(o.payload, nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object()) return o.payload;
  std::string type = o.error_type.empty() ? "Runtime.Unknown" : o.error_type;
  std::string message = o.payload.empty() ? "Unknown application error occurred" : o.payload;
  return error_json(type, message);
}

}  // namespace

std::string response_too_large_error() {
  return error_json("Function.ResponseSizeTooLarge",
                    "Response payload size exceeded maximum allowed payload size (6291556 bytes).");
}

InvokeReport build_report(const ReportInput& in, const InvocationOutcome& o) {
  InvokeReport r;
  std::string error_line;
  std::chrono::microseconds duration = o.duration;
  switch (o.status) {
    case Status::ok:
      r.payload = o.payload;
      break;
    case Status::function_error:
    case Status::init_failed:
      r.function_error = "Unhandled";
      r.payload = runtime_error_payload(o);
      break;
    case Status::response_too_large:
      r.function_error = "Unhandled";
      r.payload = response_too_large_error();
      break;
    case Status::timed_out: {
      // As AWS words it today (recorded 2025): the configured timeout, not the time measured.
      r.function_error = "Unhandled";
      std::string message = fmt::format("RequestId: {} Error: Task timed out after {:.2f} seconds", in.request_id,
                                        static_cast<double>(in.timeout_s));
      r.payload = json{{"errorType", "Sandbox.Timedout"}, {"errorMessage", message}}.dump();
      error_line = message + "\n";
      break;
    }
    case Status::exited: {
      r.function_error = "Unhandled";
      // A runtime that ends with status 0 gives no reason (recorded from AWS, 2025).
      std::string reason = o.exit_reason.empty() || o.exit_reason == "exit status 0"
                               ? "Runtime exited without providing a reason"
                               : "Runtime exited with error: " + o.exit_reason;
      std::string message = "RequestId: " + in.request_id + " Error: " + reason;
      r.payload = error_json("Runtime.ExitError", message);
      error_line = message + "\nRuntime.ExitError\n";
      break;
    }
  }

  double duration_ms = millis(duration);
  long billed = std::max<long>(1, static_cast<long>(std::ceil(duration_ms)));
  std::string& log = r.log;
  log += o.pre_output;
  log += fmt::format("START RequestId: {} Version: {}\n", in.request_id, in.version);
  log += o.output;
  if (!o.output.empty() && o.output.back() != '\n') log += '\n';
  log += error_line;
  log += fmt::format("END RequestId: {}\n", in.request_id);
  log += fmt::format("REPORT RequestId: {}\tDuration: {:.2f} ms\tBilled Duration: {} ms\tMemory Size: {} MB\tMax Memory Used: {} MB\t",
                     in.request_id, duration_ms, billed, in.memory_mb, (o.max_memory_kib + 1023) / 1024);
  if (o.init_duration) log += fmt::format("Init Duration: {:.2f} ms\t", millis(*o.init_duration));
  log += "\n";
  return r;
}

std::string log_tail(const std::string& log, size_t max_bytes) {
  if (log.size() <= max_bytes) return log;
  return log.substr(log.size() - max_bytes);
}

std::string make_trace_id(std::chrono::system_clock::time_point now) {
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return fmt::format("Root=1-{:08x}-{};Parent={};Sampled=0", static_cast<uint64_t>(secs), random_hex(12), random_hex(8));
}

std::string make_log_stream_name(std::chrono::system_clock::time_point now, const std::string& version) {
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}/{:02}/{:02}/[{}]{}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, version, random_hex(16));
}

}  // namespace lcd::local::runtime
