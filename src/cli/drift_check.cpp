#include "cli/drift_check.hpp"

#include <system_error>

#include <nlohmann/json.hpp>

#include "util/file_io.hpp"

namespace lcd::cli {

Result<DriftReport> check_config_drift(const CliConfig& config, clients::LambdaClient& lambda) {
  DriftReport report;
  const auto& fn = config.project.function;
  FunctionView toml = view_of(fn);

  std::optional<FunctionView> deployed;
  auto current = lambda.get_function_configuration(fn.name);
  if (current) {
    report.function_exists = true;
    deployed = view_of(*current);
  } else if (current.error().kind != ErrorKind::not_found) {
    return fail(current.error());
  }

  std::optional<FunctionView> stack;
  std::filesystem::path path = config.stack.template_path;
  if (path.is_relative()) path = config.project.root / path;
  report.template_name = std::filesystem::path(config.stack.template_path).filename().string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    report.note = "no " + report.template_name + " in the project";
  } else if (auto body = read_file(path); !body) {
    report.note = "cannot read " + path.string() + ": " + body.error().message;
  } else if (auto found = function_in_template(*body, config.stack.parameters, fn.name); !found) {
    report.note = report.template_name + " does not parse: " + found.error().message;
  } else if (!*found) {
    report.note = report.template_name + " has no AWS::Lambda::Function named " + fn.name;
  } else {
    stack = **found;
    report.template_checked = true;
  }
  report.lines = compare_function_views(toml, deployed ? &*deployed : nullptr, stack ? &*stack : nullptr);
  return report;
}

nlohmann::json drift_json(const DriftReport& report) {
  nlohmann::json lines = nlohmann::json::array();
  auto value = [](const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  for (const auto& line : report.lines) {
    lines.push_back({{"setting", line.setting}, {"lambda_cd_toml", value(line.toml)},
                     {"function", value(line.function)}, {"template", value(line.stack)}});
  }
  nlohmann::json out{{"settings", lines}, {"function_exists", report.function_exists},
                     {"template_checked", report.template_checked}};
  if (!report.note.empty()) out["note"] = report.note;
  return out;
}

std::vector<std::string> drift_lines(const DriftReport& report) {
  std::vector<std::string> out;
  for (const auto& line : report.lines) out.push_back(describe(line, report.template_name));
  if (out.empty()) {
    std::string compared = std::string("lambda-cd.toml") + (report.function_exists ? ", the function" : "") +
                           (report.template_checked ? ", " + report.template_name : "");
    out.push_back("no drift between " + compared);
  }
  if (!report.note.empty()) out.push_back("(" + report.note + ")");
  return out;
}

}  // namespace lcd::cli
