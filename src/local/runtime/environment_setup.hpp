#pragma once
// Turning a FunctionSnapshot into an environment to start: runtime family, the pool key and the
// process spec with Lambda's variables.

#include <filesystem>
#include <map>
#include <string>

#include "local/runtime/child_process.hpp"
#include "local/runtime/invoke_engine.hpp"
#include "util/result.hpp"

namespace lcd::local::runtime {

enum class RuntimeFamily { nodejs, provided, unsupported };

RuntimeFamily runtime_family(const std::string& runtime);

// Non-empty for runtimes AWS no longer accepts for new or updated functions (they still run here).
std::string retired_runtime_notice(const std::string& runtime);

// Warm environments are shared only between invocations with equal keys:
// (function, version, code sha, fingerprint of everything else the environment was started with).
std::string environment_key(const FunctionSnapshot& function);

struct SetupContext {
  std::filesystem::path node_binary;     // absolute
  std::filesystem::path bootstrap_js;    // the embedded Node.js runtime client, on disk
  std::filesystem::path runtime_dir;     // LAMBDA_RUNTIME_DIR
  std::string path_env;                  // PATH for the environment
  std::filesystem::path ca_bundle;       // the system's CA certificates (NODE_EXTRA_CA_CERTS), empty if none
  Credentials credentials;
  std::map<std::string, std::string> extra_environment;
};

// The process to start. For `provided*` the package's `bootstrap` must exist and be executable:
// otherwise ErrorKind::not_found (reported to the caller as Runtime.InvalidEntrypoint).
Result<ChildSpec> make_child_spec(const FunctionSnapshot& function, const std::filesystem::path& code_dir,
                                  const SetupContext& context);

}  // namespace lcd::local::runtime
