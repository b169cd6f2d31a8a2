#include "engine_fixture.hpp"

#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <fstream>
#include <nlohmann/json.hpp>

#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/subprocess.hpp"

namespace lcd::local::runtime::testing {

void EngineTest::SetUp() {
  m_dir = std::make_unique<TempDir>("lcd-runtime-test");
  m_engine = std::make_unique<InvokeEngine>(default_options());
}

void EngineTest::TearDown() {
  m_engine.reset();
  m_dir.reset();
}

EngineOptions EngineTest::default_options() const {
  EngineOptions o;
  o.state_dir = m_dir->path() / "state";
  o.max_environments = 4;
  o.idle_timeout = std::chrono::seconds(60);
  o.async_retry_delay = std::chrono::milliseconds(50);
  return o;
}

void EngineTest::restart(EngineOptions options) {
  m_engine.reset();
  m_engine = std::make_unique<InvokeEngine>(std::move(options));
}

InvokeEngine& EngineTest::engine() { return *m_engine; }

FunctionSnapshot EngineTest::make_function(const std::map<std::string, std::string>& files, const std::string& handler,
                                           const std::string& runtime) {
  auto pkg = m_dir->path() / ("pkg" + std::to_string(++m_package_counter));
  for (const auto& [name, content] : files) {
    auto path = pkg / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
    if (name == "bootstrap" || name.ends_with(".sh")) ::chmod(path.c_str(), 0755);
  }
  auto zip = m_dir->path() / ("pkg" + std::to_string(m_package_counter) + ".zip");
  ProcessSpec spec;
  spec.argv = {"zip", "-qr", "-X", zip.string(), "."};
  spec.cwd = pkg;
  auto zipped = run_process(spec);
  EXPECT_TRUE(zipped && zipped->ok()) << (zipped ? zipped->output : zipped.error().message);
  FunctionSnapshot f;
  f.function_name = "fn";
  f.version = "$LATEST";
  f.function_arn = "arn:aws:lambda:us-east-1:123456789012:function:fn";
  f.runtime = runtime;
  f.handler = handler;
  f.code_sha256 = base64_encode(sha256(*read_file(zip)));
  f.code_zip = zip;
  f.region = "us-east-1";
  f.account_id = "123456789012";
  return f;
}

InvokeRequest EngineTest::request(const FunctionSnapshot& f, const std::string& payload) {
  InvokeRequest r;
  r.function = f;
  r.payload = payload;
  return r;
}

std::string EngineTest::read_log(const std::string& function_name) const {
  auto text = read_file(m_dir->path() / "state" / "logs" / (function_name + ".log"));
  return text ? *text : std::string();
}

std::string json_field(const std::string& json_text, const std::string& pointer) {
  auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded()) return "<not json: " + json_text.substr(0, 200) + ">";
  auto ptr = nlohmann::json::json_pointer(pointer);
  if (!j.contains(ptr)) return "<missing>";
  const auto& v = j.at(ptr);
  return v.is_string() ? v.get<std::string>() : v.dump();
}

bool process_exists(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return false;
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return false;
  // A zombie is not running; whether it was reaped by its parent is checked with waitpid.
  return line[close + 2] != 'Z';
}

}  // namespace lcd::local::runtime::testing
