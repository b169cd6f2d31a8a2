#include "package/packager.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <system_error>

#include "package/dependency_installer.hpp"
#include "package/zip_writer.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::package {
namespace fs = std::filesystem;

namespace {

PackageObserver g_silent;

void add_directories(ZipWriter& writer, const std::vector<std::string>& paths) {
  std::set<std::string> dirs;
  for (const auto& p : paths) {
    for (size_t slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) dirs.insert(p.substr(0, slash));
  }
  for (const auto& d : dirs) writer.add_directory(d);
}

// Copies the selected files into `staging` for npm (lifecycle scripts may need them).
Result<void> stage_files(const Selection& selection, const fs::path& staging) {
  std::error_code ec;
  for (const auto& f : selection.files) {
    const fs::path to = staging / f.path;
    fs::create_directories(to.parent_path(), ec);
    if (ec) return fail(ErrorKind::io, "cannot create " + to.parent_path().string() + ": " + ec.message());
    if (f.symlink) fs::create_symlink(f.link_target, to, ec);
    else fs::copy_file(f.source, to, fs::copy_options::overwrite_existing, ec);
    if (ec) return fail(ErrorKind::io, "cannot stage " + f.path + ": " + ec.message());
  }
  return {};
}

}  // namespace

Packager::Packager(fs::path project_dir, PackageConfig config, PackageObserver* observer)
    : m_project(std::move(project_dir)), m_config(std::move(config)), m_observer(observer ? observer : &g_silent) {}

Result<PackageResult> Packager::build() {
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  const fs::path project = fs::weakly_canonical(fs::absolute(m_project), ec);
  if (ec || !fs::is_directory(project)) return fail(ErrorKind::invalid, "project folder not found: " + m_project.string());
  const fs::path output = m_config.output.empty() ? project / ".lambda-cd" / "package.zip" : fs::absolute(m_config.output);
  const fs::path cache = m_config.cache_dir.empty() ? project / ".lambda-cd" / "cache" : fs::absolute(m_config.cache_dir);
  const bool has_package_json = fs::is_regular_file(project / "package.json", ec);

  m_observer->phase("selecting files");
  SelectionRules rules;
  rules.include = m_config.include;
  rules.exclude = m_config.exclude;
  rules.never = {output, cache};
  rules.skip_node_modules = has_package_json;
  auto selection = select_files(project, rules);
  if (!selection) return fail(selection.error());

  PackageResult result;
  result.zip_path = output;
  result.left_out = selection->left_out;
  std::stable_partition(result.left_out.begin(), result.left_out.end(),
                        [](const LeftOut& l) { return l.reason == LeftOutReason::secret; });

  std::optional<Selection> dependencies;
  std::optional<TempDir> staging;
  if (has_package_json) {
    if (auto ok = ensure_directory(cache); !ok) return fail(ok.error());
    NpmSettings npm{m_config.npm_binary, m_config.node_binary, cache, m_config.npm_timeout};
    auto stage = [&]() -> Result<fs::path> {
      staging.emplace("lambda-cd-staging");
      if (auto ok = stage_files(*selection, staging->path()); !ok) return fail(ok.error());
      return staging->path();
    };
    auto installed = install_production_dependencies(project, npm, *m_observer, stage);
    if (!installed) return fail(installed.error());
    result.npm_ran = installed->npm_ran;
    result.dependencies_from_cache = !installed->npm_ran;
    result.npm_command = installed->command[0] + " " + installed->command[1] + " " + installed->command[2];
    if (installed->node_modules) {
      SelectionRules as_installed;
      as_installed.project_rules = false;
      auto deps = select_files(*installed->node_modules, as_installed);
      if (!deps) return fail(deps.error());
      for (auto& f : deps->files) f.path = "node_modules/" + f.path;
      dependencies = std::move(*deps);
    }
  }

  // Everything that goes in, and the pre-flight unzipped budget before spending time on deflate.
  std::vector<const SelectedFile*> files;
  for (const auto& f : selection->files) files.push_back(&f);
  if (dependencies)
    for (const auto& f : dependencies->files) files.push_back(&f);
  std::vector<SizedPath> sized;
  sized.reserve(files.size());
  for (const auto* f : files) {
    result.unzipped_size += f->size;
    sized.push_back({f->path, f->size, 0});
  }
  result.file_count = files.size();
  if (auto ok = check_size_budget(0, result.unzipped_size, biggest_folders(sized), m_config.limits); !ok) {
    fs::remove(output, ec);  // a zip from an earlier run must not pass for this one
    return fail(ok.error());
  }

  m_observer->phase("writing zip");
  ZipWriter writer({.threads = m_config.zip_threads});
  std::vector<std::string> paths;
  paths.reserve(files.size());
  for (const auto* f : files) {
    if (f->symlink) writer.add_symlink(f->path, f->link_target);
    else writer.add_file(f->path, f->source, f->executable);
    paths.push_back(f->path);
  }
  add_directories(writer, paths);
  if (auto ok = ensure_directory(output.parent_path()); !ok) return fail(ok.error());
  auto written = writer.write(output);
  if (!written) return fail(written.error());

  std::vector<SizedPath> zipped;
  zipped.reserve(written->compressed_sizes.size());
  {
    std::unordered_map<std::string_view, uint64_t> by_path;
    for (const auto& [name, size] : written->compressed_sizes) by_path[name] = size;
    for (const auto* f : files) zipped.push_back({f->path, f->size, by_path[f->path]});
  }
  result.biggest_folders = biggest_folders(zipped);
  result.zip_size = written->size;
  result.code_sha256 = base64_encode(written->sha256);
  if (auto ok = check_size_budget(result.zip_size, result.unzipped_size, result.biggest_folders, m_config.limits); !ok) {
    fs::remove(output, ec);  // never leave an over-budget zip where deploy would pick it up
    return fail(ok.error());
  }
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return result;
}

}  // namespace lcd::package
