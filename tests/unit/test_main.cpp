// The main of every unit-test binary. Unit tests inject the environment they read (EnvLookup,
// fixture maps); none may see the tester's: before any test runs, every AWS_* and LAMBDA_CD_*
// variable and the XDG folders are removed and HOME is an empty folder of its own (removed after),
// so no ~/.aws/config, ~/.aws/credentials or exported region reaches a test by accident.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace {

void remove_tester_environment() {
  std::vector<std::string> names;
  for (char** entry = environ; entry && *entry; ++entry) {
    std::string_view item(*entry);
    std::string name(item.substr(0, item.find('=')));
    if (name.rfind("AWS_", 0) == 0 || name.rfind("LAMBDA_CD_", 0) == 0 || name.rfind("XDG_", 0) == 0) {
      names.push_back(name);
    }
  }
  for (const auto& name : names) ::unsetenv(name.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  remove_tester_environment();
  std::string home_template = (std::filesystem::temp_directory_path() / "lcd-unit-home-XXXXXX").string();
  const char* home = ::mkdtemp(home_template.data());
  if (home) ::setenv("HOME", home, 1);
  testing::InitGoogleTest(&argc, argv);
  int result = RUN_ALL_TESTS();
  if (home) {
    std::error_code ec;
    std::filesystem::remove_all(home, ec);
  }
  return result;
}
