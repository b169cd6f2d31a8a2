// GetLogEvents and FilterLogEvents (aws-api-notes-2 §15.3, §15.4): tokens name a position in the
// (timestamp, id) order, so they stay valid while events arrive, never repeat on a page that moved,
// and GetLogEvents hands back the token it was given at the end of the stream.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <limits>

#include "local/logs/filter_pattern.hpp"
#include "local/logs/logs_errors.hpp"
#include "local/logs/logs_service.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::logs {
namespace {

using nlohmann::json;

constexpr int64_t k_max_limit = 10000;
constexpr size_t k_max_response_bytes = 1048576;
constexpr int k_filter_chunk = 1000;
constexpr int64_t k_filter_scan_cap = 100000;  // rows examined per call before answering with a nextToken
constexpr int64_t k_no_start = std::numeric_limits<int64_t>::min() / 2;
constexpr int64_t k_no_end = std::numeric_limits<int64_t>::max() / 2;

// "f/" or "b/" + 56 digits, as AWS's tokens look: the position's timestamp (20 digits), id (20
// digits) and 16 zeros.
std::string position_token(char direction, const EventPosition& p) {
  return fmt::format("{}/{:020}{:020}0000000000000000", direction, std::max<int64_t>(0, p.timestamp_ms), p.id);
}

std::optional<std::pair<char, EventPosition>> parse_position_token(const std::string& token) {
  if (token.size() != 58 || (token[0] != 'f' && token[0] != 'b') || token[1] != '/') return std::nullopt;
  for (size_t i = 2; i < token.size(); ++i) {
    if (token[i] < '0' || token[i] > '9') return std::nullopt;
  }
  EventPosition p;
  p.timestamp_ms = std::stoll(token.substr(2, 20));
  p.id = std::stoll(token.substr(22, 20));
  return std::make_pair(token[0], p);
}

std::string event_id(const StoredEvent& e) {
  return fmt::format("{:020}{:020}0000000000000000", std::max<int64_t>(0, e.timestamp_ms), e.id);
}

std::string filter_token(const EventPosition& p) {
  return base64_encode("lcd-logs1:f:" + std::to_string(p.timestamp_ms) + ":" + std::to_string(p.id));
}

std::optional<EventPosition> parse_filter_token(const std::string& token) {
  auto text = base64_decode(token);
  if (!text || !starts_with(*text, "lcd-logs1:f:")) return std::nullopt;
  auto parts = split(text->substr(12), ':');
  if (parts.size() != 2) return std::nullopt;
  try {
    return EventPosition{std::stoll(parts[0]), std::stoll(parts[1])};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

LogsService::OpResult LogsService::get_log_events(const RpcInput& in, const RequestContext& context) {
  std::string stream_name = in.string("logStreamName");
  if (stream_name.empty()) return api_fail(invalid_parameter("logStreamName is required."));
  int64_t limit = in.integer("limit").value_or(k_max_limit);
  if (limit < 1 || limit > k_max_limit) return api_fail(invalid_parameter("limit must be between 1 and 10000."));
  int64_t start = in.integer("startTime").value_or(k_no_start);
  int64_t end = in.integer("endTime").value_or(k_no_end);
  bool from_head = in.boolean("startFromHead").value_or(false);
  std::optional<std::pair<char, EventPosition>> token;
  std::string given = in.string("nextToken");
  if (!given.empty()) {
    token = parse_position_token(given);
    if (!token) return api_fail(invalid_parameter("The specified nextToken is invalid."));
  }
  auto group = require_group(in, context);
  if (!group) return api_fail(group.error());
  auto stream = m_store->stream(group->id, stream_name);
  if (!stream) return api_fail(service_unavailable(stream.error().message));
  if (!*stream) return api_fail(stream_not_found());

  std::optional<EventPosition> after, before;
  if (token) {
    (token->first == 'f' ? after : before) = token->second;
  } else if (from_head) {
    after = EventPosition{k_no_start, 0};
  }  // else: the newest events (backward from the end)
  auto events = m_store->stream_events((*stream)->id, after, before, start, end, static_cast<int>(limit));
  if (!events) return api_fail(service_unavailable(events.error().message));
  // A page holds at most 1 MB: keep the oldest part going forward, the newest going backward.
  bool backward = !after.has_value();
  size_t bytes = 0;
  std::vector<StoredEvent>& list = *events;
  if (backward) std::reverse(list.begin(), list.end());
  size_t kept = 0;
  for (; kept < list.size(); ++kept) {
    bytes += list[kept].message.size() + 26;
    if (bytes > k_max_response_bytes && kept > 0) break;
  }
  list.resize(kept);
  if (backward) std::reverse(list.begin(), list.end());

  json out_events = json::array();
  for (const auto& e : list) {
    out_events.push_back({{"timestamp", e.timestamp_ms}, {"message", e.message}, {"ingestionTime", e.ingestion_ms}});
  }
  std::string forward, back;
  if (!list.empty()) {
    forward = position_token('f', {list.back().timestamp_ms, list.back().id});
    back = position_token('b', {list.front().timestamp_ms, list.front().id});
  } else if (token) {
    // The end of the stream in this direction: the same token again (clients stop on a repeat).
    forward = token->first == 'f' ? given : position_token('f', token->second);
    back = token->first == 'b' ? given : position_token('b', token->second);
  } else {
    forward = position_token('f', {0, 0});
    back = position_token('b', {0, 0});
  }
  return json{{"events", out_events}, {"nextForwardToken", forward}, {"nextBackwardToken", back}};
}

LogsService::OpResult LogsService::filter_log_events(const RpcInput& in, const RequestContext& context) {
  auto names = in.strings("logStreamNames");
  std::string prefix = in.string("logStreamNamePrefix");
  if (!names.empty() && !prefix.empty()) {
    return api_fail(invalid_parameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters."));
  }
  if (names.size() > 100) return api_fail(invalid_parameter("logStreamNames must contain at most 100 names."));
  int64_t limit = in.integer("limit").value_or(k_max_limit);
  if (limit < 1 || limit > k_max_limit) return api_fail(invalid_parameter("limit must be between 1 and 10000."));
  int64_t start = in.integer("startTime").value_or(k_no_start);
  int64_t end = in.integer("endTime").value_or(k_no_end);
  auto pattern = FilterPattern::parse(in.string("filterPattern"));
  if (!pattern) return api_fail(invalid_parameter("Invalid filter pattern: " + pattern.error()));
  std::optional<EventPosition> after;
  if (in.has("nextToken")) {
    after = parse_filter_token(in.string("nextToken"));
    if (!after) return api_fail(invalid_parameter("The specified nextToken is invalid."));
  }
  auto group = require_group(in, context);
  if (!group) return api_fail(group.error());

  std::vector<int64_t> stream_ids;
  if (!names.empty() || !prefix.empty()) {
    auto streams = m_store->streams(group->id);
    if (!streams) return api_fail(service_unavailable(streams.error().message));
    for (const auto& s : *streams) {
      bool wanted = names.empty() ? starts_with(s.name, prefix)
                                  : std::find(names.begin(), names.end(), s.name) != names.end();
      if (wanted) stream_ids.push_back(s.id);
    }
    if (stream_ids.empty()) return json{{"events", json::array()}, {"searchedLogStreams", json::array()}};
  }

  json out_events = json::array();
  size_t bytes = 0;
  int64_t scanned = 0;
  std::optional<EventPosition> resume;  // where the next page starts, when there may be more
  std::optional<EventPosition> cursor = after;
  while (true) {
    auto chunk = m_store->group_events(group->id, stream_ids, cursor, start, end, k_filter_chunk);
    if (!chunk) return api_fail(service_unavailable(chunk.error().message));
    bool full_page = false;
    for (const auto& e : *chunk) {
      cursor = EventPosition{e.timestamp_ms, e.id};
      ++scanned;
      if (!pattern->matches(e.message)) continue;
      out_events.push_back({{"logStreamName", e.stream},
                            {"timestamp", e.timestamp_ms},
                            {"message", e.message},
                            {"ingestionTime", e.ingestion_ms},
                            {"eventId", event_id(e)}});
      bytes += e.message.size() + e.stream.size() + 100;
      if (static_cast<int64_t>(out_events.size()) >= limit || bytes >= k_max_response_bytes) {
        full_page = true;
        break;
      }
    }
    if (full_page || (static_cast<int>(chunk->size()) == k_filter_chunk && scanned >= k_filter_scan_cap)) {
      resume = cursor;
      break;
    }
    if (static_cast<int>(chunk->size()) < k_filter_chunk) break;
  }
  json out = {{"events", out_events}, {"searchedLogStreams", json::array()}};
  if (resume) out["nextToken"] = filter_token(*resume);
  return out;
}

}  // namespace lcd::local::logs
