#include "local/logs/lambda_log_events.hpp"

#include <algorithm>

#include "local/protocol/rpc_input.hpp"

namespace lcd::local::logs {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool is_platform_line(std::string_view line) {
  return starts_with(line, "START RequestId: ") || starts_with(line, "END RequestId: ") ||
         starts_with(line, "REPORT RequestId: ") || starts_with(line, "INIT_START ") || starts_with(line, "INIT_REPORT ");
}

// The time of a console line "2026-11-26T12:00:00.123Z\t…", or -1.
int64_t console_time(std::string_view line) {
  size_t tab = line.find('\t');
  if (tab < 20 || tab > 35) return -1;
  auto ms = parse_iso8601_ms(std::string(line.substr(0, tab)));
  return ms ? *ms : -1;
}

}  // namespace

std::string lambda_log_group(const std::string& function_name) { return "/aws/lambda/" + function_name; }

std::vector<LogEvent> lambda_log_events(std::string_view log, int64_t start_ms, int64_t end_ms) {
  std::vector<LogEvent> out;
  bool started = false;
  bool continuing = false;  // the last event is a console line that may go on
  int64_t latest = start_ms;
  size_t pos = 0;
  while (pos < log.size()) {
    size_t nl = log.find('\n', pos);
    std::string_view line = log.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? log.size() : nl + 1;
    if (is_platform_line(line)) {
      bool start = starts_with(line, "START ");
      if (start) started = true;
      int64_t at = start || !started ? start_ms : std::max(latest, end_ms);
      if (!start && started) latest = at;
      out.push_back(LogEvent{at, std::string(line) + "\n"});
      continuing = false;
      continue;
    }
    int64_t at = console_time(line);
    if (at < 0 && continuing && !out.empty()) {
      std::string& message = out.back().message;
      if (message.size() < k_max_lambda_event_bytes) message += std::string(line) + "\n";
      continue;
    }
    continuing = at >= 0;
    if (at < 0) at = started ? latest : start_ms;
    if (started) {
      at = std::max(at, start_ms);
      latest = std::max(latest, at);
    }
    out.push_back(LogEvent{at, std::string(line) + "\n"});
  }
  for (auto& e : out) {
    if (e.message.size() > k_max_lambda_event_bytes) e.message.resize(k_max_lambda_event_bytes);
  }
  return out;
}

}  // namespace lcd::local::logs
