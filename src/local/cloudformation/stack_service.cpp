#include "local/cloudformation/stack_service.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

#include "local/cloudformation/stack_state.hpp"
#include "local/protocol/error_response.hpp"
#include "local/protocol/query_request.hpp"
#include "local/protocol/xml_writer.hpp"
#include "local/cloudformation/template_analysis.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "local/state_layout.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS stacks (stack_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, doc TEXT NOT NULL);
)sql";

constexpr size_t k_max_template_bytes = 51200;
constexpr const char* k_cfn_xmlns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

Error error_with(std::string code, std::string message) {
  Error e{ErrorKind::invalid, std::move(message)};
  e.code = std::move(code);
  e.http_status = 400;
  return e;
}

void write_stack(XmlWriter& x, const Stack& s) {
  x.open("member");
  x.leaf("StackId", s.id).leaf("StackName", s.name);
  x.optional_leaf("Description", s.description);
  x.open("Parameters");
  for (const auto& [k, v] : s.parameters) {
    bool hidden = std::find(s.no_echo.begin(), s.no_echo.end(), k) != s.no_echo.end();
    x.open("member").leaf("ParameterKey", k).leaf("ParameterValue", hidden ? "****" : v).close("member");
  }
  x.close("Parameters");
  x.leaf("CreationTime", s.creation_time);
  x.optional_leaf("LastUpdatedTime", s.last_updated_time);
  x.optional_leaf("DeletionTime", s.deletion_time);
  x.open("RollbackConfiguration").close("RollbackConfiguration");
  x.leaf("StackStatus", s.status);
  x.optional_leaf("StackStatusReason", s.reason);
  x.leaf("DisableRollback", s.disable_rollback ? "true" : "false");
  x.open("NotificationARNs").close("NotificationARNs");
  x.open("Capabilities");
  for (const auto& c : s.capabilities) x.leaf("member", c);
  x.close("Capabilities");
  x.open("Outputs");
  for (const auto& o : s.outputs) {
    x.open("member").leaf("OutputKey", o.key).leaf("OutputValue", o.value);
    x.optional_leaf("Description", o.description).optional_leaf("ExportName", o.export_name);
    x.close("member");
  }
  x.close("Outputs");
  x.open("Tags");
  for (const auto& [k, v] : s.tags) x.open("member").leaf("Key", k).leaf("Value", v).close("member");
  x.close("Tags");
  x.leaf("EnableTerminationProtection", "false");
  x.open("DriftInformation").leaf("StackDriftStatus", "NOT_CHECKED").close("DriftInformation");
  x.close("member");
}

}  // namespace

bool is_in_progress(const std::string& status) { return ends_with(status, "_IN_PROGRESS"); }

