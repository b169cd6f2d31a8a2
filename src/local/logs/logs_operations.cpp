// Log groups, streams, retention and PutLogEvents (aws-api-notes-2 §15.3).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "local/logs/logs_errors.hpp"
#include "local/logs/logs_service.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::logs {
namespace {

using nlohmann::json;

constexpr int64_t k_max_batch_bytes = 1048576;
constexpr int64_t k_event_overhead = 26;
constexpr int64_t k_max_event_bytes = 1048550;
constexpr int64_t k_day_ms = 86400000LL;

const std::set<int64_t> k_retention_days = {1,   3,   5,   7,   14,  30,   60,   90,   120,  150,  180,
                                            365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};

bool valid_group_name(const std::string& name) {
  if (name.empty() || name.size() > 512) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '/' || c == '#';
  });
}

bool valid_stream_name(const std::string& name) {
  return !name.empty() && name.size() <= 512 && name.find(':') == std::string::npos && name.find('*') == std::string::npos;
}

std::string group_arn(const GroupInfo& g) { return "arn:aws:logs:" + g.region + ":" + g.account + ":log-group:" + g.name; }

std::string encode_offset(int64_t offset) { return base64_encode("lcd-logs1:o:" + std::to_string(offset)); }

std::optional<int64_t> decode_offset(const std::string& token) {
  auto text = base64_decode(token);
  if (!text || !starts_with(*text, "lcd-logs1:o:")) return std::nullopt;
  std::string digits = text->substr(12);
  if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return std::nullopt;
  return std::stoll(digits);
}

std::string enum_message(const std::string& value, const std::string& member, const std::string& allowed) {
  return "1 validation error detected: Value '" + value + "' at '" + member +
         "' failed to satisfy constraint: Member must satisfy enum value set: [" + allowed + "]";
}

}  // namespace

LogsService::OpResult LogsService::create_log_group(const RpcInput& in, const RequestContext& context) {
  std::string name = in.string("logGroupName");
  if (!valid_group_name(name)) {
    return api_fail(invalid_parameter("1 validation error detected: Value '" + name +
                                      "' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular "
                                      "expression pattern: [\\.\\-_/#A-Za-z0-9]+"));
  }
  if (starts_with(name, "aws/")) return api_fail(invalid_parameter("Log group names starting with aws/ are reserved."));
  auto created = m_store->create_group(context.region, context.account_id, name, to_epoch_ms(m_clock.now()));
  if (!created) {
    if (created.error().kind == ErrorKind::conflict) return api_fail(already_exists(created.error().message));
    return api_fail(service_unavailable(created.error().message));
  }
  if (in.has("retentionInDays")) {
    auto days = in.integer("retentionInDays");
    if (!days || !k_retention_days.count(*days)) return api_fail(invalid_parameter("Invalid retentionInDays."));
    if (auto set = m_store->set_retention(created->id, static_cast<int>(*days)); !set) {
      return api_fail(service_unavailable(set.error().message));
    }
  }
  return json::object();
}

LogsService::OpResult LogsService::describe_log_groups(const RpcInput& in, const RequestContext& context) {
  std::string prefix = in.string("logGroupNamePrefix");
  std::string pattern = in.string("logGroupNamePattern");
  if (!prefix.empty() && !pattern.empty()) {
    return api_fail(invalid_parameter("LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters."));
  }
  int64_t limit = in.integer("limit").value_or(50);
  if (limit < 1 || limit > 50) {
    return api_fail(invalid_parameter("1 validation error detected: Value '" + std::to_string(limit) +
                                      "' at 'limit' failed to satisfy constraint: Member must have value less than or "
                                      "equal to 50"));
  }
  std::string after;
  if (in.has("nextToken")) {
    auto text = base64_decode(in.string("nextToken"));
    if (!text || !starts_with(*text, "lcd-logs1:g:")) return api_fail(invalid_parameter("The specified nextToken is invalid."));
    after = text->substr(12);
  }
  if (auto flushed = m_ingest->flush(); !flushed) return api_fail(service_unavailable(flushed.error().message));
  json groups = json::array();
  std::string last;
  bool more = false;
  std::string lower_pattern = to_lower(pattern);
  // A pattern filters in memory: read pages of names until a page is full.
  while (true) {
    auto page = m_store->groups(context.region, context.account_id, prefix, after, 200);
    if (!page) return api_fail(service_unavailable(page.error().message));
    for (const auto& g : *page) {
      after = g.name;
      if (!pattern.empty() && to_lower(g.name).find(lower_pattern) == std::string::npos) continue;
      if (static_cast<int64_t>(groups.size()) == limit) {
        more = true;
        break;
      }
      json item = {{"logGroupName", g.name},
                   {"creationTime", g.created_ms},
                   {"metricFilterCount", 0},
                   {"arn", group_arn(g) + ":*"},
                   {"logGroupArn", group_arn(g)},
                   {"storedBytes", g.stored_bytes},
                   {"logGroupClass", "STANDARD"}};
      if (g.retention_days) item["retentionInDays"] = *g.retention_days;
      groups.push_back(item);
      last = g.name;
    }
    if (more || page->size() < 200) break;
  }
  json out = {{"logGroups", groups}};
  if (more) out["nextToken"] = base64_encode("lcd-logs1:g:" + last);
  return out;
}

