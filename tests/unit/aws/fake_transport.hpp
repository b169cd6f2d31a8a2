#pragma once
// Test seams for the request layer: a Transport answering from a script and a manual clock.

#include <chrono>
#include <deque>
#include <vector>

#include "aws/transport.hpp"
#include "util/clock.hpp"

namespace lcd::aws::test {

class FakeTransport : public Transport {
 public:
  Result<HttpResponse> send(const HttpRequest& request) override {
    requests.push_back(request);
    if (replies.empty()) return fail(ErrorKind::internal, "FakeTransport: no scripted reply");
    Result<HttpResponse> reply = replies.front();
    replies.pop_front();
    return reply;
  }
  void reply(int status, std::string body = "", HeaderList headers = {}) {
    replies.push_back(HttpResponse{status, std::move(headers), std::move(body)});
  }
  void reply_error(ErrorKind kind, std::string message) { replies.push_back(fail(kind, std::move(message))); }

  std::deque<Result<HttpResponse>> replies;
  std::vector<HttpRequest> requests;
};

class FakeClock : public Clock {
 public:
  // 2026-11-26T12:00:00Z
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1795694400)) + m_elapsed;
  }
  std::chrono::steady_clock::time_point monotonic() const override {
    return std::chrono::steady_clock::time_point(m_elapsed);
  }
  void sleep_for(std::chrono::milliseconds d) override {
    m_elapsed += d;
    sleeps.push_back(d);
  }
  std::vector<std::chrono::milliseconds> sleeps;

 private:
  std::chrono::milliseconds m_elapsed{0};
};

}  // namespace lcd::aws::test