json stack_to_json(const Stack& s) {
  json j;
  j["id"] = s.id;
  j["name"] = s.name;
  j["description"] = s.description;
  j["status"] = s.status;
  j["reason"] = s.reason;
  j["creation_time"] = s.creation_time;
  j["last_updated_time"] = s.last_updated_time;
  j["deletion_time"] = s.deletion_time;
  j["template_body"] = s.template_body;
  j["given_parameters"] = s.given_parameters;
  j["parameters"] = s.parameters;
  j["no_echo"] = s.no_echo;
  j["capabilities"] = s.capabilities;
  j["tags"] = s.tags;
  j["disable_rollback"] = s.disable_rollback;
  j["on_failure"] = s.on_failure;
  j["outputs"] = json::array();
  for (const auto& o : s.outputs) j["outputs"].push_back({o.key, o.value, o.description, o.export_name});
  j["resources"] = json::array();
  for (const auto& [k, r] : s.resources) {
    j["resources"].push_back({{"logical_id", r.logical_id}, {"type", r.type}, {"physical_id", r.physical_id},
                              {"status", r.status}, {"reason", r.reason}, {"timestamp", r.timestamp},
                              {"properties", r.properties}, {"ref", r.state.ref}, {"attributes", r.state.attributes}});
  }
  j["resource_order"] = s.resource_order;
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
  s.description = j.value("description", "");
  s.status = j.value("status", "");
  s.reason = j.value("reason", "");
  s.creation_time = j.value("creation_time", "");
  s.last_updated_time = j.value("last_updated_time", "");
  s.deletion_time = j.value("deletion_time", "");
  s.template_body = j.value("template_body", "");
  s.given_parameters = j.value("given_parameters", std::map<std::string, std::string>());
  s.parameters = j.value("parameters", std::vector<std::pair<std::string, std::string>>());
  s.no_echo = j.value("no_echo", std::vector<std::string>());
  s.capabilities = j.value("capabilities", std::vector<std::string>());
  s.tags = j.value("tags", std::vector<std::pair<std::string, std::string>>());
  s.disable_rollback = j.value("disable_rollback", false);
  s.on_failure = j.value("on_failure", "ROLLBACK");
  if (j.contains("outputs") && j["outputs"].is_array()) for (const auto& o : j["outputs"]) {
    s.outputs.push_back({o[0].get<std::string>(), o[1].get<std::string>(), o[2].get<std::string>(), o[3].get<std::string>()});
  }
  if (j.contains("resources") && j["resources"].is_array()) for (const auto& r : j["resources"]) {
    StackResourceRecord rec;
    rec.logical_id = r.value("logical_id", "");
    rec.type = r.value("type", "");
    rec.physical_id = r.value("physical_id", "");
    rec.status = r.value("status", "");
    rec.reason = r.value("reason", "");
    rec.timestamp = r.value("timestamp", "");
    rec.properties = r.value("properties", json::object());
    rec.state.ref = r.value("ref", "");
    if (r.contains("attributes") && r["attributes"].is_object()) {
      for (const auto& [k, v] : r["attributes"].items()) rec.state.attributes[k] = v;
    }
    s.resources[rec.logical_id] = std::move(rec);
  }
  s.resource_order = j.value("resource_order", std::vector<std::string>());
  if (j.contains("events") && j["events"].is_array()) for (const auto& e : j["events"]) {
    s.events.push_back({e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7]});
  }
  return s;
}

StackService::Impl::~Impl() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(m_threads_mutex);
    threads.swap(m_threads);
  }
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
}

Result<void> StackService::Impl::load() {
  auto db = SqliteDb::open(state_database(m_options.state_dir), k_schema);
  if (!db) return fail(db.error());
  m_db = std::move(*db);
  auto legacy = m_options.state_dir / "cloudformation" / "stacks.sqlite3";
  std::error_code ec;
  if (std::filesystem::exists(legacy, ec)) {
    auto imported = m_db->import_tables(legacy, {"stacks"});
    if (imported) imported = retire_legacy_database(legacy);
    if (!imported) return fail(ErrorKind::io, "importing " + legacy.string() + ": " + imported.error().message);
  }
  auto rows = m_db->query("SELECT doc FROM stacks ORDER BY seq");
  if (!rows) return fail(rows.error());
  for (const auto& row : *rows) {
    auto j = json::parse(text_of(row[0]), nullptr, false);
    if (j.is_discarded()) continue;
    Stack s = stack_from_json(j);
    if (is_in_progress(s.status)) {
      // The process stopped mid-operation: nothing will finish it.
      std::string failed = starts_with(s.status, "DELETE") ? "DELETE_FAILED"
                           : starts_with(s.status, "UPDATE") ? "UPDATE_ROLLBACK_FAILED"
                           : starts_with(s.status, "ROLLBACK") ? "ROLLBACK_FAILED"
                                                                : "CREATE_FAILED";
      s.status = failed;
      s.reason = "lambda-cd local stopped while the operation was in progress";
    }
    m_order.push_back(s.id);
    m_stacks[s.id] = std::move(s);
  }
  return {};
}

std::string StackService::Impl::now() const { return format_iso8601_ms(system_clock().now()); }

StackIdentity StackService::Impl::identity_of(const Stack& stack) const {
  return {m_options.region, m_options.account_id, stack.name, stack.id};
}

