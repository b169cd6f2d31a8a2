#include "pipeline/log_tail.hpp"

#include <algorithm>

namespace lcd::pipeline {
namespace {

std::string event_key(const clients::LogEvent& e) {
  if (!e.event_id.empty()) return e.event_id;
  return e.log_stream_name + "\n" + std::to_string(e.ingestion_time) + "\n" + e.message;
}

}  // namespace

std::string stream_version(const std::string& stream_name) {
  auto open = stream_name.find('[');
  if (open == std::string::npos) return {};
  auto close = stream_name.find(']', open + 1);
  if (close == std::string::npos) return {};
  return stream_name.substr(open + 1, close - open - 1);
}

Result<std::vector<clients::LogEvent>> LogTail::poll() {
  const int64_t since_ms = to_epoch_ms(m_query.since);
  clients::FilterLogEventsRequest request;
  request.log_group_name = m_query.log_group;
  request.start_time = m_from_ms < 0 ? since_ms : m_from_ms;
  request.filter_pattern = m_query.filter_pattern;
  std::vector<clients::LogEvent> fresh;
  for (int page = 0;; ++page) {
    if (page == k_max_pages_per_poll) {
      return fail(ErrorKind::internal, "FilterLogEvents: more than " + std::to_string(k_max_pages_per_poll) + " pages");
    }
    auto got = m_logs.filter_log_events(request);
    if (!got) return fail(got.error());
    for (auto& e : got->events) fresh.push_back(std::move(e));
    if (got->next_token.empty()) break;
    if (got->next_token == request.next_token) return fail(ErrorKind::invalid, "FilterLogEvents: nextToken did not advance");
    request.next_token = got->next_token;
  }
  std::stable_sort(fresh.begin(), fresh.end(),
                   [](const clients::LogEvent& a, const clients::LogEvent& b) { return a.timestamp < b.timestamp; });
  std::vector<clients::LogEvent> out;
  int64_t newest = m_from_ms < 0 ? since_ms : m_from_ms;
  std::set<std::string> seen_at_newest = m_seen_at;
  for (auto& e : fresh) {
    const std::string key = event_key(e);
    if (e.timestamp == m_from_ms && m_seen_at.count(key)) continue;
    if (e.timestamp > newest) {
      newest = e.timestamp;
      seen_at_newest.clear();
    }
    if (e.timestamp == newest) seen_at_newest.insert(key);
    if (!m_query.versions.empty() &&
        std::find(m_query.versions.begin(), m_query.versions.end(), stream_version(e.log_stream_name)) ==
            m_query.versions.end()) {
      continue;
    }
    out.push_back(std::move(e));
  }
  m_from_ms = newest;
  m_seen_at = std::move(seen_at_newest);
  return out;
}

Result<void> follow_logs(LogTail& tail, Clock& clock, std::chrono::milliseconds every,
                         const std::function<void(const std::vector<clients::LogEvent>&)>& on_events,
                         const std::function<bool()>& stop) {
  while (!stop()) {
    auto events = tail.poll();
    if (!events) return fail(events.error());
    if (!events->empty()) on_events(*events);
    if (stop()) break;
    clock.sleep_for(every);
  }
  return {};
}

}  // namespace lcd::pipeline
