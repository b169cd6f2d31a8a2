// Invoke latency and throughput through InvokeEngine for a trivial Node.js handler, cold-start
// time, and the baseline that spawns `node` per invoke running the same handler, in one run.
//
//   ninja -C <build> local_runtime_invoke_bench && <build>/bench/local_runtime_invoke_bench
//
// Counters: p50_us / p99_us per invoke, items_per_second = invokes/s. Figures: docs/performance/local-invoke.md.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

#include "local/runtime/invoke_engine.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/subprocess.hpp"

namespace {

using namespace lcd;
using namespace lcd::local::runtime;
using Clock = std::chrono::steady_clock;

constexpr const char* k_handler = "exports.handler = async (event) => ({ ok: true, n: event.n });\n";

struct Fixture {
  TempDir dir{"lcd-invoke-bench"};
  FunctionSnapshot function;

  Fixture() {
    auto pkg = dir.path() / "pkg";
    std::filesystem::create_directories(pkg);
    std::ofstream(pkg / "index.js") << k_handler;
    auto zip = dir.path() / "pkg.zip";
    ProcessSpec spec;
    spec.argv = {"zip", "-qr", "-X", zip.string(), "."};
    spec.cwd = pkg;
    auto zipped = run_process(spec);
    if (!zipped || !zipped->ok()) throw std::runtime_error("zip failed");
    function.function_name = "bench";
    function.version = "$LATEST";
    function.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench";
    function.runtime = "nodejs20.x";
    function.handler = "index.handler";
    function.code_sha256 = base64_encode(sha256(*read_file(zip)));
    function.code_zip = zip;
    function.region = "us-east-1";
    function.account_id = "123456789012";
  }

  EngineOptions options(int max_envs) const {
    EngineOptions o;
    o.state_dir = dir.path() / "state";
    o.max_environments = max_envs;
    return o;
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

// CPU seconds (user + system) consumed so far by this process / by process `pid`.
double self_cpu_s() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
double process_cpu_s(int pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return 0;
  auto close = stat->rfind(')');
  std::vector<std::string> fields;
  std::string field;
  for (size_t i = close + 2; i < stat->size(); ++i) {
    if ((*stat)[i] == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field += (*stat)[i];
    }
  }
  if (fields.size() < 13) return 0;
  // fields[11], fields[12] = utime, stime (stat fields 14 and 15) in clock ticks.
  return static_cast<double>(std::stoull(fields[11]) + std::stoull(fields[12])) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

void report_percentiles(benchmark::State& state, std::vector<double>& micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) { return micros[std::min(micros.size() - 1, static_cast<size_t>(q * static_cast<double>(micros.size())))]; };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
  state.counters["max_us"] = micros.back();
}

// Warm: one environment, invoked back to back.
void BM_WarmInvoke(benchmark::State& state) {
  auto& fx = fixture();
  InvokeEngine engine(fx.options(2));
  InvokeRequest request;
  request.function = fx.function;
  request.payload = R"({"n":1})";
  auto first = engine.invoke(request);
  if (!first || !first->function_error.empty()) {
    state.SkipWithError("warm-up invoke failed");
    return;
  }
  std::vector<double> micros;
  micros.reserve(100000);
  const int node_pid = first->environment_pid;
  const double engine_cpu0 = self_cpu_s(), node_cpu0 = process_cpu_s(node_pid);
  for (auto _ : state) {
    auto start = Clock::now();
    auto r = engine.invoke(request);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!r || r->payload != R"({"ok":true,"n":1})") {
      state.SkipWithError("invoke failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  report_percentiles(state, micros);
  // CPU per invoke on each side: what bounds throughput when the cores are not shared.
  auto n = static_cast<double>(std::max<int64_t>(1, state.iterations()));
  state.counters["engine_cpu_us"] = (self_cpu_s() - engine_cpu0) * 1e6 / n;
  state.counters["node_cpu_us"] = (process_cpu_s(node_pid) - node_cpu0) * 1e6 / n;
}
BENCHMARK(BM_WarmInvoke)->MinTime(3.0)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Warm, two callers at once (two environments): throughput on the 2 cores.
void BM_WarmInvokeTwoCallers(benchmark::State& state) {
  // Created by thread 0 before the loop's start barrier; kept until exit (its destructor stops it).
  static std::unique_ptr<InvokeEngine> engine;
  auto& fx = fixture();
  if (state.thread_index() == 0 && !engine) engine = std::make_unique<InvokeEngine>(fx.options(2));
  InvokeRequest request;
  request.function = fx.function;
  request.payload = R"({"n":1})";
  std::vector<double> micros;
  micros.reserve(100000);
  bool first = true;
  for (auto _ : state) {
    if (first) {  // both environments started before timing matters much
      first = false;
      (void)engine->invoke(request);
    }
    auto start = Clock::now();
    auto r = engine->invoke(request);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!r) {
      state.SkipWithError(r.error().describe().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  report_percentiles(state, micros);  // per caller thread (Google Benchmark averages counters)
}
BENCHMARK(BM_WarmInvokeTwoCallers)->Threads(2)->MinTime(3.0)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Cold: every iteration starts a new environment (new version => new pool key) and stops it.
void BM_ColdStart(benchmark::State& state) {
  auto& fx = fixture();
  InvokeEngine engine(fx.options(2));
  InvokeRequest request;
  request.function = fx.function;
  request.payload = R"({"n":1})";
  std::vector<double> micros;
  int version = 0;
  for (auto _ : state) {
    request.function.version = std::to_string(++version);
    auto start = Clock::now();
    auto r = engine.invoke(request);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!r || !r->cold_start || !r->function_error.empty()) {
      state.SkipWithError("cold invoke failed");
      break;
    }
    state.PauseTiming();
    engine.forget_function(request.function.account_id, request.function.region, request.function.function_name);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations());
  report_percentiles(state, micros);
}
BENCHMARK(BM_ColdStart)->Iterations(40)->UseRealTime()->Unit(benchmark::kMillisecond);

// Baseline: spawn `node` per invoke, loading the same handler and printing its result.
void BM_NodePerInvokeBaseline(benchmark::State& state) {
  auto& fx = fixture();
  auto script = fx.dir.path() / "pkg" / "run_once.js";
  std::ofstream(script) << "require('./index.js').handler(JSON.parse(process.argv[2]))"
                           ".then((r) => process.stdout.write(JSON.stringify(r)));\n";
  ProcessSpec spec;
  spec.argv = {"node", script.string(), R"({"n":1})"};
  spec.cwd = fx.dir.path() / "pkg";
  std::vector<double> micros;
  for (auto _ : state) {
    auto start = Clock::now();
    auto r = run_process(spec);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!r || r->output != R"({"ok":true,"n":1})") {
      state.SkipWithError("node baseline failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  report_percentiles(state, micros);
}
BENCHMARK(BM_NodePerInvokeBaseline)->Iterations(40)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
