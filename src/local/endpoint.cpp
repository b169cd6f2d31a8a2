#include "local/endpoint.hpp"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "local/blob_store.hpp"
#include "local/fault_injector.hpp"
#include "local/http_server.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_store.hpp"
#include "local/service_router.hpp"
#include "local/state_layout.hpp"
#include "util/file_io.hpp"

#ifdef LCD_HAVE_RUNTIME
#include "local/runtime/invoke_engine.hpp"
#endif
#ifdef LCD_HAVE_S3
#include "local/s3/s3_service.hpp"
#endif
#ifdef LCD_HAVE_IAM
#include "local/iam/iam_service.hpp"
#include "local/iam/lambda_role_check.hpp"
#include "local/iam/stack_provisioner.hpp"
#endif
#ifdef LCD_HAVE_STS
#include "local/sts/sts_service.hpp"
#endif
#ifdef LCD_HAVE_CLOUDWATCH
#include "local/cloudwatch/cloudwatch_service.hpp"
#endif
#ifdef LCD_HAVE_LOGS
#include "local/logs/logs_service.hpp"
#endif
#if defined(LCD_HAVE_RUNTIME) && defined(LCD_HAVE_CLOUDWATCH) && defined(LCD_HAVE_LOGS)
#include "local/invocation_telemetry.hpp"
#endif
#ifdef LCD_HAVE_CLOUDFORMATION
#include "local/cloudformation/provisioners.hpp"
#include "local/cloudformation/stack_service.hpp"
#endif

namespace lcd::local {
namespace {

#ifdef LCD_HAVE_RUNTIME
class EngineBackend final : public InvokeBackend {
 public:
  explicit EngineBackend(runtime::EngineOptions options) : m_engine(std::move(options)) {}
  Result<runtime::InvokeResult> invoke(const runtime::InvokeRequest& request) override {
    return m_engine.invoke(request);
  }
  void invoke_async(runtime::InvokeRequest request) override { m_engine.invoke_async(std::move(request)); }
  Result<std::shared_ptr<const runtime::CodePin>> prepare_code(const runtime::FunctionSnapshot& function) override {
    return m_engine.prepare_code(function);
  }
  void forget_function(const std::string& account, const std::string& region,
                       const std::string& function_name) override {
    m_engine.forget_function(account, region, function_name);
  }
  void shutdown() { m_engine.shutdown(); }
  std::string process_limit_description() const { return m_engine.process_limit_description(); }

 private:
  runtime::InvokeEngine m_engine;
};
#endif

#ifdef LCD_HAVE_S3
class S3CodeObjects final : public CodeObjects {
 public:
  explicit S3CodeObjects(s3::S3Service& s3) : m_s3(s3) {}
  Result<std::string> get_object(const std::string& bucket, const std::string& key) override {
    return m_s3.get_object_bytes(bucket, key);
  }

 private:
  s3::S3Service& m_s3;
};
#endif

int startup_error(const std::string& message) {
  std::fprintf(stderr, "lambda-cd: error: %s\n", message.c_str());
  return 1;
}

}  // namespace

std::filesystem::path default_state_dir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && *xdg) return std::filesystem::path(xdg) / "lambda-cd" / "local";
  const char* home = std::getenv("HOME");
  if (home && *home) return std::filesystem::path(home) / ".local" / "share" / "lambda-cd" / "local";
  return std::filesystem::temp_directory_path() / "lambda-cd-local";
}

