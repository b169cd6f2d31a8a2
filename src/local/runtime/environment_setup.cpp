#include "local/runtime/environment_setup.hpp"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <set>
#include <vector>

#include "local/runtime/invoke_report.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::runtime {
namespace {

// Runtimes past their "block function create/update" date (AWS Lambda runtime deprecation table).
const std::set<std::string> k_retired = {
    "nodejs",      "nodejs4.3",   "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
    "nodejs12.x",  "nodejs14.x",  "nodejs16.x",     "provided",
};

}  // namespace

RuntimeFamily runtime_family(const std::string& runtime) {
  if (starts_with(runtime, "nodejs")) return RuntimeFamily::nodejs;
  if (runtime == "provided" || runtime == "provided.al2" || runtime == "provided.al2023") return RuntimeFamily::provided;
  return RuntimeFamily::unsupported;
}

std::string retired_runtime_notice(const std::string& runtime) {
  if (!k_retired.count(runtime)) return {};
  return "runtime " + runtime +
         " is deprecated: AWS Lambda no longer accepts it for new or updated functions; it runs here only locally";
}

std::string environment_key(const FunctionSnapshot& f) {
  std::string canonical;
  auto add = [&](const std::string& s) {
    canonical += std::to_string(s.size());
    canonical += ':';
    canonical += s;
  };
  add(f.runtime);
  add(f.handler);
  add(std::to_string(f.memory_mb));
  add(std::to_string(f.timeout_s));
  add(f.function_arn);
  add(f.region);
  add(f.account_id);
  add(f.code_zip.string());
  for (const auto& [k, v] : f.environment) {
    add(k);
    add(v);
  }
  return f.function_name + "\n" + f.version + "\n" + f.code_sha256 + "\n" + hex_encode(sha256(canonical));
}

namespace {

// "nodejs20.x" -> 20; 0 when there is no version number.
int node_major(const std::string& runtime) {
  int major = 0;
  for (size_t i = 6; i < runtime.size() && std::isdigit(static_cast<unsigned char>(runtime[i])); ++i) {
    major = major * 10 + (runtime[i] - '0');
  }
  return major;
}

}  // namespace

Result<ChildSpec> make_child_spec(const FunctionSnapshot& f, const std::filesystem::path& code_dir,
                                  const SetupContext& context) {
  ChildSpec spec;
  spec.cwd = code_dir;
  RuntimeFamily family = runtime_family(f.runtime);
  if (family == RuntimeFamily::nodejs) {
    spec.executable = context.node_binary;
    spec.argv = {"node", context.bootstrap_js.string()};
  } else {
    auto bootstrap = code_dir / "bootstrap";
    if (::access(bootstrap.c_str(), X_OK) != 0) {
      return fail(ErrorKind::not_found, "Couldn't find valid bootstrap(s): [" + bootstrap.string() + "]");
    }
    spec.executable = bootstrap;
    spec.argv = {bootstrap.string()};
  }

  auto& env = spec.env;
  const std::string task_root = code_dir.string();
  const std::string runtime_dir = context.runtime_dir.string();
  // Unreserved defaults as AWS sets them (responses of functions printing their environment,
  // recorded from AWS Lambda 2025-2026), then the endpoint's extras, then the function's own...
  env["PATH"] = context.path_env;
  env["LANG"] = "en_US.UTF-8";
  env["LD_LIBRARY_PATH"] = runtime_dir + ":" + runtime_dir + "/lib:" + task_root + ":" + task_root + "/lib";
  env["AWS_XRAY_CONTEXT_MISSING"] = "LOG_ERROR";
  // The X-Ray daemon address points at loopback: traces sent there go nowhere.
  env["AWS_XRAY_DAEMON_ADDRESS"] = "127.0.0.1:2000";
  env["_AWS_XRAY_DAEMON_ADDRESS"] = "127.0.0.1";
  env["_AWS_XRAY_DAEMON_PORT"] = "2000";
  if (family == RuntimeFamily::nodejs) {
    int major = node_major(f.runtime);
    env["NODE_PATH"] = (major > 0 ? "/opt/nodejs/node" + std::to_string(major) + "/node_modules:" : std::string()) +
                       "/opt/nodejs/node_modules:" + runtime_dir + "/node_modules:" + runtime_dir + ":" + task_root;
    env["PWD"] = task_root;
    env["SHLVL"] = "0";
    // AWS sets it for the Amazon Linux 2 based Node.js runtimes (18 and older), to its CA bundle.
    if (major > 0 && major <= 18 && !context.ca_bundle.empty()) env["NODE_EXTRA_CA_CERTS"] = context.ca_bundle.string();
  }
  for (const auto& [k, v] : context.extra_environment) env[k] = v;
  for (const auto& [k, v] : f.environment) env[k] = v;
  // ...and the reserved ones, which a function cannot override.
  auto now = std::chrono::system_clock::now();
  env["_HANDLER"] = f.handler;
  env["AWS_REGION"] = f.region;
  env["AWS_DEFAULT_REGION"] = f.region;
  env["AWS_LAMBDA_FUNCTION_NAME"] = f.function_name;
  env["AWS_LAMBDA_FUNCTION_VERSION"] = f.version;
  env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(f.memory_mb);
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + f.function_name;
  env["AWS_LAMBDA_LOG_STREAM_NAME"] = make_log_stream_name(now, f.version);
  env["LAMBDA_TASK_ROOT"] = task_root;
  env["LAMBDA_RUNTIME_DIR"] = runtime_dir;
  env["TZ"] = ":UTC";
  env["AWS_ACCESS_KEY_ID"] = context.credentials.access_key_id;
  env["AWS_SECRET_ACCESS_KEY"] = context.credentials.secret_access_key;
  env["AWS_SESSION_TOKEN"] = context.credentials.session_token;
  if (family == RuntimeFamily::nodejs) env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + f.runtime;
  else env.erase("AWS_EXECUTION_ENV");

  // AWS_LAMBDA_EXEC_WRAPPER (managed runtimes): the runtime's bootstrap script execs the wrapper
  // with the runtime command as its arguments; a wrapper that cannot run ends the runtime with
  // status 127, as the shell reports it (AWS: Runtime.ExitError "exit status 127").
  if (family == RuntimeFamily::nodejs) {
    if (auto wrapper = env.find("AWS_LAMBDA_EXEC_WRAPPER"); wrapper != env.end() && !wrapper->second.empty()) {
      std::vector<std::string> argv = {"/bin/sh", "-c", "exec \"$@\"", "bootstrap", wrapper->second,
                                       spec.executable.string()};
      for (size_t i = 1; i < spec.argv.size(); ++i) argv.push_back(spec.argv[i]);
      spec.executable = "/bin/sh";
      spec.argv = std::move(argv);
    }
  }
  return spec;
}

}  // namespace lcd::local::runtime
