#pragma once
// Renders pipeline progress: readable lines with step timings (text), or one JSON object per
// event on stderr (json, so stdout carries only the command's final JSON document). Transfer
// progress is one line redrawn in place on a terminal; elsewhere (a pipe, a CI log, json) only
// its completion is reported.

#include <cstdio>
#include <map>
#include <string>

#include "cli/global_options.hpp"
#include "pipeline/observer.hpp"

namespace lcd::cli {

class ConsoleObserver final : public pipeline::Observer {
 public:
  ConsoleObserver(OutputFormat format, int verbosity, std::FILE* out = stdout, std::FILE* err = stderr);

  void step_started(std::string_view step) override;
  void step_finished(std::string_view step, pipeline::StepStatus status, std::chrono::milliseconds duration,
                     std::string_view summary) override;
  void message(std::string_view text) override;
  void warning(std::string_view text) override;
  void command_output(std::string_view step, std::string_view chunk) override;
  void progress(std::string_view task, uint64_t done, uint64_t total, std::string_view detail) override;
  // Text: a line per step, rollback and resume (gate checks at -v); json: a "traffic" event each.
  void traffic(const pipeline::TrafficEvent& event) override;
  // A plain line of command output (text mode: stdout; json mode: a "message" event on stderr).
  void line(std::string_view text);

  OutputFormat format() const { return m_format; }
  // Whether `out` is a terminal and how wide (detected at construction; tests set them). A
  // progress line is cut to fit, so that "\r" redraws it instead of leaving wrapped rows behind.
  void set_terminal(bool terminal, int columns = 80) {
    m_terminal = terminal;
    m_columns = columns;
  }

 private:
  void event(const char* kind, std::string_view step, std::string_view text, long long ms = -1,
             const char* status = nullptr);
  OutputFormat m_format;
  int m_verbosity;
  std::FILE* m_out;
  std::FILE* m_err;
  bool m_terminal = false;
  int m_columns = 80;
  bool m_progress_open = false;  // a progress line without its newline is on the terminal
  void end_progress_line();
  std::map<std::string, std::string, std::less<>> m_captured;  // per step, shown when the step fails
};

std::string format_duration(std::chrono::milliseconds d);

}  // namespace lcd::cli
