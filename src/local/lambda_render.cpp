#include "local/lambda_render.hpp"

#include <nlohmann/json.hpp>

#include "local/function_name.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"

namespace lcd::local {

using nlohmann::json;

FunctionPhase phase_of(const FunctionRow& row, int64_t now_ms) {
  if (now_ms >= row.busy_until_ms) return FunctionPhase::ready;
  return row.creating ? FunctionPhase::creating : FunctionPhase::updating;
}

json effective_logging_config(const json& spec, const std::string& function_name) {
  json stored = spec.is_object() && spec.contains("LoggingConfig") && spec["LoggingConfig"].is_object()
                    ? spec["LoggingConfig"]
                    : json::object();
  json out = json::object();
  std::string format = stored.value("LogFormat", "Text");
  out["LogFormat"] = format;
  out["LogGroup"] = stored.value("LogGroup", "/aws/lambda/" + function_name);
  if (format == "JSON") {
    out["ApplicationLogLevel"] = stored.value("ApplicationLogLevel", "INFO");
    out["SystemLogLevel"] = stored.value("SystemLogLevel", "INFO");
  }
  return out;
}

std::string runtime_version_arn(const std::string& region, const std::string& runtime) {
  return "arn:aws:lambda:" + region + "::runtime:" + hex_encode(sha256("lambda-cd runtime " + runtime));
}

namespace {

json base_config(const std::string& spec_json, const std::string& region, const std::string& name,
                 const std::string& arn, const std::string& version, const std::string& code_sha256, int64_t code_size,
                 const std::string& revision_id, const std::string& last_modified, ConfigView view) {
  json out = json::parse(spec_json, nullptr, false);
  if (!out.is_object()) out = json::object();
  out["LoggingConfig"] = effective_logging_config(out, name);
  if (view == ConfigView::full && out.contains("Runtime") && out["Runtime"].is_string()) {
    out["RuntimeVersionConfig"] = {{"RuntimeVersionArn", runtime_version_arn(region, out["Runtime"])}};
  }
  out["FunctionName"] = name;
  out["FunctionArn"] = arn;
  out["Version"] = version;
  out["CodeSha256"] = code_sha256;
  out["CodeSize"] = code_size;
  out["RevisionId"] = revision_id;
  out["LastModified"] = last_modified;
  return out;
}

void set_pending(json& out) {
  out["State"] = "Pending";
  out["StateReason"] = "The function is being created.";
  out["StateReasonCode"] = "Creating";
}

}  // namespace

json render_latest(const FunctionRow& row, int64_t now_ms, bool qualified, ConfigView view) {
  std::string arn = qualified ? qualified_arn(row.region, row.account, row.name, "$LATEST")
                              : function_arn(row.region, row.account, row.name);
  json out = base_config(row.spec_json, row.region, row.name, arn, "$LATEST", row.code_sha256, row.code_size,
                         row.revision_at(now_ms), row.last_modified, view);
  if (view == ConfigView::list) return out;
  switch (phase_of(row, now_ms)) {
    case FunctionPhase::creating:
      set_pending(out);
      break;
    case FunctionPhase::updating:
      // AWS words an update's InProgress reason as it words creation (responses recorded 2025).
      out["State"] = "Active";
      out["LastUpdateStatus"] = "InProgress";
      out["LastUpdateStatusReason"] = "The function is being created.";
      out["LastUpdateStatusReasonCode"] = "Creating";
      break;
    case FunctionPhase::ready:
      out["State"] = "Active";
      out["LastUpdateStatus"] = "Successful";
      break;
  }
  return out;
}

json render_version(const VersionRow& row, int64_t now_ms, ConfigView view, const std::string& arn_qualifier) {
  std::string version = std::to_string(row.version);
  json out = base_config(row.spec_json, row.region, row.function_name,
                         qualified_arn(row.region, row.account, row.function_name,
                                       arn_qualifier.empty() ? version : arn_qualifier),
                         version, row.code_sha256, row.code_size, row.revision_id, row.last_modified, view);
  if (view == ConfigView::list) return out;
  if (now_ms < row.pending_until_ms) {
    set_pending(out);
  } else {
    out["State"] = "Active";
    out["LastUpdateStatus"] = "Successful";
  }
  return out;
}

json render_alias(const AliasRow& row) {
  json out{{"AliasArn", qualified_arn(row.region, row.account, row.function_name, row.name)},
           {"Name", row.name},
           {"FunctionVersion", row.function_version},
           {"Description", row.description},
           {"RevisionId", row.revision_id}};
  json routing = json::parse(row.routing_json, nullptr, false);
  if (routing.is_object() && !routing.empty()) out["RoutingConfig"] = {{"AdditionalVersionWeights", routing}};
  return out;
}

std::string source_hash(const std::string& spec_json, const std::string& code_sha256) {
  // spec_json is produced by nlohmann (sorted keys), so equal configurations give equal text.
  return hex_encode(sha256(spec_json + "\n" + code_sha256));
}

}  // namespace lcd::local
