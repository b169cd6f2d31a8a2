// ~/.aws/config and ~/.aws/credentials: the INI reader and the profile lookup.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "aws/ini_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto ini = lcd::aws::parse_ini(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  if (ini) {
    for (const char* profile : {"default", "dev", "x"}) {
      (void)lcd::aws::find_profile(*ini, profile, lcd::aws::IniKind::config);
      (void)lcd::aws::find_profile(*ini, profile, lcd::aws::IniKind::credentials);
    }
  }
  return 0;
}
