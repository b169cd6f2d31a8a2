#include "pipeline/test_install.hpp"

#include <algorithm>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::pipeline {
namespace {

namespace fs = std::filesystem;

fs::path stamp_path(const ProjectConfig& config) { return config.state_dir() / "test-install.json"; }

}  // namespace

Result<std::string> test_install_key(const fs::path& root, const std::string& command) {
  Sha256 hash;
  hash.update("lambda-cd test install v1\n");
  hash.update(command);
  hash.update("\n");
  for (const char* name : {"package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"}) {
    std::error_code ec;
    const fs::path path = root / name;
    if (!fs::is_regular_file(path, ec)) continue;
    auto text = read_file(path);
    if (!text) return fail(text.error());
    hash.update(name);
    hash.update(":");
    hash.update(hex_encode(sha256(*text)));
    hash.update("\n");
  }
  return hex_encode(hash.finish());
}

std::string installed_tree_digest(const fs::path& root) {
  std::error_code ec;
  const fs::path modules = root / "node_modules";
  if (!fs::is_directory(modules, ec)) return "";
  if (auto hidden = read_file(modules / ".package-lock.json")) return "npm:" + hex_encode(sha256(*hidden));
  // Not npm: the top-level entries and their modification times.
  std::vector<std::string> entries;
  for (const auto& entry : fs::directory_iterator(modules, ec)) {
    auto when = fs::last_write_time(entry.path(), ec);
    entries.push_back(entry.path().filename().string() + "@" + std::to_string(when.time_since_epoch().count()));
  }
  std::sort(entries.begin(), entries.end());
  std::string listing;
  for (const auto& e : entries) listing += e + "\n";
  return "listing:" + hex_encode(sha256(listing));
}

Result<TestInstallOutcome> ensure_test_dependencies(StepContext& ctx, const std::string& step) {
  TestInstallOutcome out;
  const std::string& command = ctx.config.tests.install;
  if (command.empty()) return out;
  out.configured = true;
  auto key = test_install_key(ctx.config.root, command);
  if (!key) return fail(key.error());
  out.key = *key;

  const fs::path stamp = stamp_path(ctx.config);
  if (auto text = read_file(stamp)) {
    nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_object() && doc.value("key", "") == out.key &&
        doc.value("installed", "") == installed_tree_digest(ctx.config.root)) {
      return out;
    }
  }

  ProcessSpec spec = shell_command(command);
  spec.cwd = ctx.config.root;
  spec.capture_output = true;
  spec.on_output = [&ctx, &step](std::string_view chunk) { ctx.observer.command_output(step, chunk); };
  std::error_code ec;
  fs::remove(stamp, ec);
  auto result = ctx.launcher.run(spec);
  if (!result) {
    return step_failed("cannot run [test] install command '" + command + "': " + result.error().describe(),
                       ErrorKind::io);
  }
  out.ran = true;
  out.duration = result->duration;
  if (!result->ok()) {
    return step_failed("[test] install command '" + command + "' " +
                           (result->timed_out ? std::string("timed out")
                                              : "failed (exit code " + std::to_string(result->exit_code) + ")"),
                       ErrorKind::io);
  }
  if (auto made = ensure_directory(ctx.config.state_dir()); !made) return fail(made.error());
  nlohmann::json doc{{"key", out.key}, {"command", command}, {"installed", installed_tree_digest(ctx.config.root)}};
  if (auto written = write_file_atomic(stamp, doc.dump(2) + "\n"); !written) return fail(written.error());
  return out;
}

}  // namespace lcd::pipeline
