#include "util/clock.hpp"

#include <ctime>
#include <thread>

namespace lcd {

std::chrono::system_clock::time_point SystemClock::now() const { return std::chrono::system_clock::now(); }
std::chrono::steady_clock::time_point SystemClock::monotonic() const { return std::chrono::steady_clock::now(); }
void SystemClock::sleep_for(std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); }

Clock& system_clock() {
  static SystemClock clock;
  return clock;
}

int64_t to_epoch_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

namespace {

std::tm to_utc(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return tm;
}

std::string strftime_utc(std::chrono::system_clock::time_point t, const char* format) {
  std::tm tm = to_utc(t);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

int millis_part(std::chrono::system_clock::time_point t) {
  return static_cast<int>(to_epoch_ms(t) % 1000 + 1000) % 1000;
}

std::string three_digits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03d", v);
  return buf;
}

}  // namespace

std::string format_amz_date(std::chrono::system_clock::time_point t) { return strftime_utc(t, "%Y%m%dT%H%M%SZ"); }

std::string format_lambda_time(std::chrono::system_clock::time_point t) {
  return strftime_utc(t, "%Y-%m-%dT%H:%M:%S.") + three_digits(millis_part(t)) + "+0000";
}

std::string format_iso8601_ms(std::chrono::system_clock::time_point t) {
  return strftime_utc(t, "%Y-%m-%dT%H:%M:%S.") + three_digits(millis_part(t)) + "Z";
}

std::string format_http_date(std::chrono::system_clock::time_point t) {
  return strftime_utc(t, "%a, %d %b %Y %H:%M:%S GMT");
}

bool parse_http_date(const std::string& text, std::chrono::system_clock::time_point& out) {
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end && *end == '\0') {
      auto t = from_utc_tm(tm);
      if (!t) return false;
      out = *t;
      return true;
    }
  }
  return false;
}

bool parse_amz_date(const std::string& text, std::chrono::system_clock::time_point& out) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y%m%dT%H%M%SZ", &tm);
  if (!end || *end != '\0') {
    tm = {};
    end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end != '\0') return false;
  }
  auto t = from_utc_tm(tm);
  if (!t) return false;
  out = *t;
  return true;
}

std::optional<std::chrono::system_clock::time_point> from_utc_tm(std::tm tm) {
  constexpr std::time_t k_first = -8'520'336'000;  // 1700-01-01T00:00:00Z
  constexpr std::time_t k_end = 8'867'491'200;     // 2251-01-01T00:00:00Z
  // The range is checked on the year before timegm (whose int arithmetic could overflow on its own)
  // and on its result (it normalises out-of-range days and months).
  if (tm.tm_year < 1700 - 1900 || tm.tm_year > 2250 - 1900) return std::nullopt;
  std::time_t t = timegm(&tm);
  if (t < k_first || t >= k_end) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

}  // namespace lcd
