// Package benchmarks, each against its shell baseline measured in the same run:
//   1. the zip writer (lambda-cd's Packager on a tree without package.json) vs `zip -qr`, on a
//      generated tree of 5,000 files; also checks that two runs give byte-identical zips;
//   2. `package` with an unchanged lockfile (dependency cache hit) vs `npm install --production && zip -qr`
//      on a small dependency-free project (offline: npm_config_offline=true).
// Median of N interleaved runs. Usage: package_zip_bench [runs=5] [files=5000]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "package/packager.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"
#include "util/subprocess.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// Source-like text: words from a small vocabulary, so deflate has realistic work.
void generate_tree(const fs::path& root, int files) {
  static const char* words[] = {"const", "function", "return", "module", "exports", "require", "async", "await",
                                "handler", "event", "context", "=", "(", ")", "{", "}", ";", "\n", "if", "else",
                                "value", "name", "greeting", "lambda", "alias", "version", "0", "1", "42"};
  std::mt19937 rng(12345);
  for (int i = 0; i < files; ++i) {
    const size_t size = 200 + rng() % 12000;
    std::string text;
    while (text.size() < size) {
      text += words[rng() % (sizeof words / sizeof *words)];
      text += ' ';
    }
    write_text(root / ("pkg" + std::to_string(i % 97)) / ("sub" + std::to_string(i % 7)) / ("file" + std::to_string(i) + ".js"), text);
  }
}

double seconds_of(const std::function<void()>& f) {
  auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void must(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "benchmark failed: %s\n", what.c_str());
    std::exit(1);
  }
}

void run_shell(const std::string& command, const fs::path& cwd) {
  auto r = lcd::run_process({.argv = {"sh", "-c", command}, .cwd = cwd});
  must(r && r->ok(), command + (r ? ": " + r->output : ""));
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::atoi(argv[1]) : 5;
  const int files = argc > 2 ? std::atoi(argv[2]) : 5000;
  lcd::TempDir tmp("lcd-package-bench");

  // 1. zip writer vs zip -qr
  const fs::path tree = tmp.path() / "tree";
  generate_tree(tree, files);
  std::vector<double> ours, ours1, theirs;
  std::vector<std::string> hashes;
  for (int i = 0; i < runs; ++i) {
    const fs::path out = tmp.path() / ("ours-" + std::to_string(i) + ".zip");
    ours.push_back(seconds_of([&] {
      lcd::package::PackageConfig config;
      config.output = out;
      auto r = lcd::package::Packager(tree, config).build();
      must(r.has_value(), r ? "" : r.error().message);
      hashes.push_back(r->code_sha256);
    }));
    ours1.push_back(seconds_of([&] {
      lcd::package::PackageConfig config;
      config.output = tmp.path() / "ours-1thread.zip";
      config.zip_threads = 1;
      auto r = lcd::package::Packager(tree, config).build();
      must(r.has_value(), r ? "" : r.error().message);
    }));
    const fs::path zout = tmp.path() / ("zip-" + std::to_string(i) + ".zip");
    theirs.push_back(seconds_of([&] { run_shell("zip -qr '" + zout.string() + "' .", tree); }));
  }
  bool identical = std::all_of(hashes.begin(), hashes.end(), [&](const std::string& h) { return h == hashes[0]; });
  auto ours_bytes = lcd::read_file(tmp.path() / "ours-0.zip");
  auto ours_bytes_last = lcd::read_file(tmp.path() / ("ours-" + std::to_string(runs - 1) + ".zip"));
  identical = identical && ours_bytes && ours_bytes_last && *ours_bytes == *ours_bytes_last;
  auto zip_a = lcd::read_file(tmp.path() / "zip-0.zip");
  auto zip_b = lcd::read_file(tmp.path() / ("zip-" + std::to_string(runs - 1) + ".zip"));
  const bool zip_identical = zip_a && zip_b && *zip_a == *zip_b;
  std::printf("zip writer on %d files (%d runs, median)\n", files, runs);
  std::printf("  lambda-cd package (auto threads): %8.3f s   zip size %zu\n", median(ours), ours_bytes ? ours_bytes->size() : 0);
  std::printf("  lambda-cd package (1 thread):     %8.3f s\n", median(ours1));
  std::printf("  zip -qr:                          %8.3f s   zip size %zu\n", median(theirs), zip_a ? zip_a->size() : 0);
  std::printf("  ratio zip -qr / lambda-cd:        %8.2fx (1 thread: %.2fx)\n", median(theirs) / median(ours),
              median(theirs) / median(ours1));
  std::printf("  lambda-cd byte-identical across %d runs: %s (CodeSha256 %s)\n", runs, identical ? "yes" : "NO",
              hashes[0].c_str());
  std::printf("  zip -qr byte-identical across runs: %s\n", zip_identical ? "yes" : "no");

  // 2. package with an unchanged lockfile vs npm install --production && zip -r
  if (!lcd::find_executable("npm")) {
    std::printf("npm not found: package benchmark skipped\n");
    return identical ? 0 : 1;
  }
  ::setenv("npm_config_offline", "true", 1);
  ::setenv("npm_config_update_notifier", "false", 1);
  const fs::path project = tmp.path() / "project";
  write_text(project / "package.json", "{\"name\":\"bench-fn\",\"version\":\"1.0.0\",\"private\":true,\"dependencies\":{}}\n");
  for (int i = 0; i < 20; ++i)
    write_text(project / "src" / ("m" + std::to_string(i) + ".js"), "module.exports = () => 'module " + std::to_string(i) + "';\n");
  write_text(project / "index.js", "exports.handler = async () => 'ok';\n");
  run_shell("npm install --no-audit --no-fund --loglevel=error >/dev/null", project);  // creates package-lock.json
  lcd::package::PackageConfig config;
  config.output = tmp.path() / "pkg.zip";
  config.cache_dir = tmp.path() / "cache";
  {
    auto warm = lcd::package::Packager(project, config).build();  // fills the cache
    must(warm.has_value(), warm ? "" : warm.error().message);
  }
  std::vector<double> cached, shell;
  bool npm_ran = false;
  for (int i = 0; i < runs; ++i) {
    cached.push_back(seconds_of([&] {
      auto r = lcd::package::Packager(project, config).build();
      must(r.has_value(), r ? "" : r.error().message);
      npm_ran = npm_ran || r->npm_ran;
    }));
    const fs::path copy = tmp.path() / ("shell-" + std::to_string(i));
    fs::copy(project, copy, fs::copy_options::recursive);
    shell.push_back(seconds_of([&] {
      run_shell("npm install --production --no-audit --no-fund --loglevel=error >/dev/null && zip -qr ../shell.zip .", copy);
    }));
    fs::remove_all(copy);
    fs::remove(tmp.path() / "shell.zip");
  }
  std::printf("package, unchanged lockfile, zero-dependency project (%d runs, median)\n", runs);
  std::printf("  lambda-cd package (cache hit):              %8.3f s   npm ran: %s\n", median(cached), npm_ran ? "yes" : "no");
  std::printf("  npm install --production && zip -qr:        %8.3f s\n", median(shell));
  std::printf("  ratio shell / lambda-cd:                    %8.2fx\n", median(shell) / median(cached));
  return identical ? 0 : 1;
}
