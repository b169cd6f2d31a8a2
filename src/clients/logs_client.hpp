#pragma once
// Typed CloudWatch Logs operations (service "logs", JSON 1.1, target prefix Logs_20140328) over
// aws::ServiceCaller (aws-api-notes-2 §15). Times are epoch milliseconds, as on the wire.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/service_caller.hpp"
#include "util/result.hpp"

namespace lcd::clients {

struct LogEvent {
  std::string log_stream_name;  // FilterLogEvents only
  int64_t timestamp = 0;
  std::string message;
  int64_t ingestion_time = 0;
  std::string event_id;  // FilterLogEvents only
};

struct FilterLogEventsRequest {
  std::string log_group_name;
  std::vector<std::string> log_stream_names;  // at most 100; empty: every stream
  std::string log_stream_name_prefix;         // not with log_stream_names
  std::optional<int64_t> start_time;          // inclusive
  std::optional<int64_t> end_time;
  std::string filter_pattern;
  std::string next_token;
  std::optional<int> limit;
};

struct FilterLogEventsPage {
  std::vector<LogEvent> events;
  std::string next_token;  // empty: no more pages
};

struct GetLogEventsRequest {
  std::string log_group_name;
  std::string log_stream_name;
  std::optional<int64_t> start_time;
  std::optional<int64_t> end_time;
  bool start_from_head = true;
  std::string next_token;
  std::optional<int> limit;
};

struct GetLogEventsPage {
  std::vector<LogEvent> events;
  std::string next_forward_token;  // the token that was sent, once the end is reached
  std::string next_backward_token;
};

struct LogStream {
  std::string name;
  int64_t creation_time = 0;
  std::optional<int64_t> first_event_timestamp;
  std::optional<int64_t> last_event_timestamp;
  std::optional<int64_t> last_ingestion_time;
};

struct DescribeLogStreamsRequest {
  std::string log_group_name;
  std::string log_stream_name_prefix;  // not with order_by_last_event_time
  bool order_by_last_event_time = false;
  bool descending = false;
  std::string next_token;
  std::optional<int> limit;  // at most 50
};

struct LogStreamsPage {
  std::vector<LogStream> streams;
  std::string next_token;
};

class LogsClient {
 public:
  explicit LogsClient(aws::ServiceCaller& caller) : m_caller(caller) {}

  Result<FilterLogEventsPage> filter_log_events(const FilterLogEventsRequest& request);
  Result<GetLogEventsPage> get_log_events(const GetLogEventsRequest& request);
  Result<LogStreamsPage> describe_log_streams(const DescribeLogStreamsRequest& request);

 private:
  Result<std::string> send(const std::string& operation, const std::string& body);
  aws::ServiceCaller& m_caller;
};

inline constexpr const char* k_logs_target_prefix = "Logs_20140328";

// The log group Lambda writes a function's output to (unless LoggingConfig names another).
std::string lambda_log_group(const std::string& function_name);

// Request and response bodies (pure).
std::string build_filter_log_events_body(const FilterLogEventsRequest& request);
std::string build_get_log_events_body(const GetLogEventsRequest& request);
std::string build_describe_log_streams_body(const DescribeLogStreamsRequest& request);
Result<FilterLogEventsPage> parse_filter_log_events(std::string_view body);
Result<GetLogEventsPage> parse_get_log_events(std::string_view body);
Result<LogStreamsPage> parse_describe_log_streams(std::string_view body);

}  // namespace lcd::clients
