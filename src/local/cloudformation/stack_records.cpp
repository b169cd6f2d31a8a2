// The stack and change set records as JSON documents, one per row of the `stacks` and
// `change_sets` tables. Fields added later read with defaults, so older rows load.
#include <nlohmann/json.hpp>

#include "local/cloudformation/stack_state.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

// "arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>" -> field `index` (3 region, 4 account).
std::string arn_field(const std::string& arn, size_t index) {
  auto parts = split(arn, ':');
  return parts.size() > index ? parts[index] : std::string();
}

json detail_to_json(const ChangeDetail& d) {
  return {{"attribute", d.attribute}, {"name", d.name}, {"recreation", d.requires_recreation},
          {"evaluation", d.evaluation}, {"source", d.change_source}, {"entity", d.causing_entity}};
}

ChangeDetail detail_from_json(const json& j) {
  return {j.value("attribute", "Properties"), j.value("name", ""),   j.value("recreation", ""),
          j.value("evaluation", ""),          j.value("source", ""), j.value("entity", "")};
}

}  // namespace

bool is_in_progress(const std::string& status) { return ends_with(status, "_IN_PROGRESS"); }

json stack_to_json(const Stack& s) {
  json j;
  j["id"] = s.id;
  j["name"] = s.name;
  j["region"] = s.region;
  j["account_id"] = s.account_id;
  j["description"] = s.description;
  j["status"] = s.status;
  j["reason"] = s.reason;
  j["creation_time"] = s.creation_time;
  j["last_updated_time"] = s.last_updated_time;
  j["deletion_time"] = s.deletion_time;
  j["template_body"] = s.template_body;
  j["processed_template"] = s.processed_template;
  j["given_parameters"] = s.given_parameters;
  j["parameters"] = s.parameters;
  j["no_echo"] = s.no_echo;
  j["capabilities"] = s.capabilities;
  j["tags"] = s.tags;
  j["disable_rollback"] = s.disable_rollback;
  j["on_failure"] = s.on_failure;
  j["change_set_id"] = s.change_set_id;
  j["outputs"] = json::array();
  for (const auto& o : s.outputs) j["outputs"].push_back({o.key, o.value, o.description, o.export_name});
  j["resources"] = json::array();
  for (const auto& [k, r] : s.resources) {
    j["resources"].push_back({{"logical_id", r.logical_id}, {"type", r.type}, {"physical_id", r.physical_id},
                              {"status", r.status}, {"reason", r.reason}, {"timestamp", r.timestamp},
                              {"properties", r.properties}, {"ref", r.state.ref}, {"attributes", r.state.attributes},
                              {"deletion_policy", r.deletion_policy},
                              {"update_replace_policy", r.update_replace_policy}});
  }
  j["resource_order"] = s.resource_order;
  if (!s.drift.detection_id.empty()) j["drift"] = drift_to_json(s.drift);
  j["events"] = json::array();
  for (const auto& e : s.events) {
    j["events"].push_back({e.event_id, e.logical_id, e.physical_id, e.resource_type, e.timestamp, e.status, e.reason,
                           e.properties});
  }
  return j;
}

