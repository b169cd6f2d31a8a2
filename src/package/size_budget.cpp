#include "package/size_budget.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace lcd::package {

std::string budget_group(std::string_view path) {
  const size_t slash = path.find('/');
  if (slash == std::string_view::npos) return "(top-level files)";
  std::string_view first = path.substr(0, slash);
  if (first != "node_modules") return std::string(first) + "/";
  std::string_view rest = path.substr(slash + 1);
  size_t end = rest.find('/');
  if (end == std::string_view::npos) return "node_modules/";
  if (!rest.empty() && rest.front() == '@') {
    size_t second = rest.find('/', end + 1);
    if (second == std::string_view::npos) return "node_modules/" + std::string(rest.substr(0, end)) + "/";
    end = second;
  }
  return "node_modules/" + std::string(rest.substr(0, end)) + "/";
}

std::vector<FolderSize> biggest_folders(const std::vector<SizedPath>& paths, size_t limit) {
  std::map<std::string, FolderSize> groups;
  for (const auto& p : paths) {
    auto& g = groups[budget_group(p.path)];
    g.unzipped += p.unzipped;
    g.zipped += p.zipped;
    g.files += 1;
  }
  std::vector<FolderSize> out;
  out.reserve(groups.size());
  for (auto& [name, g] : groups) {
    g.folder = name;
    out.push_back(g);
  }
  std::sort(out.begin(), out.end(), [](const FolderSize& a, const FolderSize& b) {
    return a.unzipped != b.unzipped ? a.unzipped > b.unzipped : a.folder < b.folder;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::string human_size(uint64_t bytes) {
  char buf[32];
  if (bytes < 1000) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else if (bytes < 1000 * 1000) std::snprintf(buf, sizeof buf, "%.1f kB", bytes / 1e3);
  else std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  return buf;
}

Result<void> check_size_budget(uint64_t zipped, uint64_t unzipped, const std::vector<FolderSize>& breakdown,
                               const SizeLimits& limits) {
  std::string what;
  if (unzipped > limits.unzipped)
    what = "the package is " + human_size(unzipped) + " unzipped (" + std::to_string(unzipped) + " bytes), over Lambda's limit of " +
           human_size(limits.unzipped) + " (" + std::to_string(limits.unzipped) + " bytes)";
  else if (zipped > limits.zipped)
    what = "the zip is " + human_size(zipped) + " (" + std::to_string(zipped) + " bytes), over Lambda's direct-upload limit of " +
           human_size(limits.zipped) + " (" + std::to_string(limits.zipped) + " bytes)";
  else
    return {};
  std::string message = what + ". Biggest folders:";
  for (const auto& f : breakdown) {
    message += "\n  " + f.folder + "  " + human_size(f.unzipped) + " unzipped";
    if (f.zipped) message += ", " + human_size(f.zipped) + " zipped";
    message += ", " + std::to_string(f.files) + (f.files == 1 ? " file" : " files");
  }
  message += "\nExclude what the function does not need (package.exclude in lambda-cd.toml) or move dev-only packages to devDependencies.";
  return fail(ErrorKind::invalid, message);
}

}  // namespace lcd::package