int run_endpoint(const EndpointOptions& options) {
  // Signals are taken by one thread with sigwait; block them before any other thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A client vanishing mid-response must not kill the process.
  signal(SIGPIPE, SIG_IGN);

  std::filesystem::path state_dir = options.state_dir.empty() ? default_state_dir() : options.state_dir;
  if (auto made = ensure_directory(state_dir); !made) return startup_error(made.error().describe());

  auto rates = load_fault_rates(options.faults_spec);
  if (!rates) return startup_error("--faults: " + rates.error().message);
  std::unique_ptr<FaultInjector> faults;
  if (rates->enabled()) faults = std::make_unique<FaultInjector>(*rates);

  RouterOptions router_options;
  router_options.default_region = options.region;
  router_options.default_account = options.account_id;
  router_options.verify_signatures = options.verify_signatures;
  if (options.verify_signatures) {
    if (!signature_verification_available()) {
      return startup_error("--verify-signatures: this build has no SigV4 library");
    }
    auto credentials = credentials_from_env();
    if (!credentials) return startup_error(credentials.error().message);
    router_options.credentials = std::move(*credentials);
  }
  if (options.update_delay_ms < 0) return startup_error("--update-delay-ms must be >= 0");

  if (options.code_storage_limit < 0) return startup_error("--code-storage-limit must be >= 0");
  if (options.concurrency_limit < 1) return startup_error("--concurrency-limit must be >= 1");
  if (options.log_events_limit < 1) return startup_error("--log-events-limit must be >= 1");
  if (options.process_limit != 0 && options.process_limit < 16) {
    return startup_error("--process-limit must be 0 (no limit) or at least 16 (Node.js alone runs about 10 threads)");
  }
  if (options.process_limit_by != "auto" && options.process_limit_by != "watchdog") {
    return startup_error("--process-limit-by must be auto or watchdog");
  }
  auto store = LambdaStore::open(state_dir, options.account_id);
  if (!store) return startup_error(store.error().describe());
  BlobStore blobs(state_blob_dir(state_dir));

#ifdef LCD_HAVE_CLOUDWATCH
  auto metrics = cloudwatch::CloudWatchService::open(cloudwatch::CloudWatchOptions{state_dir}, system_clock());
  if (!metrics) return startup_error("cloudwatch: " + metrics.error().describe());
#endif
#ifdef LCD_HAVE_LOGS
  logs::LogsOptions logs_options{state_dir};
  logs_options.store.max_events_per_group = options.log_events_limit;
  auto log_service = logs::LogsService::open(logs_options, system_clock());
  if (!log_service) return startup_error("logs: " + log_service.error().describe());
#endif
#if defined(LCD_HAVE_RUNTIME) && defined(LCD_HAVE_CLOUDWATCH) && defined(LCD_HAVE_LOGS)
  InvocationTelemetry telemetry(metrics->get(), log_service->get());
#endif

  InvokeBackend* invoker = nullptr;
#ifdef LCD_HAVE_RUNTIME
  runtime::EngineOptions engine_options;
  engine_options.state_dir = state_dir;
  engine_options.concurrency_limit = options.concurrency_limit;
  engine_options.max_log_file_bytes = options.log_file_limit;
  engine_options.process_limit.max_tasks = options.process_limit;
  engine_options.process_limit.allow_cgroup = options.process_limit_by == "auto";
#if defined(LCD_HAVE_CLOUDWATCH) && defined(LCD_HAVE_LOGS)
  engine_options.observer = &telemetry;
#endif
  auto engine = std::make_unique<EngineBackend>(engine_options);
  invoker = engine.get();
  std::fprintf(stderr, "lambda-cd local: process limit: %s\n", engine->process_limit_description().c_str());
#endif

#ifdef LCD_HAVE_IAM
  auto iam_service = iam::IamService::open(iam::IamServiceOptions{state_dir});
  if (!iam_service) return startup_error("iam: " + iam_service.error().message);
  iam::LambdaRoleCheck role_check(**iam_service, options.strict_iam, [](const std::string& line) {
    std::fprintf(stderr, "lambda-cd local: %s\n", line.c_str());
  });
#endif
#ifdef LCD_HAVE_STS
  sts::StsServiceOptions sts_options{state_dir, options.account_id};
  sts_options.strict = options.strict_iam;
#ifdef LCD_HAVE_IAM
  sts_options.iam = iam_service->get();
#endif
  auto sts = sts::StsService::open(sts_options, system_clock());
  if (!sts) return startup_error("sts: " + sts.error().describe());
  router_options.account_for_access_key = [s = sts->get()](const std::string& key) {
    return s->account_for_access_key(key);
  };
#endif

  LambdaApiOptions api_options;
  api_options.account_id = options.account_id;
  api_options.update_delay_ms = options.update_delay_ms;
  api_options.state_dir = state_dir;
  api_options.code_storage_limit = options.code_storage_limit;
  api_options.concurrency_limit = options.concurrency_limit;
  LambdaApi lambda(api_options, **store, blobs, system_clock(), faults.get(), invoker);
  ServiceRouter router(router_options, faults.get(), system_clock());
  router.add_service("lambda", lambda, ServiceInfo{WireProtocol::rest_json, {}, {}, {}});
#ifdef LCD_HAVE_IAM
  lambda.set_role_check(&role_check);
  router.add_service("iam", **iam_service,
                     ServiceInfo{WireProtocol::query, iam::IamService::k_xmlns, iam::IamService::actions(), {}});
#endif
#ifdef LCD_HAVE_S3
  auto s3 = s3::S3Service::open(s3::S3ServiceOptions{state_dir, options.region, options.account_id, &blobs});
  if (!s3) return startup_error("s3: " + s3.error().describe());
  router.add_service("s3", **s3, ServiceInfo{WireProtocol::rest_xml, {}, {}, {}});
  S3CodeObjects code_objects(**s3);
  lambda.set_code_objects(&code_objects);
#endif
#ifdef LCD_HAVE_STS
  router.add_service("sts", **sts, ServiceInfo{WireProtocol::query, sts::StsService::k_xmlns, sts::StsService::actions(), {}});
#endif
#ifdef LCD_HAVE_CLOUDWATCH
  router.add_service("monitoring", **metrics,
                     ServiceInfo{WireProtocol::query, cloudwatch::k_query_xmlns,
                                 {"GetMetricData", "GetMetricStatistics", "ListMetrics", "PutMetricData",
                                  "PutMetricAlarm", "DescribeAlarms", "DeleteAlarms", "SetAlarmState"},
                                 {cloudwatch::k_json_target_prefix}, true});
#endif
#ifdef LCD_HAVE_LOGS
  router.add_service("logs", **log_service, ServiceInfo{WireProtocol::json_1_1, {}, {}, {logs::k_json_target_prefix}});
#endif
#ifdef LCD_HAVE_CLOUDFORMATION
  cloudformation::LambdaApiProvisioner provisioner(lambda);
  cloudformation::StackServiceOptions stack_options{state_dir, options.region, options.account_id};
#ifdef LCD_HAVE_IAM
  iam::StackProvisioner iam_provisioner(**iam_service);
  stack_options.iam = &iam_provisioner;
#endif
  auto stacks = cloudformation::StackService::open(stack_options, &provisioner, s3->get());
  if (!stacks) return startup_error("cloudformation: " + stacks.error().describe());
  router.add_service("cloudformation", **stacks,
                     ServiceInfo{WireProtocol::query, "http://cloudformation.amazonaws.com/doc/2010-05-15/", {}, {}});
#endif

#ifdef LCD_HAVE_S3
  // Every service that refers to blobs (Lambda, S3) is registered by now; nothing is served yet.
  auto swept = blobs.sweep_unreferenced();
  if (!swept) return startup_error(swept.error().describe());
  if (*swept > 0) {
    std::fprintf(stderr, "lambda-cd local: removed %zu blob files no function, version or object refers to "
                 "(left by an earlier crash)\n", *swept);
  }
#endif

  HttpServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  HttpServer server(server_options, router);
  auto port = server.bind();
  if (!port) return startup_error(port.error().message);

  std::atomic<bool> stopping{false};
  std::thread signal_thread([&] {
    int received = 0;
    sigwait(&signals, &received);
    stopping = true;
    server.stop();
  });

  std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  std::printf("lambda-cd local listening on http://%s:%u\n", host.c_str(), static_cast<unsigned>(*port));
  std::fflush(stdout);

  server.serve();
  if (!stopping) kill(getpid(), SIGTERM);  // wakes the signal thread
  signal_thread.join();
#ifdef LCD_HAVE_RUNTIME
  engine->shutdown();
#endif
  return 0;
}

}  // namespace lcd::local