Stack* StackService::Impl::find_by_id(const std::string& id) {
  auto it = m_stacks.find(id);
  return it == m_stacks.end() ? nullptr : &it->second;
}

Stack* StackService::Impl::find(const std::string& name_or_id) {
  if (starts_with(name_or_id, "arn:")) return find_by_id(name_or_id);
  for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
    Stack& s = m_stacks[*it];
    if (s.name == name_or_id && s.status != "DELETE_COMPLETE") return &s;
  }
  return nullptr;
}

void StackService::Impl::persist(const Stack& stack) {
  auto seq = std::find(m_order.begin(), m_order.end(), stack.id) - m_order.begin();
  auto saved = m_db->exec("INSERT OR REPLACE INTO stacks (stack_id, seq, doc) VALUES (?, ?, ?)",
                          {stack.id, static_cast<int64_t>(seq), stack_to_json(stack).dump()});
  if (saved) return;
  std::lock_guard lock(m_state_error_mutex);
  if (m_state_error.empty()) m_state_error = "stack " + stack.name + " could not be saved: " + saved.error().message;
}

std::optional<HttpResponse> StackService::Impl::refusal_after_lost_write(const RequestContext& context) {
  std::lock_guard lock(m_state_error_mutex);
  if (m_state_error.empty()) return std::nullopt;
  return query_error(make_api_error(500, "InternalFailure",
                                    "The CloudFormation state of this endpoint could not be saved (" + m_state_error +
                                        "); restart lambda-cd local"),
                     context.request_id, k_cfn_xmlns);
}

void StackService::Impl::emit(Stack& stack, const std::string& logical_id, const std::string& type,
                              const std::string& physical_id, const std::string& status, const std::string& reason,
                              const std::string& properties) {
  stack.events.push_back({random_uuid(), logical_id, physical_id, type, now(), status, reason, properties});
  auto r = stack.resources.find(logical_id);
  if (r != stack.resources.end()) {
    r->second.status = status;
    r->second.reason = reason;
    r->second.timestamp = stack.events.back().timestamp;
  }
  persist(stack);
}

void StackService::Impl::set_stack_status(Stack& stack, const std::string& status, const std::string& reason) {
  stack.status = status;
  stack.reason = reason;
  stack.events.push_back({random_uuid(), stack.name, stack.id, "AWS::CloudFormation::Stack", now(), status, reason, ""});
  persist(stack);
}

void StackService::Impl::start(std::function<void()> work) {
  std::lock_guard lock(m_threads_mutex);
  m_threads.emplace_back(std::move(work));
}

namespace {

struct Validated {
  TemplateInfo info;
  std::map<std::string, json> parameters;
};

Result<Validated> validate_for_stack(const std::string& body, const std::map<std::string, std::string>& given,
                                     const std::vector<std::string>& capabilities) {
  if (body.size() > k_max_template_bytes) {
    return fail(validation_error("1 validation error detected: Value '[...]' at 'templateBody' failed to satisfy "
                                 "constraint: Member must have length less than or equal to 51200"));
  }
  auto model = parse_template(body);
  if (!model) return fail(model.error());
  auto info = analyze_template(*model);
  if (!info) return fail(info.error());
  if (auto caps = check_capabilities(*info, capabilities); !caps) return fail(caps.error());
  if (!info->declared_transforms.empty()) {
    return fail(validation_error("Template format error: transforms are not supported by lambda-cd local: " +
                                 join(info->declared_transforms, ", ")));
  }
  auto params = resolve_parameters(info->parameters, given);
  if (!params) return fail(params.error());
  return Validated{std::move(*info), std::move(*params)};
}

std::vector<std::pair<std::string, std::string>> display_parameters(const std::map<std::string, json>& resolved) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : resolved) {
    if (v.is_array()) {
      std::vector<std::string> items;
      for (const auto& i : v) items.push_back(i.get<std::string>());
      out.emplace_back(k, join(items, ","));
    } else {
      out.emplace_back(k, v.get<std::string>());
    }
  }
  return out;
}

}  // namespace

