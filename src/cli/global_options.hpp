#pragma once
// Options every command accepts, before the command name.

#include <string>

namespace lcd::cli {

enum class OutputFormat { text, json };

struct GlobalOptions {
  std::string config_path;   // --config, default ./lambda-cd.toml
  std::string target;        // --target local|aws (empty: from config, default local)
  std::string endpoint_url;  // --endpoint-url
  std::string profile;       // --profile
  std::string region;        // --region
  std::string retry_budget;  // --retry-budget DURATION (empty: env, lambda-cd.toml, default)
  OutputFormat output = OutputFormat::text;
  int verbosity = 0;         // -v raises, -q lowers
  bool no_lock = false;      // --no-lock: change the function without the deploy lock
  std::string lock_timeout;  // --lock-timeout DURATION (empty: [lock] wait)
};

}  // namespace lcd::cli
