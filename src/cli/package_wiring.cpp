#include "cli/command_run.hpp"
#include "package/packager.hpp"
#include "package/size_budget.hpp"
#include "pipeline/step_context.hpp"

namespace lcd::cli {
namespace {

// Relays the packager's phases as pipeline messages.
class PhaseRelay final : public package::PackageObserver {
 public:
  explicit PhaseRelay(pipeline::Observer& observer) : m_observer(observer) {}
  void phase(std::string_view description) override { m_observer.message(description); }
  void npm_output(std::string_view chunk) override { m_observer.command_output("package", chunk); }

 private:
  pipeline::Observer& m_observer;
};

// The pipeline's PackageBuilder over src/package's Packager.
class ProjectPackager final : public pipeline::PackageBuilder {
 public:
  ProjectPackager(const CliConfig& config, pipeline::Observer& observer) : m_config(config), m_relay(observer) {}
  Result<pipeline::PackageOutput> build() override {
    package::PackageConfig pc;
    pc.include = m_config.project.package.include;
    pc.exclude = m_config.project.package.exclude;
    // Over the direct-upload limit, deploy stages the zip in the [backup] bucket: the packager
    // checks only the unzipped limit (250 MB), and the zipped one is checked here, where a
    // missing bucket can be named as the fix.
    pc.limits.zipped = pc.limits.unzipped;
    package::Packager packager(m_config.project.root, pc, &m_relay);
    auto built = packager.build();
    if (!built) return fail(built.error());
    if (m_config.backup_bucket.empty()) {
      auto direct = package::check_size_budget(built->zip_size, built->unzipped_size, built->biggest_folders,
                                               package::SizeLimits{});
      if (!direct) {
        std::error_code ec;
        std::filesystem::remove(built->zip_path, ec);  // never leave a zip deploy could not send
        return pipeline::config_error(direct.error().message +
                                      "\nTo deploy it through S3, set [backup] bucket in lambda-cd.toml "
                                      "(or LAMBDA_CD_BACKUP_BUCKET).");
      }
    }
    pipeline::PackageOutput out;
    out.zip_path = built->zip_path;
    out.zip_size = static_cast<int64_t>(built->zip_size);
    out.unzipped_size = static_cast<int64_t>(built->unzipped_size);
    out.code_sha256 = built->code_sha256;
    for (const auto& left : built->left_out) {
      if (left.reason == package::LeftOutReason::secret) out.left_out.push_back(left.describe());
    }
    out.notes.push_back(std::to_string(built->file_count) + " files");
    if (!built->npm_command.empty()) {
      out.notes.push_back(built->dependencies_from_cache ? "production dependencies from cache (lockfile unchanged)"
                                                         : "production dependencies installed: " + built->npm_command);
    }
    return out;
  }

 private:
  const CliConfig& m_config;
  PhaseRelay m_relay;
};

}  // namespace

std::unique_ptr<pipeline::PackageBuilder> CommandRun::make_packager() {
  return std::make_unique<ProjectPackager>(config, observer);
}

}  // namespace lcd::cli