LogsService::OpResult LogsService::delete_log_group(const RpcInput& in, const RequestContext& context) {
  if (!in.has("logGroupName")) return api_fail(invalid_parameter("logGroupName is required."));
  auto group = require_group(in, context);
  if (!group) return api_fail(group.error());
  auto deleted = m_store->delete_group(group->id);
  if (!deleted) return api_fail(service_unavailable(deleted.error().message));
  if (!*deleted) return api_fail(group_not_found());
  return json::object();
}

LogsService::OpResult LogsService::put_retention_policy(const RpcInput& in, const RequestContext& context) {
  auto days = in.integer("retentionInDays");
  if (!days) return api_fail(invalid_parameter("retentionInDays is required."));
  if (!k_retention_days.count(*days)) {
    return api_fail(invalid_parameter(enum_message(std::to_string(*days), "retentionInDays",
                                                   "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, "
                                                   "1827, 2192, 2557, 2922, 3288, 3653")));
  }
  auto group = require_group(in, context);
  if (!group) return api_fail(group.error());
  if (auto set = m_store->set_retention(group->id, static_cast<int>(*days)); !set) {
    return api_fail(service_unavailable(set.error().message));
  }
  return json::object();
}

LogsService::OpResult LogsService::delete_retention_policy(const RpcInput& in, const RequestContext& context) {
  auto group = require_group(in, context);
  if (!group) return api_fail(group.error());
  if (auto set = m_store->set_retention(group->id, std::nullopt); !set) return api_fail(service_unavailable(set.error().message));
  return json::object();
}

LogsService::OpResult LogsService::create_log_stream(const RpcInput& in, const RequestContext& context) {
  std::string name = in.string("logStreamName");
  if (!valid_stream_name(name)) {
    return api_fail(invalid_parameter("1 validation error detected: Value '" + name +
                                      "' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular "
                                      "expression pattern: [^:*]*"));
  }
  auto group = require_group(in, context);
  if (!group) return api_fail(group.error());
  auto created = m_store->create_stream(group->id, name, to_epoch_ms(m_clock.now()));
  if (!created) {
    if (created.error().kind == ErrorKind::conflict) return api_fail(already_exists(created.error().message));
    return api_fail(service_unavailable(created.error().message));
  }
  return json::object();
}

LogsService::OpResult LogsService::delete_log_stream(const RpcInput& in, const RequestContext& context) {
  auto group = require_group(in, context);
  if (!group) return api_fail(group.error());
  auto deleted = m_store->delete_stream(group->id, in.string("logStreamName"));
  if (!deleted) return api_fail(service_unavailable(deleted.error().message));
  if (!*deleted) return api_fail(stream_not_found());
  return json::object();
}

LogsService::OpResult LogsService::describe_log_streams(const RpcInput& in, const RequestContext& context) {
  std::string prefix = in.string("logStreamNamePrefix");
  std::string order = in.string("orderBy", "LogStreamName");
  if (order != "LogStreamName" && order != "LastEventTime") {
    return api_fail(invalid_parameter(enum_message(order, "orderBy", "LogStreamName, LastEventTime")));
  }
  if (order == "LastEventTime" && !prefix.empty()) {
    return api_fail(invalid_parameter("Cannot order by LastEventTime with a logStreamNamePrefix."));
  }
  bool descending = in.boolean("descending").value_or(false);
  int64_t limit = in.integer("limit").value_or(50);
  if (limit < 1 || limit > 50) return api_fail(invalid_parameter("limit must be between 1 and 50."));
  int64_t offset = 0;
  if (in.has("nextToken")) {
    auto decoded = decode_offset(in.string("nextToken"));
    if (!decoded) return api_fail(invalid_parameter("The specified nextToken is invalid."));
    offset = *decoded;
  }
  auto group = require_group(in, context);
  if (!group) return api_fail(group.error());
  auto streams = m_store->streams(group->id);
  if (!streams) return api_fail(service_unavailable(streams.error().message));
  std::vector<StreamInfo> matching;
  for (auto& s : *streams) {
    if (starts_with(s.name, prefix)) matching.push_back(std::move(s));
  }
  if (order == "LastEventTime") {
    std::stable_sort(matching.begin(), matching.end(), [](const StreamInfo& a, const StreamInfo& b) {
      return a.last_event_ms.value_or(0) < b.last_event_ms.value_or(0);
    });
  }
  if (descending) std::reverse(matching.begin(), matching.end());
  json out_streams = json::array();
  size_t from = std::min(matching.size(), static_cast<size_t>(offset));
  size_t to = std::min(matching.size(), from + static_cast<size_t>(limit));
  for (size_t i = from; i < to; ++i) {
    const auto& s = matching[i];
    json item = {{"logStreamName", s.name},
                 {"creationTime", s.created_ms},
                 {"arn", group_arn(*group) + ":log-stream:" + s.name},
                 {"storedBytes", 0}};
    if (s.first_event_ms) item["firstEventTimestamp"] = *s.first_event_ms;
    if (s.last_event_ms) item["lastEventTimestamp"] = *s.last_event_ms;
    if (s.last_ingestion_ms) item["lastIngestionTime"] = *s.last_ingestion_ms;
    out_streams.push_back(item);
  }
  json out = {{"logStreams", out_streams}};
  if (to < matching.size()) out["nextToken"] = encode_offset(static_cast<int64_t>(to));
  return out;
}

