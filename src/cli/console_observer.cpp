#include "cli/console_observer.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "util/strings.hpp"

namespace lcd::cli {

std::string format_duration(std::chrono::milliseconds d) {
  char buf[32];
  if (d.count() < 1000) {
    std::snprintf(buf, sizeof buf, "%lld ms", static_cast<long long>(d.count()));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(d.count()) / 1000.0);
  }
  return buf;
}

ConsoleObserver::ConsoleObserver(OutputFormat format, int verbosity, std::FILE* out, std::FILE* err)
    : m_format(format), m_verbosity(verbosity), m_out(out), m_err(err), m_terminal(out && isatty(fileno(out)) == 1) {
  winsize size{};
  if (m_terminal && ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) m_columns = size.ws_col;
}

void ConsoleObserver::end_progress_line() {
  if (!m_progress_open) return;
  std::fputc('\n', m_out);
  m_progress_open = false;
}

void ConsoleObserver::progress(std::string_view task, uint64_t done, uint64_t total, std::string_view detail) {
  const bool finished = done >= total;
  if (m_format == OutputFormat::json) {
    if (finished) event("progress", "", std::string(task) + ": done, " + std::string(detail));
    return;
  }
  if (m_verbosity < 0) return;
  if (!m_terminal) {
    // A log gets the outcome, not a line per part.
    if (finished) {
      std::fprintf(m_out, "    %.*s: done, %.*s\n", static_cast<int>(task.size()), task.data(),
                   static_cast<int>(detail.size()), detail.data());
      std::fflush(m_out);
    }
    return;
  }
  constexpr int k_width = 20;
  const int filled = total == 0 ? k_width : static_cast<int>(done * k_width / total);
  const int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(k_width - filled), '.');
  char tail[64];
  std::snprintf(tail, sizeof tail, " [%s] %3d%%", bar.c_str(), percent);
  std::string line = "    " + std::string(task) + tail + "  " + std::string(detail);
  // One column short of the width: a full last column makes some terminals wrap early.
  const size_t room = m_columns > 1 ? static_cast<size_t>(m_columns - 1) : 1;
  if (line.size() > room) {
    // Cut the task (its full name was printed before the transfer began), keep bar and detail.
    const size_t fixed = 4 + std::strlen(tail) + 2 + detail.size();
    const size_t keep = room > fixed + 3 ? room - fixed - 3 : 0;
    line = "    " + std::string(task.substr(0, std::min(keep, task.size()))) + "..." + tail + "  " +
           std::string(detail);
    if (line.size() > room) line.resize(room);
  }
  // \r back to the start, \033[K clears what a longer earlier line left behind.
  std::fprintf(m_out, "\r%s\033[K", line.c_str());
  m_progress_open = true;
  if (finished) end_progress_line();
  std::fflush(m_out);
}

void ConsoleObserver::event(const char* kind, std::string_view step, std::string_view text, long long ms,
                            const char* status) {
  nlohmann::json j{{"event", kind}};
  if (!step.empty()) j["step"] = step;
  if (!text.empty()) j["text"] = text;
  if (ms >= 0) j["duration_ms"] = ms;
  if (status) j["status"] = status;
  std::fprintf(m_err, "%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  std::fflush(m_err);
}

void ConsoleObserver::step_started(std::string_view step) {
  end_progress_line();
  m_captured.erase(std::string(step));
  if (m_format == OutputFormat::json) return event("step_started", step, "");
  std::fprintf(m_out, "==> %.*s\n", static_cast<int>(step.size()), step.data());
  std::fflush(m_out);
}

void ConsoleObserver::step_finished(std::string_view step, pipeline::StepStatus status,
                                    std::chrono::milliseconds duration, std::string_view summary) {
  end_progress_line();
  if (m_format == OutputFormat::json) {
    return event("step_finished", step, summary, duration.count(), pipeline::to_string(status));
  }
  if (status == pipeline::StepStatus::failed && m_verbosity <= 0) {
    // Output was not streamed: show its tail now, where the failure is explained.
    if (auto it = m_captured.find(step); it != m_captured.end() && !it->second.empty()) {
      auto lines = split(it->second, '\n');
      if (!lines.empty() && lines.back().empty()) lines.pop_back();
      size_t from = lines.size() > 40 ? lines.size() - 40 : 0;
      if (from > 0) std::fprintf(m_out, "    | ... (%zu earlier lines)\n", from);
      for (size_t i = from; i < lines.size(); ++i) std::fprintf(m_out, "    | %s\n", lines[i].c_str());
    }
  }
  const char* mark = status == pipeline::StepStatus::ok ? "ok" : status == pipeline::StepStatus::failed ? "FAILED" : "skipped";
  std::fprintf(m_out, "    %s %.*s in %s: %.*s\n", mark, static_cast<int>(step.size()), step.data(),
               format_duration(duration).c_str(), static_cast<int>(summary.size()), summary.data());
  std::fflush(m_out);
}

void ConsoleObserver::message(std::string_view text) {
  end_progress_line();
  if (m_format == OutputFormat::json) return event("message", "", text);
  if (m_verbosity < 0) return;
  std::fprintf(m_out, "    %.*s\n", static_cast<int>(text.size()), text.data());
  std::fflush(m_out);
}

void ConsoleObserver::warning(std::string_view text) {
  end_progress_line();
  if (m_format == OutputFormat::json) return event("warning", "", text);
  std::fprintf(m_err, "lambda-cd: warning: %.*s\n", static_cast<int>(text.size()), text.data());
  std::fflush(m_err);
}

void ConsoleObserver::command_output(std::string_view step, std::string_view chunk) {
  auto& buf = m_captured[std::string(step)];
  buf.append(chunk);
  if (buf.size() > 256 * 1024) buf.erase(0, buf.size() - 128 * 1024);
  if (m_verbosity > 0 && m_format == OutputFormat::text) {
    end_progress_line();
    std::fwrite(chunk.data(), 1, chunk.size(), m_out);
    std::fflush(m_out);
  }
}

void ConsoleObserver::traffic(const pipeline::TrafficEvent& e) {
  end_progress_line();
  if (m_format == OutputFormat::json) {
    nlohmann::json j{{"event", "traffic"},     {"phase", e.phase},   {"alias", e.alias},
                     {"from_version", e.from_version}, {"to_version", e.to_version}, {"percent", e.percent},
                     {"step", e.step},         {"steps", e.steps},   {"text", e.text}};
    std::fprintf(m_err, "%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fflush(m_err);
    return;
  }
  if (m_verbosity < 0 || (e.phase == "check" && m_verbosity < 1)) return;
  std::fprintf(m_out, "    %s\n", e.text.c_str());
  std::fflush(m_out);
}

void ConsoleObserver::line(std::string_view text) {
  end_progress_line();
  if (m_format == OutputFormat::json) return event("message", "", text);
  std::fprintf(m_out, "%.*s\n", static_cast<int>(text.size()), text.data());
  std::fflush(m_out);
}

}  // namespace lcd::cli
