// The stack service's core: state loading and persistence, lookups scoped to the request's region
// and account, background operations, and the dispatch of each Action to its function.
#include "local/cloudformation/stack_service.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "local/cloudformation/stack_state.hpp"
#include "local/cloudformation/stack_template.hpp"
#include "local/cloudformation/template_parser.hpp"
#include "local/protocol/error_response.hpp"
#include "local/protocol/xml_writer.hpp"
#include "local/state_layout.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/strings.hpp"

namespace lcd::local::cloudformation {
namespace {

using nlohmann::json;

constexpr const char* k_schema = R"sql(
CREATE TABLE IF NOT EXISTS stacks (stack_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS change_sets (change_set_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, doc TEXT NOT NULL);
)sql";

constexpr const char* k_cfn_xmlns = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

const std::map<std::string, StackService::Impl::Action>& actions() {
  using I = StackService::Impl;
  static const std::map<std::string, I::Action> table = {
      {"CreateStack", &I::create_stack},
      {"UpdateStack", &I::update_stack},
      {"DeleteStack", &I::delete_stack},
      {"DescribeStacks", &I::describe_stacks},
      {"DescribeStackEvents", &I::describe_stack_events},
      {"DescribeStackResources", &I::describe_stack_resources},
      {"ListStackResources", &I::list_stack_resources},
      {"DescribeStackResource", &I::describe_stack_resource},
      {"ListStacks", &I::list_stacks},
      {"GetTemplate", &I::get_template},
      {"GetTemplateSummary", &I::get_template_summary},
      {"ValidateTemplate", &I::validate_template},
      {"CreateChangeSet", &I::create_change_set},
      {"DescribeChangeSet", &I::describe_change_set},
      {"ListChangeSets", &I::list_change_sets},
      {"ExecuteChangeSet", &I::execute_change_set},
      {"DeleteChangeSet", &I::delete_change_set},
      {"DetectStackDrift", &I::detect_stack_drift},
      {"DescribeStackDriftDetectionStatus", &I::describe_stack_drift_detection_status},
      {"DescribeStackResourceDrifts", &I::describe_stack_resource_drifts},
  };
  return table;
}

// The arn's region and account (fields 3 and 4).
bool arn_in(const std::string& arn, const RequestContext& ctx) {
  auto parts = split(arn, ':');
  return parts.size() > 5 && parts[3] == ctx.region && parts[4] == ctx.account_id;
}

}  // namespace

Error cfn_error(std::string code, std::string message, int status) {
  Error e{status >= 500 ? ErrorKind::internal : ErrorKind::invalid, std::move(message)};
  e.code = std::move(code);
  e.http_status = status;
  return e;
}

std::map<std::string, std::string> given_parameters(const QueryRequest& form, const Stack* previous) {
  std::map<std::string, std::string> given;
  for (const auto& p : form.structs("Parameters")) {
    std::string key = p.count("ParameterKey") ? p.at("ParameterKey") : "";
    if (previous && p.count("UsePreviousValue") && p.at("UsePreviousValue") == "true") {
      auto prev = previous->given_parameters.find(key);
      if (prev != previous->given_parameters.end()) {
        given[key] = prev->second;
      } else {
        for (const auto& [k, v] : previous->parameters) {
          if (k == key) given[key] = v;
        }
      }
    } else {
      given[key] = p.count("ParameterValue") ? p.at("ParameterValue") : "";
    }
  }
  return given;
}

std::vector<std::pair<std::string, std::string>> tags_of(const QueryRequest& form) {
  std::vector<std::pair<std::string, std::string>> tags;
  for (const auto& t : form.structs("Tags")) {
    tags.emplace_back(t.count("Key") ? t.at("Key") : "", t.count("Value") ? t.at("Value") : "");
  }
  return tags;
}

StackService::Impl::~Impl() {
  std::vector<std::shared_ptr<Operation>> operations;
  {
    std::lock_guard lock(m_operations_mutex);
    operations.swap(m_operations);
  }
  for (auto& op : operations) {
    if (op->thread.joinable()) op->thread.join();
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
    if (s.region.empty()) s.region = m_options.region;
    if (s.account_id.empty()) s.account_id = m_options.account_id;
    if (is_in_progress(s.status) && s.status != "REVIEW_IN_PROGRESS") {
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
  auto sets = m_db->query("SELECT doc FROM change_sets ORDER BY seq");
  if (!sets) return fail(sets.error());
  for (const auto& row : *sets) {
    auto j = json::parse(text_of(row[0]), nullptr, false);
    if (j.is_discarded()) continue;
    ChangeSet c = change_set_from_json(j);
    if (c.status == "CREATE_PENDING" || c.status == "CREATE_IN_PROGRESS") {
      c.status = "FAILED";
      c.status_reason = "lambda-cd local stopped while the change set was being created";
    }
    if (c.execution_status == "EXECUTE_IN_PROGRESS") c.execution_status = "EXECUTE_FAILED";
    m_change_set_order.push_back(c.id);
    m_change_sets[c.id] = std::move(c);
  }
  return {};
}

std::string StackService::Impl::now() const { return format_iso8601_ms(system_clock().now()); }

StackIdentity StackService::Impl::identity_of(const Stack& stack) const {
  return {stack.region, stack.account_id, stack.name, stack.id};
}

Result<PreparedTemplate> StackService::Impl::prepared_for(const Stack& stack) const {
  const std::string& body = stack.processed_template.empty() ? stack.template_body : stack.processed_template;
  return prepare_template(body, stack.given_parameters, identity_of(stack));
}

Stack* StackService::Impl::find_by_id(const std::string& id) {
  auto it = m_stacks.find(id);
  return it == m_stacks.end() ? nullptr : &it->second;
}

Stack* StackService::Impl::find(const std::string& name_or_id, const RequestContext& ctx) {
  if (starts_with(name_or_id, "arn:")) {
    Stack* s = find_by_id(name_or_id);
    return s && arn_in(s->id, ctx) ? s : nullptr;
  }
  for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
    Stack& s = m_stacks[*it];
    if (s.name == name_or_id && s.status != "DELETE_COMPLETE" && s.region == ctx.region &&
        s.account_id == ctx.account_id) {
      return &s;
    }
  }
  return nullptr;
}

ChangeSet* StackService::Impl::find_change_set(const std::string& name_or_id, const std::string& stack_name,
                                                const RequestContext& ctx) {
  if (starts_with(name_or_id, "arn:")) {
    auto it = m_change_sets.find(name_or_id);
    return it != m_change_sets.end() && arn_in(it->first, ctx) ? &it->second : nullptr;
  }
  Stack* stack = find(stack_name, ctx);
  if (!stack) return nullptr;
  for (auto it = m_change_set_order.rbegin(); it != m_change_set_order.rend(); ++it) {
    ChangeSet& c = m_change_sets[*it];
    if (c.stack_id == stack->id && c.name == name_or_id && c.listed) return &c;
  }
  return nullptr;
}

void StackService::Impl::retire_change_sets(const std::string& stack_id, const std::string& executed_id) {
  for (auto& [id, c] : m_change_sets) {
    if (c.stack_id != stack_id || id == executed_id || !c.listed) continue;
    c.listed = false;
    if (c.execution_status == "AVAILABLE" || c.execution_status == "UNAVAILABLE") c.execution_status = "OBSOLETE";
    (void)persist(c);  // an unlisted change set that reappears after a failed write can still not be executed
  }
}

Result<void> StackService::Impl::persist(Stack& stack) {
  auto seq = std::find(m_order.begin(), m_order.end(), stack.id) - m_order.begin();
  auto written = m_db->exec("INSERT OR REPLACE INTO stacks (stack_id, seq, doc) VALUES (?, ?, ?)",
                            {stack.id, static_cast<int64_t>(seq), stack_to_json(stack).dump()});
  stack.save_error = written ? std::string() : written.error().message;
  if (!written) note_lost_write("stack " + stack.name + " could not be saved: " + written.error().message);
  return written;
}

Result<void> StackService::Impl::persist(const ChangeSet& change_set) {
  auto seq = std::find(m_change_set_order.begin(), m_change_set_order.end(), change_set.id) - m_change_set_order.begin();
  auto written = m_db->exec("INSERT OR REPLACE INTO change_sets (change_set_id, seq, doc) VALUES (?, ?, ?)",
                            {change_set.id, static_cast<int64_t>(seq), change_set_to_json(change_set).dump()});
  if (!written) {
    note_lost_write("change set " + change_set.name + " could not be saved: " + written.error().message);
  }
  return written;
}

void StackService::Impl::note_lost_write(const std::string& what) {
  std::lock_guard lock(m_state_error_mutex);
  if (m_state_error.empty()) m_state_error = what;
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
  (void)persist(stack);  // a failure stays visible in save_error until a later write succeeds
}

void StackService::Impl::set_stack_status(Stack& stack, const std::string& status, const std::string& reason) {
  stack.status = status;
  stack.reason = reason;
  stack.events.push_back({random_uuid(), stack.name, stack.id, "AWS::CloudFormation::Stack", now(), status, reason, ""});
  (void)persist(stack);  // see emit
}

std::shared_ptr<Operation> StackService::Impl::start(std::function<void()> work) {
  auto op = std::make_shared<Operation>();
  std::lock_guard lock(m_operations_mutex);
  // Finished operations' threads are joined here so they do not pile up.
  for (auto it = m_operations.begin(); it != m_operations.end();) {
    bool done;
    {
      std::lock_guard l((*it)->mutex);
      done = (*it)->done;
    }
    if (done) {
      if ((*it)->thread.joinable()) (*it)->thread.join();
      it = m_operations.erase(it);
    } else {
      ++it;
    }
  }
  op->thread = std::thread([op, work = std::move(work)] {
    work();
    std::lock_guard l(op->mutex);
    op->done = true;
    op->cv.notify_all();
  });
  m_operations.push_back(op);
  return op;
}

void StackService::Impl::settle(const std::shared_ptr<Operation>& op) {
  if (!op || m_options.settle.count() <= 0) return;
  std::unique_lock lock(op->mutex);
  op->cv.wait_for(lock, m_options.settle, [&] { return op->done; });
}

Result<std::string> StackService::Impl::template_from(const QueryRequest& form) {
  if (form.has("TemplateBody") && form.has("TemplateURL")) {
    return fail(validation_error("Specify exactly one of TemplateBody or TemplateUrl."));
  }
  if (form.has("TemplateBody")) return form.get("TemplateBody");
  if (form.has("TemplateURL")) {
    // http(s)://<host>/<bucket>/<key> (path-style, as `aws cloudformation deploy --s3-bucket` and
    // `package` produce) or s3.amazonaws.com-style hosts: read from the endpoint's own S3.
    std::string url = form.get("TemplateURL");
    auto scheme = url.find("://");
    auto path_start = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
    const Error unreadable = validation_error("TemplateURL must reference a valid S3 object to which you have access.");
    if (!m_s3 || path_start == std::string::npos) return fail(unreadable);
    std::string path = url.substr(path_start + 1);
    auto query = path.find('?');
    if (query != std::string::npos) path.resize(query);
    auto slash = path.find('/');
    if (slash == std::string::npos) return fail(unreadable);
    auto bytes = m_s3->get_object_bytes(path.substr(0, slash), path.substr(slash + 1));
    if (!bytes) return fail(unreadable);
    return *bytes;
  }
  return fail(validation_error("Either Template URL or Template Body must be specified."));
}

HttpResponse StackService::Impl::handle(const HttpRequest& request, const RequestContext& context) {
  const std::string& request_id = context.request_id;
  QueryRequest form(request);
  const std::string& action = form.action();
  auto error = [&](const Error& e) {
    ApiError api = from_error(e);
    if (e.code.empty()) api = make_api_error(e.http_status ? e.http_status : 500, "InternalFailure", e.message);
    return query_error(api, request_id, k_cfn_xmlns);
  };
  if (action.empty()) return error(cfn_error("MissingAction", "Missing Action"));
  auto it = actions().find(action);
  if (it == actions().end()) {
    return error(cfn_error("InvalidAction", "The action " + action + " is not valid for this web service."));
  }
  Result<Answer> answer = fail(ErrorKind::internal, "not run");
  try {
    answer = (this->*(it->second))(form, context);
  } catch (const std::exception& ex) {
    return error(cfn_error("InternalFailure", std::string("internal error: ") + ex.what(), 500));
  }
  if (!answer) return error(answer.error());
  settle(answer->started);
  HttpResponse r;
  r.status = 200;
  r.content_type = "text/xml";
  r.body = query_response_xml(action, answer->xml, request_id, k_cfn_xmlns, answer->empty_result);
  r.set_header("x-amzn-RequestId", request_id);
  return r;
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
