#pragma once
// A pipeline test bench: fake Lambda, fake clock, scripted test commands, a real temp project dir.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fake_lambda.hpp"
#include "pipeline/package_builder.hpp"
#include "pipeline/step_context.hpp"
#include "util/file_io.hpp"

namespace lcd::test {

class FakeClock : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(1'800'000'000'000) + m_elapsed);
  }
  std::chrono::steady_clock::time_point monotonic() const override {
    return std::chrono::steady_clock::time_point(m_elapsed);
  }
  void sleep_for(std::chrono::milliseconds d) override { m_elapsed += d; }

 private:
  std::chrono::milliseconds m_elapsed{0};
};

// Answers each command with an exit code (default 0) and records what it was given.
class FakeLauncher : public pipeline::ProcessLauncher {
 public:
  std::map<std::string, int> exit_codes;
  std::vector<ProcessSpec> runs;
  Result<ProcessResult> run(const ProcessSpec& spec) override {
    runs.push_back(spec);
    ProcessResult r;
    const std::string command = spec.argv.empty() ? "" : spec.argv.back();
    r.exit_code = exit_codes.count(command) ? exit_codes[command] : 0;
    r.output = "ran " + command + (r.exit_code ? " <failed & escaped>" : "") + "\n";
    r.duration = std::chrono::milliseconds(5);
    if (spec.on_output) spec.on_output(r.output);
    return r;
  }
};

// Writes `content` as the "zip" and reports its real CodeSha256.
class FakePackager : public pipeline::PackageBuilder {
 public:
  explicit FakePackager(std::filesystem::path dir) : m_dir(std::move(dir)) {}
  std::string content = "zip-v1";
  int builds = 0;
  Result<pipeline::PackageOutput> build() override {
    ++builds;
    pipeline::PackageOutput out;
    out.zip_path = m_dir / "function.zip";
    if (auto w = write_file_atomic(out.zip_path, content); !w) return fail(w.error());
    out.zip_size = static_cast<int64_t>(content.size());
    out.unzipped_size = out.zip_size;
    out.code_sha256 = base64_encode(sha256(content));
    return out;
  }

 private:
  std::filesystem::path m_dir;
};

struct RecordingObserver : pipeline::Observer {
  std::vector<std::string> events;
  void step_started(std::string_view s) override { events.push_back("start " + std::string(s)); }
  void step_finished(std::string_view s, pipeline::StepStatus st, std::chrono::milliseconds,
                     std::string_view summary) override {
    events.push_back("finish " + std::string(s) + " " + pipeline::to_string(st) + " " + std::string(summary));
  }
  void message(std::string_view m) override { events.push_back("msg " + std::string(m)); }
  void warning(std::string_view m) override { events.push_back("warn " + std::string(m)); }
  void progress(std::string_view task, uint64_t done, uint64_t total, std::string_view detail) override {
    events.push_back("progress " + std::string(task) + " " + std::to_string(done) + "/" + std::to_string(total) + " " +
                     std::string(detail));
  }
  bool saw(const std::string& needle) const {
    for (const auto& e : events) {
      if (e.find(needle) != std::string::npos) return true;
    }
    return false;
  }
};

struct Bench {
  TempDir dir{"lcd-pipeline-test"};
  pipeline::ProjectConfig config;
  FakeLambda lambda_service;
  clients::LambdaClient lambda{lambda_service};
  FakeClock clock;
  RecordingObserver observer;
  FakeLauncher launcher;
  FakePackager packager{dir.path()};
  std::unique_ptr<pipeline::StepContext> ctx;

  Bench() {
    config.root = dir.path();
    config.function.name = "fn";
    config.function.role = "arn:aws:iam::000000000000:role/r";
    config.function.memory = 128;
    config.function.timeout = 3;
    config.tests.unit = "unit-cmd";
    config.tests.integration = "itest-cmd";
    config.target.endpoint_url = "http://127.0.0.1:4566";
    ctx = std::make_unique<pipeline::StepContext>(
        pipeline::StepContext{config, lambda, clock, observer, launcher, {}, {}, "local http://127.0.0.1:4566"});
  }
};

}  // namespace lcd::test
