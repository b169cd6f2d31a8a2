#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <system_error>

#include "cli/command_run.hpp"
#include "cli/commands.hpp"
#include "cli/project_template.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::cli {

void add_init_command(CLI::App& app, GlobalOptions& globals, int& exit_code) {
  struct Options {
    std::string dir = ".";
    std::string name;
    std::string runtime = "nodejs20.x";
  };
  auto opts = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("init", "Write a new project (function, role, tests, lambda-cd.toml) into DIR");
  cmd->add_option("dir", opts->dir, "Folder for the project, created if missing (default: the current one)");
  cmd->add_option("--name", opts->name, "Function name (default: the folder's name)");
  cmd->add_option("--runtime", opts->runtime, "Node.js runtime")->capture_default_str();
  cmd->callback([&globals, &exit_code, opts] {
    namespace fs = std::filesystem;
    auto usage = [&](const std::string& m) {
      exit_code = finish_error(globals, "init", Error{ErrorKind::invalid, m, pipeline::k_config_error});
    };
    std::error_code ec;
    fs::path dir = fs::absolute(opts->dir, ec).lexically_normal();
    if (ec) return usage("cannot resolve " + opts->dir + ": " + ec.message());
    if (dir.filename().empty()) dir = dir.parent_path();
    NewProject project;
    project.name = opts->name.empty() ? function_name_from(dir.filename().string()) : opts->name;
    project.runtime = opts->runtime;
    if (project.name.empty()) return usage("cannot make a function name from " + dir.string() + "; pass --name");
    auto files = new_project_files(project);
    if (!files) return usage(files.error().message);

    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) return usage(dir.string() + " is not a directory");
    std::vector<std::string> existing;
    for (const auto& file : *files)
      if (fs::exists(dir / file.path, ec)) existing.push_back(file.path);
    if (!existing.empty()) {
      return usage("refusing to overwrite " + join(existing, ", ") + " in " + dir.string() + " (nothing was written)");
    }
    nlohmann::json written = nlohmann::json::array();
    for (const auto& file : *files) {
      const fs::path path = dir / file.path;
      if (auto made = ensure_directory(path.parent_path()); !made) {
        exit_code = finish_error(globals, "init", made.error());
        return;
      }
      if (auto w = write_file_atomic(path, file.content); !w) {
        exit_code = finish_error(globals, "init", w.error());
        return;
      }
      written.push_back(file.path);
    }
    if (globals.output == OutputFormat::text && globals.verbosity >= 0) {
      std::printf("created %s (function %s, %s):\n", dir.string().c_str(), project.name.c_str(),
                  project.runtime.c_str());
      for (const auto& file : *files) std::printf("  %s\n", file.path.c_str());
      std::string cd = fs::equivalent(dir, fs::current_path(ec), ec) ? "" : "cd " + opts->dir + " && ";
      std::printf("next: %slambda-cd stack deploy && lambda-cd pipeline --build 1 && lambda-cd promote PROD --build 1\n",
                  cd.c_str());
      std::fflush(stdout);
    }
    exit_code = finish_ok(globals, "init", "",
                          nlohmann::json{{"directory", dir.string()}, {"function", project.name},
                                         {"runtime", project.runtime}, {"files", written}});
  });
}

}  // namespace lcd::cli
