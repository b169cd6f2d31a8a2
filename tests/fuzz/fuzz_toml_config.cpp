// lambda-cd.toml: toml++ and the CLI's table/key/type checks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/cli_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  lcd::cli::CliConfig config;
  (void)lcd::cli::apply_toml(std::string(reinterpret_cast<const char*>(data), size), "lambda-cd.toml", config);
  return 0;
}
