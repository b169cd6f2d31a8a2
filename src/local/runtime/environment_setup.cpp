#include "local/runtime/environment_setup.hpp"

#include <unistd.h>

#include <chrono>
#include <mutex>
#include <set>

#include "local/runtime/invoke_report.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"
#include "util/zip_reader.hpp"

namespace lcd::local::runtime {
namespace {

// Runtimes past their "block function create/update" date (AWS Lambda runtime deprecation table).
const std::set<std::string> k_retired = {
    "nodejs",      "nodejs4.3",   "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
    "nodejs12.x",  "nodejs14.x",  "nodejs16.x",     "provided",
};

std::string code_dir_name(const FunctionSnapshot& function, const std::string& zip_bytes) {
  if (auto raw = base64_decode(function.code_sha256); raw && raw->size() == 32) return hex_encode(*raw);
  return hex_encode(sha256(zip_bytes));
}

std::mutex g_extract_mutex;

}  // namespace

RuntimeFamily runtime_family(const std::string& runtime) {
  if (starts_with(runtime, "nodejs")) return RuntimeFamily::nodejs;
  if (runtime == "provided" || runtime == "provided.al2" || runtime == "provided.al2023") return RuntimeFamily::provided;
  return RuntimeFamily::unsupported;
}

std::string retired_runtime_notice(const std::string& runtime) {
  if (!k_retired.count(runtime)) return {};
  return "lambda-cd: runtime " + runtime +
         " is deprecated: AWS Lambda no longer accepts it for new or updated functions; it runs here only locally\n";
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

Result<std::filesystem::path> ensure_code_dir(const std::filesystem::path& code_root, const FunctionSnapshot& function) {
  std::error_code ec;
  if (auto raw = base64_decode(function.code_sha256); raw && raw->size() == 32) {
    auto dir = code_root / hex_encode(*raw);
    if (std::filesystem::is_directory(dir, ec)) return dir;
  }
  std::lock_guard lock(g_extract_mutex);
  auto bytes = read_file(function.code_zip);
  if (!bytes) return fail(ErrorKind::io, "cannot read the function's package: " + bytes.error().message);
  auto dir = code_root / code_dir_name(function, *bytes);
  if (std::filesystem::is_directory(dir, ec)) return dir;
  if (auto made = ensure_directory(code_root); !made) return fail(made.error());
  auto tmp = code_root / (dir.filename().string() + ".tmp-" + random_hex(6));
  if (auto extracted = extract_zip(*bytes, tmp); !extracted) {
    std::filesystem::remove_all(tmp, ec);
    return fail(ErrorKind::invalid, "cannot extract the function's package: " + extracted.error().message);
  }
  std::filesystem::rename(tmp, dir, ec);
  if (ec) {
    std::filesystem::remove_all(tmp, ec);
    if (!std::filesystem::is_directory(dir, ec)) return fail(ErrorKind::io, "cannot place the extracted package in " + dir.string());
  }
  return dir;
}

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
  // Unreserved defaults, then the endpoint's extras, then the function's own variables...
  env["PATH"] = context.path_env;
  env["LANG"] = "en_US.UTF-8";
  env["LD_LIBRARY_PATH"] = code_dir.string() + ":" + (code_dir / "lib").string();
  env["AWS_XRAY_CONTEXT_MISSING"] = "LOG_ERROR";
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
  env["LAMBDA_TASK_ROOT"] = code_dir.string();
  env["LAMBDA_RUNTIME_DIR"] = context.runtime_dir.string();
  env["TZ"] = ":UTC";
  env["AWS_ACCESS_KEY_ID"] = context.credentials.access_key_id;
  env["AWS_SECRET_ACCESS_KEY"] = context.credentials.secret_access_key;
  env["AWS_SESSION_TOKEN"] = context.credentials.session_token;
  if (family == RuntimeFamily::nodejs) env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + f.runtime;
  else env.erase("AWS_EXECUTION_ENV");
  return spec;
}

}  // namespace lcd::local::runtime
