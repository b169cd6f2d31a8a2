#pragma once
// Progress reporting from the pipeline to whoever renders it (console text, JSON lines, tests).
// The library never prints; it tells the observer.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace lcd::pipeline {

enum class StepStatus { ok, failed, skipped };

// A traffic shift's progress (traffic_shift.hpp): a step moved the alias's weights, the gates were
// checked, the shift finished, resumed or rolled back.
struct TrafficEvent {
  std::string phase;  // "step", "check", "resume", "done", "rollback"
  std::string alias;
  std::string from_version;
  std::string to_version;
  int percent = 0;    // the share of the alias's traffic on to_version after this event
  int step = 0;       // 1-based; steps counts the final switch
  int steps = 0;
  std::string text;   // the line a terminal shows
};
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
  // A long transfer advancing: `done` of `total` bytes of `task` (e.g. "uploading s3://b/k"),
  // `detail` saying where it is ("part 3/7"). Called repeatedly with growing `done`, and once with
  // done == total when it completes. Renderers decide how much of it to show.
  virtual void progress(std::string_view /*task*/, uint64_t /*done*/, uint64_t /*total*/,
                        std::string_view /*detail*/) {}
  virtual void traffic(const TrafficEvent& event) {
    if (event.phase != "check") message(event.text);
  }
};

class NullObserver final : public Observer {
 public:
  void step_started(std::string_view) override {}
  void step_finished(std::string_view, StepStatus, std::chrono::milliseconds, std::string_view) override {}
  void message(std::string_view) override {}
  void warning(std::string_view) override {}
};

}  // namespace lcd::pipeline
