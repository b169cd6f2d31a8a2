#pragma once
// Progress reporting from the pipeline to whoever renders it (console text, JSON lines, tests).
// The library never prints; it tells the observer.

#include <chrono>
#include <string>
#include <string_view>

namespace lcd::pipeline {

enum class StepStatus { ok, failed, skipped };
const char* to_string(StepStatus status);

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void step_started(std::string_view step) = 0;
  virtual void step_finished(std::string_view step, StepStatus status, std::chrono::milliseconds duration,
                             std::string_view summary) = 0;
  virtual void message(std::string_view text) = 0;
  virtual void warning(std::string_view text) = 0;
  // Raw output of a user command (unit or integration tests) as it arrives.
  virtual void command_output(std::string_view /*step*/, std::string_view /*chunk*/) {}
};

class NullObserver final : public Observer {
 public:
  void step_started(std::string_view) override {}
  void step_finished(std::string_view, StepStatus, std::chrono::milliseconds, std::string_view) override {}
  void message(std::string_view) override {}
  void warning(std::string_view) override {}
};

}  // namespace lcd::pipeline
