#include "clients/logs_client.hpp"

#include <nlohmann/json.hpp>

namespace lcd::clients {
namespace {

using nlohmann::json;

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::optional<int64_t> millis(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  if (it->is_number_float()) return static_cast<int64_t>(it->get<double>());
  return it->get<int64_t>();
}

Result<json> parse_object(std::string_view body, const char* operation) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorKind::server, std::string("malformed ") + operation + " response: not a JSON object");
  }
  return j;
}

std::vector<LogEvent> events_from(const json& j) {
  std::vector<LogEvent> out;
  auto it = j.find("events");
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& e : *it) {
    if (!e.is_object()) continue;
    LogEvent ev;
    ev.log_stream_name = str(e, "logStreamName");
    ev.timestamp = millis(e, "timestamp").value_or(0);
    ev.message = str(e, "message");
    ev.ingestion_time = millis(e, "ingestionTime").value_or(0);
    ev.event_id = str(e, "eventId");
    out.push_back(std::move(ev));
  }
  return out;
}

}  // namespace

std::string lambda_log_group(const std::string& function_name) { return "/aws/lambda/" + function_name; }

std::string build_filter_log_events_body(const FilterLogEventsRequest& r) {
  json j{{"logGroupName", r.log_group_name}};
  if (!r.log_stream_names.empty()) j["logStreamNames"] = r.log_stream_names;
  if (!r.log_stream_name_prefix.empty()) j["logStreamNamePrefix"] = r.log_stream_name_prefix;
  if (r.start_time) j["startTime"] = *r.start_time;
  if (r.end_time) j["endTime"] = *r.end_time;
  if (!r.filter_pattern.empty()) j["filterPattern"] = r.filter_pattern;
  if (!r.next_token.empty()) j["nextToken"] = r.next_token;
  if (r.limit) j["limit"] = *r.limit;
  return j.dump();
}

std::string build_get_log_events_body(const GetLogEventsRequest& r) {
  json j{{"logGroupName", r.log_group_name}, {"logStreamName", r.log_stream_name},
         {"startFromHead", r.start_from_head}};
  if (r.start_time) j["startTime"] = *r.start_time;
  if (r.end_time) j["endTime"] = *r.end_time;
  if (!r.next_token.empty()) j["nextToken"] = r.next_token;
  if (r.limit) j["limit"] = *r.limit;
  return j.dump();
}

std::string build_describe_log_streams_body(const DescribeLogStreamsRequest& r) {
  json j{{"logGroupName", r.log_group_name}};
  if (!r.log_stream_name_prefix.empty()) j["logStreamNamePrefix"] = r.log_stream_name_prefix;
  if (r.order_by_last_event_time) j["orderBy"] = "LastEventTime";
  if (r.descending) j["descending"] = true;
  if (!r.next_token.empty()) j["nextToken"] = r.next_token;
  if (r.limit) j["limit"] = *r.limit;
  return j.dump();
}

Result<FilterLogEventsPage> parse_filter_log_events(std::string_view body) {
  auto j = parse_object(body, "FilterLogEvents");
  if (!j) return fail(j.error());
  return FilterLogEventsPage{events_from(*j), str(*j, "nextToken")};
}

Result<GetLogEventsPage> parse_get_log_events(std::string_view body) {
  auto j = parse_object(body, "GetLogEvents");
  if (!j) return fail(j.error());
  return GetLogEventsPage{events_from(*j), str(*j, "nextForwardToken"), str(*j, "nextBackwardToken")};
}

Result<LogStreamsPage> parse_describe_log_streams(std::string_view body) {
  auto j = parse_object(body, "DescribeLogStreams");
  if (!j) return fail(j.error());
  LogStreamsPage page;
  if (auto it = j->find("logStreams"); it != j->end() && it->is_array()) {
    for (const auto& s : *it) {
      if (!s.is_object()) continue;
      LogStream ls;
      ls.name = str(s, "logStreamName");
      ls.creation_time = millis(s, "creationTime").value_or(0);
      ls.first_event_timestamp = millis(s, "firstEventTimestamp");
      ls.last_event_timestamp = millis(s, "lastEventTimestamp");
      ls.last_ingestion_time = millis(s, "lastIngestionTime");
      page.streams.push_back(std::move(ls));
    }
  }
  page.next_token = str(*j, "nextToken");
  return page;
}

Result<std::string> LogsClient::send(const std::string& operation, const std::string& body) {
  aws::ServiceRequest r;
  r.service = "logs";
  // JSON 1.1 errors ({"__type": ..., "message": ...}) read the same way as REST-JSON ones.
  r.protocol = aws::Protocol::rest_json;
  r.method = "POST";
  r.path = "/";
  r.operation = operation;
  r.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  r.headers.emplace_back("X-Amz-Target", std::string(k_logs_target_prefix) + "." + operation);
  r.body = body;
  auto response = m_caller.call(r);
  if (!response) return fail(response.error());
  return std::move(response->body);
}

Result<FilterLogEventsPage> LogsClient::filter_log_events(const FilterLogEventsRequest& request) {
  auto body = send("FilterLogEvents", build_filter_log_events_body(request));
  if (!body) return fail(body.error());
  return parse_filter_log_events(*body);
}

Result<GetLogEventsPage> LogsClient::get_log_events(const GetLogEventsRequest& request) {
  auto body = send("GetLogEvents", build_get_log_events_body(request));
  if (!body) return fail(body.error());
  return parse_get_log_events(*body);
}

Result<LogStreamsPage> LogsClient::describe_log_streams(const DescribeLogStreamsRequest& request) {
  auto body = send("DescribeLogStreams", build_describe_log_streams_body(request));
  if (!body) return fail(body.error());
  return parse_describe_log_streams(*body);
}

}  // namespace lcd::clients
