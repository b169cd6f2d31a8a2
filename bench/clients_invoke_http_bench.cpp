// Warm Invoke over loopback HTTP as lambda-cd's own client makes it: SigV4-signed requests through
// lcd_clients / lcd_aws (libcurl, keep-alive) to a `lambda-cd local` started for the run, for the
// trivial handler of local_runtime_invoke_bench. Baseline in the same run: GetFunctionConfiguration
// on the same connection (the endpoint's HTTP, routing and store cost without running anything).
//
//   ninja -C <build> clients_invoke_http_bench lambda-cd
//   LAMBDA_CD=<build>/lambda-cd <build>/bench/clients_invoke_http_bench
//
// Counters: p50_us / p99_us per call, items_per_second = calls/s. Figures: docs/performance/local-invoke.md.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "aws/aws_client.hpp"
#include "clients/lambda_client.hpp"
#include "util/file_io.hpp"
#include "util/subprocess.hpp"

namespace {

using namespace lcd;
using Clock = std::chrono::steady_clock;

constexpr const char* k_handler = "exports.handler = async (event) => ({ ok: true, n: event.n });\n";
constexpr const char* k_function = "bench";

// `lambda-cd local --port 0` in a temporary state directory, stopped at exit.
struct LocalEndpoint {
  TempDir dir{"lcd-http-bench"};
  pid_t pid = -1;
  std::string url;

  LocalEndpoint() {
    const char* binary = std::getenv("LAMBDA_CD");
    std::string cmd = "echo $$; exec '" + std::string(binary && *binary ? binary : "build/lambda-cd") +
                      "' local --port 0 --update-delay-ms 0 --state '" + (dir.path() / "state").string() + "'";
    FILE* out = ::popen(cmd.c_str(), "r");
    if (!out) throw std::runtime_error("cannot start lambda-cd local");
    char line[512];
    if (!std::fgets(line, sizeof line, out)) throw std::runtime_error("lambda-cd local printed nothing");
    pid = std::atoi(line);
    if (!std::fgets(line, sizeof line, out)) throw std::runtime_error("lambda-cd local did not start (set LAMBDA_CD)");
    std::string text(line);
    auto at = text.find("http://");
    if (at == std::string::npos) throw std::runtime_error("unexpected first line: " + text);
    url = text.substr(at);
    while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
    m_out = out;
  }
  ~LocalEndpoint() {
    if (pid > 0) ::kill(pid, SIGTERM);
    if (m_out) ::pclose(m_out);
  }

 private:
  FILE* m_out = nullptr;
};

std::unique_ptr<aws::AwsClient> make_caller(const std::string& url) {
  aws::AwsConfigOptions options;
  options.access_key_id = "test";  // the local endpoint accepts any well-formed signature
  options.secret_access_key = "test";
  options.region = "us-east-1";
  options.endpoint_url = url;
  auto client = aws::make_aws_client(options);
  if (!client) throw std::runtime_error(client.error().describe());
  return std::move(*client);
}

void create_function(LocalEndpoint& e) {
  auto pkg = e.dir.path() / "pkg";
  std::filesystem::create_directories(pkg);
  std::ofstream(pkg / "index.js") << k_handler;
  auto zip = e.dir.path() / "pkg.zip";
  ProcessSpec spec;
  spec.argv = {"zip", "-qr", "-X", zip.string(), "."};
  spec.cwd = pkg;
  auto zipped = run_process(spec);
  if (!zipped || !zipped->ok()) throw std::runtime_error("zip failed");
  auto caller = make_caller(e.url);
  clients::LambdaClient lambda(*caller);
  clients::CreateFunctionRequest create;
  create.function_name = k_function;
  create.role = "arn:aws:iam::000000000000:role/bench";
  create.runtime = "nodejs20.x";
  create.handler = "index.handler";
  create.code.zip_file = *read_file(zip);
  if (auto made = lambda.create_function(create); !made) throw std::runtime_error(made.error().describe());
}

LocalEndpoint& endpoint() {
  static LocalEndpoint ep;
  static bool created = (create_function(ep), true);
  (void)created;
  return ep;
}

void report_percentiles(benchmark::State& state, std::vector<double>& micros) {
  if (micros.empty()) return;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[std::min(micros.size() - 1, static_cast<size_t>(q * static_cast<double>(micros.size())))];
  };
  state.counters["p50_us"] = at(0.50);
  state.counters["p99_us"] = at(0.99);
}

template <typename Call>
void timed_calls(benchmark::State& state, Call&& call) {
  for (int i = 0; i < 50; ++i) call();  // warm: environment started, connection open
  std::vector<double> micros;
  micros.reserve(200000);
  for (auto _ : state) {
    auto start = Clock::now();
    if (!call()) {
      state.SkipWithError("call failed");
      break;
    }
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  state.SetItemsProcessed(state.iterations());
  report_percentiles(state, micros);  // per caller thread (Google Benchmark averages counters)
}

void BM_InvokeOverHttp(benchmark::State& state) {
  auto caller = make_caller(endpoint().url);
  clients::LambdaClient lambda(*caller);
  clients::InvokeRequest request;
  request.function_name = k_function;
  request.payload = R"({"n":1})";
  timed_calls(state, [&] {
    auto r = lambda.invoke(request);
    return r && r->function_error.empty() && r->payload == R"({"ok":true,"n":1})";
  });
}
BENCHMARK(BM_InvokeOverHttp)->MinTime(3.0)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_InvokeOverHttp)->Threads(2)->MinTime(3.0)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_GetFunctionConfigurationOverHttp(benchmark::State& state) {
  auto caller = make_caller(endpoint().url);
  clients::LambdaClient lambda(*caller);
  timed_calls(state, [&] { return lambda.get_function_configuration(k_function).has_value(); });
}
BENCHMARK(BM_GetFunctionConfigurationOverHttp)->MinTime(3.0)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