HttpResponse StackService::Impl::handle(const HttpRequest& request, const RequestContext& context) {
  const std::string& request_id = context.request_id;
  QueryRequest form(request);
  const std::string& action = form.action();
  auto respond = [&](const std::string& inner, bool empty = false) {
    HttpResponse r;
    r.status = 200;
    r.content_type = "text/xml";
    r.body = query_response_xml(action, inner, request_id, k_cfn_xmlns, empty);
    r.set_header("x-amzn-RequestId", request_id);
    return r;
  };
  auto error = [&](const Error& e) {
    ApiError api = from_error(e);
    if (e.code.empty()) api = make_api_error(e.http_status ? e.http_status : 500, "InternalFailure", e.message);
    return query_error(api, request_id, k_cfn_xmlns);
  };
  auto template_body = [&]() -> Result<std::string> {
    if (form.has("TemplateBody") && form.has("TemplateURL")) {
      return fail(validation_error("Specify exactly one of TemplateBody or TemplateUrl."));
    }
    if (form.has("TemplateBody")) return form.get("TemplateBody");
    if (form.has("TemplateURL")) {
      // https://<host>/<bucket>/<key> (path style) served from the local S3.
      std::string url = form.get("TemplateURL");
      auto scheme = url.find("://");
      auto path_start = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
      if (!m_s3 || path_start == std::string::npos) {
        return fail(validation_error("TemplateURL must reference a valid S3 object to which you have access."));
      }
      std::string path = url.substr(path_start + 1);
      auto slash = path.find('/');
      if (slash == std::string::npos) {
        return fail(validation_error("TemplateURL must reference a valid S3 object to which you have access."));
      }
      auto bytes = m_s3->get_object_bytes(path.substr(0, slash), path.substr(slash + 1));
      if (!bytes) return fail(validation_error("TemplateURL must reference a valid S3 object to which you have access."));
      return *bytes;
    }
    return fail(validation_error("Either Template URL or Template Body must be specified."));
  };
  try {
    if (action == "ValidateTemplate") {
      auto body = template_body();
      if (!body) return error(body.error());
      auto model = parse_template(*body);
      if (!model) return error(model.error());
      auto info = analyze_template(*model);
      if (!info) return error(info.error());
      XmlWriter x;
      x.open("Parameters");
      for (const auto& p : info->parameters) {
        x.open("member").leaf("ParameterKey", p.name);
        if (p.default_value) x.leaf("DefaultValue", *p.default_value);
        x.leaf("NoEcho", p.no_echo ? "true" : "false").optional_leaf("Description", p.description).close("member");
      }
      x.close("Parameters");
      x.optional_leaf("Description", info->description);
      x.open("Capabilities");
      for (const auto& c : info->capabilities) x.leaf("member", c);
      x.close("Capabilities");
      x.optional_leaf("CapabilitiesReason", info->capabilities_reason);
      x.open("DeclaredTransforms");
      for (const auto& t : info->declared_transforms) x.leaf("member", t);
      x.close("DeclaredTransforms");
      return respond(x.str());
    }
    if (action == "CreateStack") {
      std::string name = form.get("StackName");
      static const std::regex k_name(R"([a-zA-Z][-a-zA-Z0-9]{0,127})");
      if (!std::regex_match(name, k_name)) {
        return error(validation_error("1 validation error detected: Value '" + name +
                                      "' at 'stackName' failed to satisfy constraint: Member must satisfy regular "
                                      "expression pattern: [a-zA-Z][-a-zA-Z0-9]*"));
      }
      auto body = template_body();
      if (!body) return error(body.error());
      std::map<std::string, std::string> given;
      for (const auto& p : form.structs("Parameters")) given[p.count("ParameterKey") ? p.at("ParameterKey") : ""] =
          p.count("ParameterValue") ? p.at("ParameterValue") : "";
      auto capabilities = form.list("Capabilities");
      std::string on_failure = form.has("OnFailure") ? form.get("OnFailure") : "ROLLBACK";
      if (on_failure != "ROLLBACK" && on_failure != "DO_NOTHING" && on_failure != "DELETE") {
        return error(validation_error("1 validation error detected: Value '" + on_failure +
                                      "' at 'onFailure' failed to satisfy constraint: Member must satisfy enum value "
                                      "set: [DO_NOTHING, ROLLBACK, DELETE]"));
      }
      if (form.has("OnFailure") && form.has("DisableRollback")) {
        return error(validation_error("You can specify either DisableRollback or OnFailure, but not both."));
      }
      std::lock_guard lock(m_mutex);
      if (find(name)) return error(error_with("AlreadyExistsException", "Stack [" + name + "] already exists"));
      auto validated = validate_for_stack(*body, given, capabilities);
      if (!validated) return error(validated.error());
      Stack s;
      s.id = "arn:aws:cloudformation:" + m_options.region + ":" + m_options.account_id + ":stack/" + name + "/" +
             random_uuid();
      s.name = name;
      s.description = validated->info.description;
      s.creation_time = now();
      s.template_body = *body;
      s.given_parameters = given;
      s.parameters = display_parameters(validated->parameters);
      for (const auto& p : validated->info.parameters) {
        if (p.no_echo) s.no_echo.push_back(p.name);
      }
      s.capabilities = capabilities;
      for (const auto& t : form.structs("Tags")) s.tags.emplace_back(t.count("Key") ? t.at("Key") : "", t.count("Value") ? t.at("Value") : "");
      s.disable_rollback = form.get("DisableRollback") == "true";
      s.on_failure = on_failure;
      m_order.push_back(s.id);
      auto [it, inserted] = m_stacks.emplace(s.id, std::move(s));
      (void)inserted;
      set_stack_status(it->second, "CREATE_IN_PROGRESS", "User Initiated");
      std::string id = it->first;
      start([this, id] { run_create(id); });
      XmlWriter x;
      x.leaf("StackId", id);
      return respond(x.str());
    }
    if (action == "UpdateStack") {
      std::string name = form.get("StackName");
      std::lock_guard lock(m_mutex);
      Stack* s = find(name);
      if (!s || s->status == "DELETE_COMPLETE") {
        return error(validation_error("Stack [" + name + "] does not exist"));
      }
      if (is_in_progress(s->status) || s->status == "ROLLBACK_COMPLETE" || s->status == "ROLLBACK_FAILED" ||
          s->status == "CREATE_FAILED" || s->status == "DELETE_FAILED" || s->status == "UPDATE_ROLLBACK_FAILED") {
        return error(validation_error("Stack:" + s->id + " is in " + s->status + " state and can not be updated."));
      }
      std::string body;
      if (form.get("UsePreviousTemplate") == "true") {
        if (form.has("TemplateBody") || form.has("TemplateURL")) {
          return error(validation_error("Specify exactly one of TemplateBody, TemplateUrl or UsePreviousTemplate."));
        }
        body = s->template_body;
      } else {
        auto b = template_body();
        if (!b) return error(b.error());
        body = *b;
      }
      std::map<std::string, std::string> given;
      for (const auto& p : form.structs("Parameters")) {
        std::string key = p.count("ParameterKey") ? p.at("ParameterKey") : "";
        if (p.count("UsePreviousValue") && p.at("UsePreviousValue") == "true") {
          auto prev = s->given_parameters.find(key);
          if (prev != s->given_parameters.end()) {
            given[key] = prev->second;
          } else {
            for (const auto& [k, v] : s->parameters) {
              if (k == key) given[key] = v;
            }
          }
        } else {
          given[key] = p.count("ParameterValue") ? p.at("ParameterValue") : "";
        }
      }
      auto capabilities = form.list("Capabilities");
      auto validated = validate_for_stack(body, given, capabilities);
      if (!validated) return error(validated.error());
      auto parameters = display_parameters(validated->parameters);
      std::vector<std::pair<std::string, std::string>> tags;
      for (const auto& t : form.structs("Tags")) tags.emplace_back(t.count("Key") ? t.at("Key") : "", t.count("Value") ? t.at("Value") : "");
      if (!form.has("Tags.member.1")) tags = s->tags;
      if (body == s->template_body && parameters == s->parameters && tags == s->tags) {
        return error(validation_error("No updates are to be performed."));
      }
      Stack previous = *s;
      s->template_body = body;
      s->given_parameters = given;
      s->parameters = parameters;
      s->capabilities = capabilities;
      s->tags = tags;
      s->description = validated->info.description;
      s->last_updated_time = now();
      set_stack_status(*s, "UPDATE_IN_PROGRESS", "User Initiated");
      std::string id = s->id;
      start([this, id, previous = std::move(previous)]() mutable { run_update(id, std::move(previous)); });
      XmlWriter x;
      x.leaf("StackId", id);
      return respond(x.str());
    }
    if (action == "DeleteStack") {
      std::lock_guard lock(m_mutex);
      Stack* s = find(form.get("StackName"));
      // Deleting a stack that does not exist (or is being deleted) succeeds.
      if (s && s->status != "DELETE_COMPLETE" && s->status != "DELETE_IN_PROGRESS") {
        if (is_in_progress(s->status)) {
          return error(validation_error("Stack [" + s->name + "] cannot be deleted while in status " + s->status));
        }
        set_stack_status(*s, "DELETE_IN_PROGRESS", "User Initiated");
        std::string id = s->id;
        start([this, id] { run_delete(id); });
      }
      return respond("", true);
    }
    if (action == "DescribeStacks") {
      std::lock_guard lock(m_mutex);
      XmlWriter x;
      x.open("Stacks");
      if (form.has("StackName")) {
        Stack* s = find(form.get("StackName"));
        if (!s) return error(validation_error("Stack with id " + form.get("StackName") + " does not exist"));
        write_stack(x, *s);
      } else {
        for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
          const Stack& s = m_stacks[*it];
          if (s.status != "DELETE_COMPLETE") write_stack(x, s);
        }
      }
      x.close("Stacks");
      return respond(x.str());
    }
    if (action == "DescribeStackEvents") {
      std::lock_guard lock(m_mutex);
      Stack* s = find(form.get("StackName"));
      if (!s) return error(validation_error("Stack with id " + form.get("StackName") + " does not exist"));
      XmlWriter x;
      x.open("StackEvents");
      for (auto it = s->events.rbegin(); it != s->events.rend(); ++it) {
        x.open("member").leaf("StackId", s->id).leaf("EventId", it->event_id).leaf("StackName", s->name);
        x.leaf("LogicalResourceId", it->logical_id).optional_leaf("PhysicalResourceId", it->physical_id);
        x.leaf("ResourceType", it->resource_type).leaf("Timestamp", it->timestamp).leaf("ResourceStatus", it->status);
        x.optional_leaf("ResourceStatusReason", it->reason).optional_leaf("ResourceProperties", it->properties);
        x.close("member");
      }
      x.close("StackEvents");
      return respond(x.str());
    }
    if (action == "DescribeStackResources" || action == "ListStackResources" || action == "DescribeStackResource") {
      std::lock_guard lock(m_mutex);
      Stack* s = nullptr;
      if (form.has("StackName") && form.has("PhysicalResourceId")) {
        return error(validation_error("Cannot specify both StackName and PhysicalResourceId"));
      }
      if (form.has("PhysicalResourceId")) {
        for (auto& [id, stack] : m_stacks) {
          for (const auto& [k, r] : stack.resources) {
            if (r.physical_id == form.get("PhysicalResourceId")) s = &stack;
          }
        }
        if (!s) return error(validation_error("Stack for " + form.get("PhysicalResourceId") + " does not exist"));
      } else {
        s = find(form.get("StackName"));
        if (!s) return error(validation_error("Stack with id " + form.get("StackName") + " does not exist"));
      }
      std::string filter = form.get("LogicalResourceId");
      XmlWriter x;
      bool single = action == "DescribeStackResource";
      bool summaries = action == "ListStackResources";
      if (single) {
        auto r = s->resources.find(filter);
        if (r == s->resources.end()) {
          return error(validation_error("Resource " + filter + " does not exist for stack " + s->name));
        }
      }
      x.open(single ? "StackResourceDetail" : summaries ? "StackResourceSummaries" : "StackResources");
      for (const auto& logical : s->resource_order) {
        const auto& r = s->resources.at(logical);
        if (!filter.empty() && r.logical_id != filter) continue;
        if (!single) x.open("member");
        if (!summaries) x.leaf("StackName", s->name).leaf("StackId", s->id);
        x.leaf("LogicalResourceId", r.logical_id).leaf("PhysicalResourceId", r.physical_id);
        x.leaf("ResourceType", r.type).leaf(summaries || single ? "LastUpdatedTimestamp" : "Timestamp", r.timestamp);
        x.leaf("ResourceStatus", r.status).optional_leaf("ResourceStatusReason", r.reason);
        x.open("DriftInformation").leaf("StackResourceDriftStatus", "NOT_CHECKED").close("DriftInformation");
        if (!single) x.close("member");
      }
      x.close(single ? "StackResourceDetail" : summaries ? "StackResourceSummaries" : "StackResources");
      return respond(x.str());
    }
    if (action == "ListStacks") {
      std::lock_guard lock(m_mutex);
      auto filters = form.list("StackStatusFilter");
      XmlWriter x;
      x.open("StackSummaries");
      for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
        const Stack& s = m_stacks[*it];
        if (!filters.empty() && std::find(filters.begin(), filters.end(), s.status) == filters.end()) continue;
        x.open("member").leaf("StackId", s.id).leaf("StackName", s.name).optional_leaf("TemplateDescription", s.description);
        x.leaf("CreationTime", s.creation_time).optional_leaf("LastUpdatedTime", s.last_updated_time);
        x.optional_leaf("DeletionTime", s.deletion_time).leaf("StackStatus", s.status);
        x.optional_leaf("StackStatusReason", s.reason);
        x.open("DriftInformation").leaf("StackDriftStatus", "NOT_CHECKED").close("DriftInformation");
        x.close("member");
      }
      x.close("StackSummaries");
      return respond(x.str());
    }
    if (action == "GetTemplate") {
      std::lock_guard lock(m_mutex);
      Stack* s = find(form.get("StackName"));
      if (!s) return error(validation_error("Stack with id " + form.get("StackName") + " does not exist"));
      XmlWriter x;
      x.leaf("TemplateBody", s->template_body);
      x.open("StagesAvailable").leaf("member", "Original").leaf("member", "Processed").close("StagesAvailable");
      return respond(x.str());
    }
    if (action.empty()) return error(error_with("MissingAction", "Missing Action"));
    Error e = error_with("InvalidAction", "The action " + action + " is not valid for this web service.");
    return error(e);
  } catch (const std::exception& ex) {
    Error e{ErrorKind::internal, std::string("internal error: ") + ex.what()};
    e.code = "InternalFailure";
    e.http_status = 500;
    return error(e);
  }
}

Result<std::unique_ptr<StackService>> StackService::open(StackServiceOptions options, LambdaProvisioner* lambda,
                                                         s3::S3Service* s3) {
  auto impl = std::make_unique<Impl>(std::move(options), lambda, s3);
  if (auto ok = impl->load(); !ok) return fail(ok.error());
  return std::unique_ptr<StackService>(new StackService(std::move(impl)));
}

StackService::StackService(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
StackService::~StackService() = default;

HttpResponse StackService::handle(const HttpRequest& request, const RequestContext& context) {
  if (auto refused = m_impl->refusal_after_lost_write(context)) return *refused;
  HttpResponse response = m_impl->handle(request, context);
  // A write this request made (or a stack operation made meanwhile) failed: do not acknowledge.
  if (auto refused = m_impl->refusal_after_lost_write(context)) return *refused;
  return response;
}

}  // namespace lcd::local::cloudformation