LogsService::OpResult LogsService::put_log_events(const RpcInput& in, const RequestContext& context) {
  std::string stream_name = in.string("logStreamName");
  if (stream_name.empty()) return api_fail(invalid_parameter("logStreamName is required."));
  auto items = in.list("logEvents");
  if (items.empty() || items.size() > 10000) {
    return api_fail(invalid_parameter("logEvents must contain between 1 and 10000 events."));
  }
  std::vector<LogEvent> events;
  int64_t batch_bytes = 0;
  for (const auto& item : items) {
    auto ts = item.integer("timestamp");
    if (!ts) return api_fail(invalid_parameter("Each log event needs a timestamp (milliseconds since the epoch)."));
    std::string message = item.string("message");
    if (message.empty()) return api_fail(invalid_parameter("Log event messages must not be empty."));
    if (static_cast<int64_t>(message.size()) > k_max_event_bytes) {
      return api_fail(invalid_parameter("Log event too large: " + std::to_string(message.size()) + " bytes exceeds the limit of " +
                                        std::to_string(k_max_event_bytes) + " bytes."));
    }
    batch_bytes += static_cast<int64_t>(message.size()) + k_event_overhead;
    events.push_back(LogEvent{*ts, std::move(message)});
  }
  if (batch_bytes > k_max_batch_bytes) {
    return api_fail(invalid_parameter("Upload too large: " + std::to_string(batch_bytes) + " bytes exceeds limit of " +
                                      std::to_string(k_max_batch_bytes)));
  }
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].timestamp_ms < events[i - 1].timestamp_ms) {
      return api_fail(invalid_parameter("Log events in a single PutLogEvents request must be in chronological order."));
    }
  }
  if (events.back().timestamp_ms - events.front().timestamp_ms > k_day_ms) {
    return api_fail(invalid_parameter("The batch of log events in a single PutLogEvents request cannot span more than 24 hours."));
  }
  auto group = require_group(in, context);
  if (!group) return api_fail(group.error());
  int64_t now_ms = to_epoch_ms(m_clock.now());
  int64_t too_old_before = now_ms - 14 * k_day_ms;
  int64_t expired_before = group->retention_days ? now_ms - *group->retention_days * k_day_ms : too_old_before;
  int64_t too_new_after = now_ms + 2 * 3600 * 1000LL;
  json rejected = json::object();
  std::vector<LogEvent> accepted;
  for (size_t i = 0; i < events.size(); ++i) {
    int64_t ts = events[i].timestamp_ms;
    int index = static_cast<int>(i);
    if (ts < too_old_before) {
      rejected["tooOldLogEventEndIndex"] = index + 1;
    } else if (ts < expired_before) {
      rejected["expiredLogEventEndIndex"] = index + 1;
    } else if (ts > too_new_after) {
      if (!rejected.contains("tooNewLogEventStartIndex")) rejected["tooNewLogEventStartIndex"] = index;
    } else {
      accepted.push_back(std::move(events[i]));
    }
  }
  AppendBatch batch{context.region, context.account_id, group->name, stream_name, std::move(accepted), false};
  if (auto appended = m_store->append({batch}, now_ms); !appended) {
    if (appended.error().kind == ErrorKind::not_found) return api_fail(stream_not_found());
    return api_fail(service_unavailable(appended.error().message));
  }
  json out = {{"nextSequenceToken", random_hex(28)}};
  if (!rejected.empty()) out["rejectedLogEventsInfo"] = rejected;
  return out;
}

}  // namespace lcd::local::logs