Stack stack_from_json(const json& j) {
  Stack s;
  s.id = j.value("id", "");
  s.name = j.value("name", "");
  // Stacks recorded before they carried their region and account: their id says.
  s.region = j.value("region", arn_field(s.id, 3));
  s.account_id = j.value("account_id", arn_field(s.id, 4));
  s.description = j.value("description", "");
  s.status = j.value("status", "");
  s.reason = j.value("reason", "");
  s.creation_time = j.value("creation_time", "");
  s.last_updated_time = j.value("last_updated_time", "");
  s.deletion_time = j.value("deletion_time", "");
  s.template_body = j.value("template_body", "");
  s.processed_template = j.value("processed_template", "");
  s.given_parameters = j.value("given_parameters", std::map<std::string, std::string>());
  s.parameters = j.value("parameters", std::vector<std::pair<std::string, std::string>>());
  s.no_echo = j.value("no_echo", std::vector<std::string>());
  s.capabilities = j.value("capabilities", std::vector<std::string>());
  s.tags = j.value("tags", std::vector<std::pair<std::string, std::string>>());
  s.disable_rollback = j.value("disable_rollback", false);
  s.on_failure = j.value("on_failure", "ROLLBACK");
  s.change_set_id = j.value("change_set_id", "");
  if (j.contains("outputs") && j["outputs"].is_array()) {
    for (const auto& o : j["outputs"]) {
      s.outputs.push_back({o[0].get<std::string>(), o[1].get<std::string>(), o[2].get<std::string>(),
                           o[3].get<std::string>()});
    }
  }
  if (j.contains("resources") && j["resources"].is_array()) {
    for (const auto& r : j["resources"]) {
      StackResourceRecord rec;
      rec.logical_id = r.value("logical_id", "");
      rec.type = r.value("type", "");
      rec.physical_id = r.value("physical_id", "");
      rec.status = r.value("status", "");
      rec.reason = r.value("reason", "");
      rec.timestamp = r.value("timestamp", "");
      rec.properties = r.value("properties", json::object());
      rec.state.ref = r.value("ref", "");
      rec.deletion_policy = r.value("deletion_policy", "Delete");
      rec.update_replace_policy = r.value("update_replace_policy", "Delete");
      if (r.contains("attributes") && r["attributes"].is_object()) {
        for (const auto& [k, v] : r["attributes"].items()) rec.state.attributes[k] = v;
      }
      s.resources[rec.logical_id] = std::move(rec);
    }
  }
  s.resource_order = j.value("resource_order", std::vector<std::string>());
  if (j.contains("drift")) s.drift = drift_from_json(j["drift"]);
  if (j.contains("events") && j["events"].is_array()) {
    for (const auto& e : j["events"]) s.events.push_back({e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7]});
  }
  return s;
}

json change_set_to_json(const ChangeSet& c) {
  json j;
  j["id"] = c.id;
  j["name"] = c.name;
  j["stack_id"] = c.stack_id;
  j["stack_name"] = c.stack_name;
  j["description"] = c.description;
  j["type"] = c.type;
  j["status"] = c.status;
  j["status_reason"] = c.status_reason;
  j["execution_status"] = c.execution_status;
  j["creation_time"] = c.creation_time;
  j["template_body"] = c.template_body;
  j["processed_template"] = c.processed_template;
  j["given_parameters"] = c.given_parameters;
  j["parameters"] = c.parameters;
  j["no_echo"] = c.no_echo;
  j["capabilities"] = c.capabilities;
  j["tags"] = c.tags;
  j["listed"] = c.listed;
  j["changes"] = json::array();
  for (const auto& ch : c.changes) {
    json details = json::array();
    for (const auto& d : ch.details) details.push_back(detail_to_json(d));
    j["changes"].push_back({{"action", ch.action}, {"logical_id", ch.logical_id}, {"physical_id", ch.physical_id},
                            {"type", ch.type}, {"replacement", ch.replacement}, {"scope", ch.scope},
                            {"details", details}});
  }
  return j;
}

ChangeSet change_set_from_json(const json& j) {
  ChangeSet c;
  c.id = j.value("id", "");
  c.name = j.value("name", "");
  c.stack_id = j.value("stack_id", "");
  c.stack_name = j.value("stack_name", "");
  c.description = j.value("description", "");
  c.type = j.value("type", "");
  c.status = j.value("status", "");
  c.status_reason = j.value("status_reason", "");
  c.execution_status = j.value("execution_status", "");
  c.creation_time = j.value("creation_time", "");
  c.template_body = j.value("template_body", "");
  c.processed_template = j.value("processed_template", "");
  c.given_parameters = j.value("given_parameters", std::map<std::string, std::string>());
  c.parameters = j.value("parameters", std::vector<std::pair<std::string, std::string>>());
  c.no_echo = j.value("no_echo", std::vector<std::string>());
  c.capabilities = j.value("capabilities", std::vector<std::string>());
  c.tags = j.value("tags", std::vector<std::pair<std::string, std::string>>());
  c.listed = j.value("listed", true);
  if (j.contains("changes") && j["changes"].is_array()) {
    for (const auto& ch : j["changes"]) {
      ResourceChange change;
      change.action = ch.value("action", "");
      change.logical_id = ch.value("logical_id", "");
      change.physical_id = ch.value("physical_id", "");
      change.type = ch.value("type", "");
      change.replacement = ch.value("replacement", "");
      change.scope = ch.value("scope", std::vector<std::string>());
      if (ch.contains("details") && ch["details"].is_array()) {
        for (const auto& d : ch["details"]) change.details.push_back(detail_from_json(d));
      }
      c.changes.push_back(std::move(change));
    }
  }
  return c;
}

}  // namespace lcd::local::cloudformation
