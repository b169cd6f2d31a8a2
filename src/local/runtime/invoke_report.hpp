#pragma once
// Pure functions turning an environment's InvocationOutcome into what Lambda answers: the
// Invoke payload (result or AWS-shaped error JSON) and the framed log (START / END / REPORT).

#include <chrono>
#include <string>

#include "local/runtime/environment.hpp"

namespace lcd::local::runtime {

struct ReportInput {
  std::string request_id;
  std::string version;
  int memory_mb = 128;
  int timeout_s = 3;
  std::chrono::system_clock::time_point finished_at;  // when the invocation ended
};

struct InvokeReport {
  std::string payload;
  std::string function_error;  // "" or "Unhandled"
  std::string log;             // the whole framed log of this invocation
};

InvokeReport build_report(const ReportInput& in, const InvocationOutcome& outcome);

// "Response payload size exceeded maximum allowed payload size (6291556 bytes)." error body.
std::string response_too_large_error();
// The last `max_bytes` of `log`.
std::string log_tail(const std::string& log, size_t max_bytes = 4096);
// "Root=1-<8 hex epoch s>-<24 hex>;Parent=<16 hex>;Sampled=0"
std::string make_trace_id(std::chrono::system_clock::time_point now);
// "YYYY/MM/DD/[<version>]<32 hex>"
std::string make_log_stream_name(std::chrono::system_clock::time_point now, const std::string& version);

}  // namespace lcd::local::runtime
