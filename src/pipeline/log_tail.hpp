#pragma once
// `logs`: a function's CloudWatch Logs (/aws/lambda/<function>, every version's streams), from a
// point in time, optionally filtered (CloudWatch filter pattern) and limited to some versions'
// streams ("YYYY/MM/DD/[<version>]<id>"), and followed the way `aws logs tail --follow` does: each
// poll starts at the newest timestamp seen (startTime is inclusive) and skips the event ids
// already printed at that timestamp.

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "clients/logs_client.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace lcd::pipeline {

struct LogQuery {
  std::string log_group;  // clients::lambda_log_group(function)
  std::chrono::system_clock::time_point since;
  std::string filter_pattern;
  std::vector<std::string> versions;  // empty: every stream; else "3", "$LATEST", ...
};

// The version in a Lambda log stream name ("2026/11/26/[3]abc..." -> "3"); empty if none.
std::string stream_version(const std::string& stream_name);

class LogTail {
 public:
  LogTail(clients::LogsClient& logs, LogQuery query) : m_logs(logs), m_query(std::move(query)) {}
  // Every event not returned before, oldest first, following nextToken to the end.
  Result<std::vector<clients::LogEvent>> poll();

  static constexpr int k_max_pages_per_poll = 1000;

 private:
  clients::LogsClient& m_logs;
  LogQuery m_query;
  int64_t m_from_ms = -1;           // start of the next poll (inclusive); -1: query.since
  std::set<std::string> m_seen_at;  // event ids already returned at m_from_ms
};

// Polls until `stop()` says so, handing each batch of new events to `on_events`, sleeping `every`
// on `clock` between polls. The first failed poll ends it with that error.
Result<void> follow_logs(LogTail& tail, Clock& clock, std::chrono::milliseconds every,
                         const std::function<void(const std::vector<clients::LogEvent>&)>& on_events,
                         const std::function<bool()>& stop);

}  // namespace lcd::pipeline
