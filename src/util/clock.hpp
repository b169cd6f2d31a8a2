#pragma once
// Time as an I/O seam: production code asks a Clock; tests pass a FakeClock.

#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

namespace lcd {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
  virtual std::chrono::steady_clock::time_point monotonic() const = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override;
  std::chrono::steady_clock::time_point monotonic() const override;
  void sleep_for(std::chrono::milliseconds duration) override;
};

// The process-wide real clock.
Clock& system_clock();

// Milliseconds since the Unix epoch.
int64_t to_epoch_ms(std::chrono::system_clock::time_point t);
// "20150830T123600Z" (SigV4 X-Amz-Date)
std::string format_amz_date(std::chrono::system_clock::time_point t);
// "2019-08-14T22:26:11.234+0000" (Lambda LastModified)
std::string format_lambda_time(std::chrono::system_clock::time_point t);
// "2026-11-26T12:00:00.000Z" (CloudFormation, S3 listings)
std::string format_iso8601_ms(std::chrono::system_clock::time_point t);
// "Thu, 26 Nov 2026 12:00:00 GMT" (HTTP dates)
std::string format_http_date(std::chrono::system_clock::time_point t);
// Parses an HTTP date (RFC 9110: IMF-fixdate "Thu, 26 Nov 2026 12:00:00 GMT", or the obsolete RFC 850
// and asctime forms); false on bad input.
bool parse_http_date(const std::string& text, std::chrono::system_clock::time_point& out);
// Parses "20150830T123600Z" or "2015-08-30T12:36:00Z"; false on bad input.
bool parse_amz_date(const std::string& text, std::chrono::system_clock::time_point& out);

// The instant a broken-down UTC time names (timegm), or nullopt when it lies outside the years
// 1700-2250: system_clock counts nanoseconds in 64 bits, so a date from outside (year 9999 in a
// header) would overflow. The margin leaves room for a zone offset or sub-second part added after.
std::optional<std::chrono::system_clock::time_point> from_utc_tm(std::tm tm);

}  // namespace lcd
