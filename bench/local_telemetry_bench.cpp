// What recording an invocation for CloudWatch metrics and Logs costs (docs/performance/observability.md):
//   * on the invoke path: InvocationTelemetry::started() + finished() with real CloudWatch and Logs
//     services writing behind it, against the baseline of copying the record's strings alone;
//   * behind it: recording and writing (flush) per invocation, i.e. what the background writers spend
//     in SQLite, which bounds the sustained invoke rate they keep up with.
#include <benchmark/benchmark.h>

#include <chrono>

#include "local/invocation_telemetry.hpp"
#include "util/file_io.hpp"

namespace {

using namespace lcd;
using namespace lcd::local;

const std::string k_log =
    "START RequestId: 0b7a4d0e-35f2-4a38-9d6c-3f2f1b2a7c11 Version: 3\n"
    "2026-11-26T12:00:00.123Z\t0b7a4d0e-35f2-4a38-9d6c-3f2f1b2a7c11\tINFO\thandled order 1234\n"
    "END RequestId: 0b7a4d0e-35f2-4a38-9d6c-3f2f1b2a7c11\n"
    "REPORT RequestId: 0b7a4d0e-35f2-4a38-9d6c-3f2f1b2a7c11\tDuration: 0.45 ms\tBilled Duration: 1 ms\t"
    "Memory Size: 128 MB\tMax Memory Used: 41 MB\t\n";
const std::string k_stream = "2026/11/26/[3]0123456789abcdef0123456789abcdef";

runtime::InvokeRequest request() {
  runtime::InvokeRequest r;
  r.function.function_name = "bench";
  r.function.version = "3";
  r.function.region = "eu-west-1";
  r.function.account_id = "123456789012";
  r.invoked_arn = "arn:aws:lambda:eu-west-1:123456789012:function:bench:live";
  r.request_id = "0b7a4d0e-35f2-4a38-9d6c-3f2f1b2a7c11";
  return r;
}

struct Services {
  explicit Services(bool background) : dir("lcd-telemetry-bench") {
    cloudwatch::CloudWatchOptions cw;
    cw.state_dir = dir.path();
    cw.background = false;
    cw.ingest.background = background;
    metrics = std::move(*cloudwatch::CloudWatchService::open(cw, system_clock()));
    logs::LogsOptions lo;
    lo.state_dir = dir.path();
    lo.background = false;
    lo.ingest.background = background;
    log_service = std::move(*logs::LogsService::open(lo, system_clock()));
    telemetry = std::make_unique<InvocationTelemetry>(metrics.get(), log_service.get());
  }
  TempDir dir;
  std::unique_ptr<cloudwatch::CloudWatchService> metrics;
  std::unique_ptr<logs::LogsService> log_service;
  std::unique_ptr<InvocationTelemetry> telemetry;
};

// Baseline: the least any hand-off costs, copying what the record carries.
void BM_CopyRecordStrings(benchmark::State& state) {
  auto r = request();
  for (auto _ : state) {
    std::string a = r.function.region, b = r.function.account_id, c = r.function.function_name, d = r.invoked_arn;
    std::string e = k_stream, f = k_log;
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_CopyRecordStrings);

// The invoke path: what the engine's thread spends before Invoke answers (writers run behind).
void BM_TelemetryOnInvokePath(benchmark::State& state) {
  Services s(true);
  auto r = request();
  auto started = std::chrono::system_clock::now();
  for (auto _ : state) {
    s.telemetry->started(r);
    s.telemetry->finished(runtime::InvocationRecord{r, r.request_id, started, true, false, false, 0.45, k_stream, k_log});
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TelemetryOnInvokePath)->UseRealTime();

// Behind the invoke path: recording plus writing to SQLite, per invocation, in batches of 100.
void BM_TelemetryWrittenPerInvocation(benchmark::State& state) {
  Services s(false);
  auto r = request();
  auto started = std::chrono::system_clock::now();
  int64_t n = 0;
  for (auto _ : state) {
    s.telemetry->started(r);
    s.telemetry->finished(runtime::InvocationRecord{r, r.request_id, started, true, false, false, 0.45, k_stream, k_log});
    if (++n % 100 == 0) {
      (void)s.metrics->flush();
      (void)s.log_service->flush();
    }
  }
  (void)s.metrics->flush();
  (void)s.log_service->flush();
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TelemetryWrittenPerInvocation)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
