#pragma once
// Test seams for the clients: a ServiceCaller answering from a handler and a manual clock.

#include <chrono>
#include <functional>
#include <vector>

#include "aws/service_caller.hpp"
#include "util/clock.hpp"

namespace lcd::test {

class ScriptedCaller : public aws::ServiceCaller {
 public:
  using Handler = std::function<Result<aws::ServiceResponse>(const aws::ServiceRequest&)>;
  explicit ScriptedCaller(Handler handler) : m_handler(std::move(handler)) {}
  Result<aws::ServiceResponse> call(const aws::ServiceRequest& request) override {
    requests.push_back(request);
    return m_handler(request);
  }
  std::vector<aws::ServiceRequest> requests;

 private:
  Handler m_handler;
};

inline aws::ServiceResponse ok(std::string body, int status = 200, aws::HeaderList headers = {}) {
  aws::ServiceResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

inline tl::unexpected<Error> aws_error(ErrorKind kind, int status, std::string code, std::string message) {
  Error e{kind, std::move(message)};
  e.code = std::move(code);
  e.http_status = status;
  return tl::unexpected<Error>(std::move(e));
}

class FakeClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(1'800'000'000'000) + m_elapsed);
  }
  std::chrono::steady_clock::time_point monotonic() const override {
    return std::chrono::steady_clock::time_point(m_elapsed);
  }
  void sleep_for(std::chrono::milliseconds d) override {
    m_elapsed += d;
    sleeps.push_back(d);
  }
  std::chrono::milliseconds elapsed() const { return m_elapsed; }
  std::vector<std::chrono::milliseconds> sleeps;

 private:
  std::chrono::milliseconds m_elapsed{0};
};

}  // namespace lcd::test
