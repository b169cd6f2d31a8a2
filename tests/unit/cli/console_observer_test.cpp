#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/console_observer.hpp"

using namespace lcd;
using namespace lcd::cli;

namespace {

// Captures what the observer writes to its out and err streams.
struct Captured {
  std::FILE* out = std::tmpfile();
  std::FILE* err = std::tmpfile();
  ~Captured() {
    std::fclose(out);
    std::fclose(err);
  }
  static std::string read(std::FILE* f) {
    std::fflush(f);
    std::rewind(f);
    std::string s;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    return s;
  }
  std::string out_text() { return read(out); }
  std::string err_text() { return read(err); }
};

void upload(ConsoleObserver& o) {
  const uint64_t total = 3 * 8;
  for (uint64_t part = 0; part <= 3; ++part) {
    o.progress("uploading s3://b/k", part * 8, total, "part " + std::to_string(part) + "/3");
  }
}

size_t count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

TEST(ConsoleObserver, ProgressIsOneRedrawnLineOnATerminal) {
  Captured c;
  ConsoleObserver o(OutputFormat::text, 0, c.out, c.err);
  o.set_terminal(true, 200);
  upload(o);
  o.message("after");
  const std::string text = c.out_text();
  // Four redraws of the same line (carriage return, clear to end of line), one newline at the end.
  EXPECT_EQ(count(text, "\r    uploading s3://b/k ["), 4u) << text;
  EXPECT_EQ(count(text, "\033[K"), 4u);
  EXPECT_NE(text.find("[....................]   0%  part 0/3"), std::string::npos) << text;
  EXPECT_NE(text.find("[######..............]  33%  part 1/3"), std::string::npos) << text;
  EXPECT_NE(text.find("[####################] 100%  part 3/3\033[K\n    after\n"), std::string::npos) << text;
  EXPECT_EQ(count(text, "\n"), 2u);
  EXPECT_EQ(c.err_text(), "");
}

TEST(ConsoleObserver, ProgressLineFitsTheTerminalWidth) {
  // 80 columns hold the whole line for a package upload.
  Captured wide;
  ConsoleObserver o(OutputFormat::text, 0, wide.out, wide.err);
  o.set_terminal(true, 80);
  o.progress("uploading package", 8, 24, "part 1/3, 8.0 of 24.0 MiB");
  EXPECT_EQ(wide.out_text(), "\r    uploading package [######..............]  33%  part 1/3, 8.0 of 24.0 MiB\033[K");

  // Narrower: the task is cut first, then the end; never more than width - 1 columns.
  Captured narrow;
  ConsoleObserver n(OutputFormat::text, 0, narrow.out, narrow.err);
  n.set_terminal(true, 70);
  n.progress("uploading package", 8, 24, "part 1/3, 8.0 of 24.0 MiB");
  EXPECT_EQ(narrow.out_text(), "\r    uploadi... [######..............]  33%  part 1/3, 8.0 of 24.0 MiB\033[K");
  Captured tiny;
  ConsoleObserver t(OutputFormat::text, 0, tiny.out, tiny.err);
  t.set_terminal(true, 40);
  t.progress("uploading package", 8, 24, "part 1/3, 8.0 of 24.0 MiB");
  const std::string row = tiny.out_text();
  EXPECT_EQ(row.size(), 1 + 39 + 3u) << row;  // "\r", 39 columns, "\033[K"
}

TEST(ConsoleObserver, AnInterruptedProgressLineIsEndedBeforeOtherOutput) {
  Captured c;
  ConsoleObserver o(OutputFormat::text, 0, c.out, c.err);
  o.set_terminal(true);
  o.progress("uploading s3://b/k", 8, 24, "part 1/3");
  o.step_finished("deploy", pipeline::StepStatus::failed, std::chrono::milliseconds(5), "InternalError");
  const std::string text = c.out_text();
  EXPECT_NE(text.find("part 1/3\033[K\n    FAILED deploy in 5 ms: InternalError\n"), std::string::npos) << text;
}

TEST(ConsoleObserver, ProgressOffATerminalIsOnlyTheOutcome) {
  Captured c;
  ConsoleObserver o(OutputFormat::text, 0, c.out, c.err);
  o.set_terminal(false);
  upload(o);
  EXPECT_EQ(c.out_text(), "    uploading s3://b/k: done, part 3/3\n");
  EXPECT_EQ(c.err_text(), "");

  Captured quiet;
  ConsoleObserver q(OutputFormat::text, -1, quiet.out, quiet.err);
  q.set_terminal(true);
  upload(q);
  EXPECT_EQ(quiet.out_text(), "");
}

TEST(ConsoleObserver, ProgressInJsonModeIsOneEventAndStdoutStaysClean) {
  Captured c;
  ConsoleObserver o(OutputFormat::json, 0, c.out, c.err);
  o.set_terminal(true);
  upload(o);
  EXPECT_EQ(c.out_text(), "");
  const std::string err = c.err_text();
  ASSERT_EQ(count(err, "\n"), 1u) << err;
  auto event = nlohmann::json::parse(err);
  EXPECT_EQ(event["event"], "progress");
  EXPECT_EQ(event["text"], "uploading s3://b/k: done, part 3/3");
}

TEST(ConsoleObserver, TrafficStepsAreLinesAndJsonEvents) {
  pipeline::TrafficEvent step;
  step.phase = "step";
  step.alias = "PROD";
  step.from_version = "1";
  step.to_version = "2";
  step.percent = 20;
  step.step = 1;
  step.steps = 2;
  step.text = "PROD: 20% to version 2, 80% on version 1 (step 1 of 2, canary:20:10s); next step in 10s";
  pipeline::TrafficEvent check = step;
  check.phase = "check";
  check.text = "PROD: version 2 failed 0.0% of 12 requests so far";
  {
    Captured c;
    ConsoleObserver o(OutputFormat::text, 0, c.out, c.err);
    o.traffic(step);
    o.traffic(check);
    EXPECT_EQ(c.out_text(), "    " + step.text + "\n");  // checks only at -v
    EXPECT_EQ(c.err_text(), "");
  }
  {
    Captured c;
    ConsoleObserver o(OutputFormat::text, 1, c.out, c.err);
    o.traffic(check);
    EXPECT_EQ(c.out_text(), "    " + check.text + "\n");
  }
  {
    Captured c;
    ConsoleObserver o(OutputFormat::json, 0, c.out, c.err);
    o.traffic(step);
    o.traffic(check);
    EXPECT_EQ(c.out_text(), "");
    auto lines = c.err_text();
    ASSERT_EQ(count(lines, "\n"), 2u);
    auto first = nlohmann::json::parse(lines.substr(0, lines.find('\n')));
    EXPECT_EQ(first["event"], "traffic");
    EXPECT_EQ(first["phase"], "step");
    EXPECT_EQ(first["alias"], "PROD");
    EXPECT_EQ(first["to_version"], "2");
    EXPECT_EQ(first["percent"], 20);
    EXPECT_EQ(first["step"], 1);
    EXPECT_EQ(first["steps"], 2);
  }
}
