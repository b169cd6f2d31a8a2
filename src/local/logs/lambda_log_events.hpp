#pragma once
// One invocation's framed output as the CloudWatch Logs events Lambda ships (aws-api-notes-2
// §15.2): each START / END / REPORT line and each line the function printed is an event whose
// message ends with "\n"; a console line (`<ISO time>\t<request id>\t<LEVEL>\t…`) keeps the lines
// that follow it until the next event starts, as a multi-line console.log stays one event.
// Timestamps: a console line's own time; START and what precedes it at the invocation's start;
// END, REPORT and untimed lines after START at the latest time seen (never before the start). An
// event longer than 256 KiB is cut there. Pure.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "local/logs/log_store.hpp"

namespace lcd::local::logs {

constexpr size_t k_max_lambda_event_bytes = 256 * 1024;

std::vector<LogEvent> lambda_log_events(std::string_view log, int64_t start_ms, int64_t end_ms);

// "/aws/lambda/<function>"
std::string lambda_log_group(const std::string& function_name);

}  // namespace lcd::local::logs
