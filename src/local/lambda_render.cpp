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

namespace {

json base_config(const std::string& spec_json, const std::string& name, const std::string& arn,
                 const std::string& version, const std::string& code_sha256, int64_t code_size,
                 const std::string& revision_id, const std::string& last_modified) {
  json out = json::parse(spec_json, nullptr, false);
  if (!out.is_object()) out = json::object();
  out["FunctionName"] = name;
  out["FunctionArn"] = arn;
  out["Version"] = version;
  out["CodeSha256"] = code_sha256;
  out["CodeSize"] = code_size;
  out["RevisionId"] = revision_id;
  out["LastModified"] = last_modified;
  return out;
}

}  // namespace

json render_latest(const FunctionRow& row, const std::string& account, int64_t now_ms, bool qualified,
                   bool for_list) {
  std::string arn = qualified ? qualified_arn(row.region, account, row.name, "$LATEST")
                              : function_arn(row.region, account, row.name);
  json out = base_config(row.spec_json, row.name, arn, "$LATEST", row.code_sha256, row.code_size, row.revision_id,
                         row.last_modified);
  if (for_list) return out;
  switch (phase_of(row, now_ms)) {
    case FunctionPhase::creating:
      out["State"] = "Pending";
      out["StateReason"] = "The function is being created.";
      out["StateReasonCode"] = "Creating";
      break;
    case FunctionPhase::updating:
      out["State"] = "Active";
      out["LastUpdateStatus"] = "InProgress";
      out["LastUpdateStatusReason"] = "The function is being updated.";
      out["LastUpdateStatusReasonCode"] = "Updating";
      break;
    case FunctionPhase::ready:
      out["State"] = "Active";
      out["LastUpdateStatus"] = "Successful";
      break;
  }
  return out;
}

json render_version(const VersionRow& row, const std::string& account, bool for_list) {
  std::string version = std::to_string(row.version);
  json out = base_config(row.spec_json, row.function_name,
                         qualified_arn(row.region, account, row.function_name, version), version, row.code_sha256,
                         row.code_size, row.revision_id, row.last_modified);
  if (!for_list) {
    out["State"] = "Active";
    out["LastUpdateStatus"] = "Successful";
  }
  return out;
}

json render_alias(const AliasRow& row, const std::string& account) {
  json out{{"AliasArn", qualified_arn(row.region, account, row.function_name, row.name)},
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
