#include "package/dependency_installer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <system_error>

#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"
#include "util/subprocess.hpp"

namespace lcd::package {
namespace fs = std::filesystem;

namespace {

// Bump when the layout of a cache entry or the npm flags change.
constexpr const char* k_cache_format = "lcd-deps-v1";

std::string tail_of(const std::string& text, size_t max) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

}  // namespace

std::string node_major_version(const fs::path& node, const fs::path& cache_dir) {
  auto found = find_executable(node.string());
  if (!found) return "none";
  std::error_code ec;
  const fs::path real = fs::canonical(*found, ec);
  struct stat st {};
  if (ec || ::stat(real.c_str(), &st) != 0) return "none";
  const std::string identity = real.string() + "|" + std::to_string(st.st_size) + "|" + std::to_string(st.st_mtim.tv_sec) +
                               "." + std::to_string(st.st_mtim.tv_nsec);
  const fs::path memo = cache_dir / ("node-" + hex_encode(sha256(identity)).substr(0, 16));
  if (auto known = read_file(memo); known && !known->empty()) return *known;
  auto run = run_process({.argv = {real.string(), "--version"}, .timeout = std::chrono::seconds(30)});
  if (!run || !run->ok()) return "none";
  std::string version(trim(run->output));  // "v20.11.1"
  if (starts_with(version, "v")) version.erase(0, 1);
  std::string major = version.substr(0, version.find('.'));
  if (major.empty()) return "none";
  if (ensure_directory(cache_dir)) (void)write_file_atomic(memo, major);
  return major;
}

Result<DependencyInstall> install_production_dependencies(const fs::path& project, const NpmSettings& settings,
                                                          PackageObserver& observer,
                                                          const std::function<Result<fs::path>()>& stage) {
  if (settings.cache_dir.empty()) return fail(ErrorKind::internal, "no dependency cache folder given");
  auto package_json = read_file(project / "package.json");
  if (!package_json) return fail(package_json.error());
  std::optional<std::string> lockfile;
  if (fs::exists(project / "package-lock.json")) {
    auto lock = read_file(project / "package-lock.json");
    if (!lock) return fail(lock.error());
    lockfile = std::move(*lock);
  }

  DependencyInstall out;
  const std::string npm_name = settings.npm.string();
  out.command = {npm_name, lockfile ? "ci" : "install", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"};
  const std::string node_major = node_major_version(settings.node, settings.cache_dir);
  std::string key_material = std::string(k_cache_format) + "\n";
  for (size_t i = 1; i < out.command.size(); ++i) key_material += out.command[i] + " ";
  key_material += "\nnode " + node_major + "\nlock " + (lockfile ? hex_encode(sha256(*lockfile)) : "none") +
                  "\npackage.json " + hex_encode(sha256(*package_json)) + "\n";
  out.cache_key = hex_encode(sha256(key_material));

  const fs::path entries = settings.cache_dir / "deps";
  const fs::path entry = entries / out.cache_key;
  std::error_code ec;
  if (fs::exists(entry / "complete", ec)) {
    observer.phase("production dependencies from cache (lockfile unchanged)");
    if (fs::exists(entry / "node_modules", ec)) out.node_modules = entry / "node_modules";
    return out;
  }

  auto staging = stage();
  if (!staging) return fail(staging.error());
  auto npm_path = find_executable(npm_name);
  if (!npm_path) return fail(ErrorKind::invalid, "npm not found (looked for '" + npm_name + "'); it is needed because the project has a package.json");
  observer.phase("installing production dependencies: " + join(std::vector<std::string>(out.command.begin(), out.command.begin() + 3), " "));
  ProcessSpec spec;
  spec.argv = out.command;
  spec.argv[0] = npm_path->string();
  spec.cwd = *staging;
  spec.env_set = {{"npm_config_update_notifier", "false"}};
  spec.timeout = settings.timeout;
  spec.on_output = [&](std::string_view chunk) { observer.npm_output(chunk); };
  auto run = run_process(spec);
  if (!run) return fail(run.error());
  out.npm_ran = true;
  if (run->timed_out) return fail(ErrorKind::timeout, "npm " + out.command[1] + " timed out:\n" + tail_of(run->output, 2000));
  if (!run->ok())
    return fail(ErrorKind::io, "npm " + out.command[1] + " --omit=dev failed (exit " + std::to_string(run->exit_code) + "):\n" +
                                   tail_of(run->output, 2000));

  // Move the result into the cache under a private name, then publish it with one rename.
  if (auto ok = ensure_directory(entries); !ok) return fail(ok.error());
  const fs::path building = entries / (out.cache_key + ".tmp." + std::to_string(::getpid()) + "." + random_hex(4));
  if (auto ok = ensure_directory(building); !ok) return fail(ok.error());
  if (fs::exists(*staging / "node_modules", ec)) {
    fs::rename(*staging / "node_modules", building / "node_modules", ec);
    if (ec) {
      ec.clear();
      fs::copy(*staging / "node_modules", building / "node_modules",
               fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
      if (ec) return fail(ErrorKind::io, "cannot fill the dependency cache " + building.string() + ": " + ec.message());
    }
  }
  if (auto ok = write_file_atomic(building / "complete", key_material); !ok) return fail(ok.error());
  fs::rename(building, entry, ec);
  if (ec) {
    // Another packager published the same key first; its content is equivalent.
    fs::remove_all(building, ec);
    if (!fs::exists(entry / "complete")) return fail(ErrorKind::io, "cannot publish dependency cache entry " + entry.string());
  }
  if (fs::exists(entry / "node_modules", ec)) out.node_modules = entry / "node_modules";
  return out;
}

}  // namespace lcd::package
