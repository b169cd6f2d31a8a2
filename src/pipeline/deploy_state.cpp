#include "pipeline/deploy_state.hpp"

#include <system_error>

#include <nlohmann/json.hpp>

#include "util/file_io.hpp"

namespace lcd::pipeline {
namespace {

const char* itest_text(ItestResult r) {
  switch (r) {
    case ItestResult::passed: return "passed";
    case ItestResult::failed: return "failed";
    case ItestResult::not_run: break;
  }
  return "not_run";
}

std::filesystem::path state_file(const std::filesystem::path& dir) { return dir / "state.json"; }

}  // namespace

Result<DeployState> load_deploy_state(const std::filesystem::path& state_dir) {
  const auto path = state_file(state_dir);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return DeployState{};
  auto text = read_file(path);
  if (!text) return fail(text.error());
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorKind::io, path.string() + " is not valid JSON; delete it and run deploy again");
  }
  DeployState s;
  s.function_name = j.value("function_name", "");
  s.target = j.value("target", "");
  s.code_sha256 = j.value("code_sha256", "");
  s.revision_id = j.value("revision_id", "");
  s.deployed_at_ms = j.value("deployed_at_ms", int64_t{0});
  const std::string itest = j.value("itest", "not_run");
  s.itest = itest == "passed" ? ItestResult::passed : itest == "failed" ? ItestResult::failed : ItestResult::not_run;
  s.itest_revision_id = j.value("itest_revision_id", "");
  s.last_published_build = j.value("last_published_build", "");
  s.last_published_version = j.value("last_published_version", "");
  return s;
}

Result<void> save_deploy_state(const std::filesystem::path& state_dir, const DeployState& s) {
  if (auto made = ensure_directory(state_dir); !made) return made;
  nlohmann::json j{{"function_name", s.function_name},
                   {"target", s.target},
                   {"code_sha256", s.code_sha256},
                   {"revision_id", s.revision_id},
                   {"deployed_at_ms", s.deployed_at_ms},
                   {"itest", itest_text(s.itest)},
                   {"itest_revision_id", s.itest_revision_id},
                   {"last_published_build", s.last_published_build},
                   {"last_published_version", s.last_published_version}};
  return write_file_atomic(state_file(state_dir), j.dump(2) + "\n");
}

}  // namespace lcd::pipeline
