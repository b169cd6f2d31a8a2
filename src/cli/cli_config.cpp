#include "cli/cli_config.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <toml++/toml.h>

#include "pipeline/function_role.hpp"
#include "pipeline/traffic_shift_plan.hpp"
#include "util/duration.hpp"
#include "util/file_io.hpp"
#include "util/strings.hpp"

namespace lcd::cli {
namespace {

namespace fs = std::filesystem;

tl::unexpected<Error> config_fail(const std::string& message) {
  Error e{ErrorKind::invalid, message};
  e.code = pipeline::k_config_error;
  return fail(std::move(e));
}

std::string where(const toml::node& node, const std::string& source) {
  const auto& s = node.source();
  return source + ":" + std::to_string(s.begin.line);
}

Result<void> check_keys(const toml::table& table, const std::string& name, const std::set<std::string>& allowed,
                        const std::string& source) {
  for (const auto& [key, node] : table) {
    if (!allowed.count(std::string(key.str()))) {
      return config_fail(where(node, source) + ": unknown key '" + std::string(key.str()) + "' in [" + name + "]");
    }
  }
  return {};
}

Result<std::optional<std::string>> get_string(const toml::table& t, const char* key, const std::string& table,
                                              const std::string& source) {
  const toml::node* n = t.get(key);
  if (!n) return std::optional<std::string>{};
  if (!n->is_string()) return config_fail(where(*n, source) + ": [" + table + "] " + key + " must be a string");
  return std::optional<std::string>{n->value<std::string>().value()};
}

Result<std::optional<int>> get_int(const toml::table& t, const char* key, const std::string& table,
                                   const std::string& source, int64_t lo, int64_t hi) {
  const toml::node* n = t.get(key);
  if (!n) return std::optional<int>{};
  if (!n->is_integer()) return config_fail(where(*n, source) + ": [" + table + "] " + key + " must be an integer");
  int64_t v = n->value<int64_t>().value();
  if (v < lo || v > hi) {
    return config_fail(where(*n, source) + ": [" + table + "] " + key + " = " + std::to_string(v) + " is outside " +
                       std::to_string(lo) + ".." + std::to_string(hi));
  }
  return std::optional<int>{static_cast<int>(v)};
}

Result<std::vector<std::string>> get_strings(const toml::table& t, const char* key, const std::string& table,
                                             const std::string& source) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  if (n->is_string()) {
    out.push_back(n->value<std::string>().value());
    return out;
  }
  const toml::array* a = n->as_array();
  if (!a) return config_fail(where(*n, source) + ": [" + table + "] " + key + " must be a list of strings");
  for (const auto& item : *a) {
    if (!item.is_string()) return config_fail(where(item, source) + ": [" + table + "] " + key + " must hold strings");
    out.push_back(item.value<std::string>().value());
  }
  return out;
}

const toml::table* subtable(const toml::table& root, const char* name, Result<void>& err, const std::string& source) {
  const toml::node* n = root.get(name);
  if (!n) return nullptr;
  if (!n->is_table()) {
    err = config_fail(where(*n, source) + ": '" + name + "' must be a table");
    return nullptr;
  }
  return n->as_table();
}

// A TOML string, number or boolean as text (environment values, stack parameters); nullopt otherwise.
std::optional<std::string> scalar_text(const toml::node& v) {
  if (v.is_string()) return v.value<std::string>().value();
  if (v.is_boolean()) return std::string(v.value<bool>().value() ? "true" : "false");
  std::ostringstream s;
  if (v.is_integer()) {
    s << v.value<int64_t>().value();
  } else if (v.is_floating_point()) {
    s << v.value<double>().value();
  } else {
    return std::nullopt;
  }
  return s.str();
}

// A [table.key] sub-table of strings, numbers or booleans, each as text; nullopt when absent.
Result<std::optional<std::map<std::string, std::string>>> get_scalar_map(const toml::table& t, const char* key,
                                                                         const std::string& table,
                                                                         const std::string& source) {
  const toml::node* n = t.get(key);
  if (!n) return std::nullopt;
  const std::string name = "[" + table + "." + key + "]";
  const toml::table* entries = n->as_table();
  if (!entries) return config_fail(where(*n, source) + ": " + name + " must be a table");
  std::map<std::string, std::string> values;
  for (const auto& [k, v] : *entries) {
    auto text = scalar_text(v);
    if (!text) {
      return config_fail(where(v, source) + ": " + name + " " + std::string(k.str()) +
                         " must be a string, number or boolean");
    }
    values[std::string(k.str())] = *text;
  }
  return values;
}

// The bucket names Lambda accepts as a code location (S3Bucket: 3-63 of A-Z a-z 0-9 . - _, not
// ending in '.'): empty when `name` is one, else what is wrong.
std::string check_bucket_name(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return "must be 3 to 63 characters long";
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
          c == '_')) {
      return "may hold only letters, digits, '.', '-' and '_'";
    }
  }
  if (name.back() == '.') return "must not end with '.'";
  return {};
}

#define LCD_TRY(var, expr)                    \
  auto var = (expr);                          \
  if (!var) return fail(var.error())

// The keys of [release] and of each [release.<ALIAS>] table.
Result<pipeline::ReleaseSettings> read_release(const toml::table& t, const std::string& table, const std::string& source,
                                               bool allow_alias_tables) {
  pipeline::ReleaseSettings out;
  static const std::set<std::string> k_keys{"strategy", "alarms", "max_error_rate", "min_invocations",
                                            "before_traffic", "after_traffic"};
  for (const auto& [key, node] : t) {
    if (k_keys.count(std::string(key.str()))) continue;
    if (allow_alias_tables && node.is_table()) continue;
    return config_fail(where(node, source) + ": unknown key '" + std::string(key.str()) + "' in [" + table + "]" +
                       (allow_alias_tables ? " (per-alias settings go in [release.ALIAS] tables)" : ""));
  }
  LCD_TRY(strategy, get_string(t, "strategy", table, source));
  if (*strategy) {
    if (auto plan = pipeline::parse_strategy(**strategy); !plan) {
      return config_fail(where(*t.get("strategy"), source) + ": [" + table + "] " + plan.error().message);
    }
    out.strategy = **strategy;
  }
  if (t.get("alarms")) {
    LCD_TRY(alarms, get_strings(t, "alarms", table, source));
    out.alarms = *alarms;
  }
  if (const toml::node* n = t.get("max_error_rate")) {
    if (!n->is_number()) return config_fail(where(*n, source) + ": [" + table + "] max_error_rate must be a number");
    double v = n->is_integer() ? static_cast<double>(n->value<int64_t>().value()) : n->value<double>().value();
    if (v < 0 || v > 1) {
      return config_fail(where(*n, source) + ": [" + table + "] max_error_rate is a fraction from 0 to 1 (0.05 means 5%)");
    }
    out.max_error_rate = v;
  }
  LCD_TRY(min_invocations, get_int(t, "min_invocations", table, source, 1, 1000000000));
  if (*min_invocations) out.min_invocations = **min_invocations;
  LCD_TRY(before, get_string(t, "before_traffic", table, source));
  if (*before) out.before_traffic = **before;
  LCD_TRY(after, get_string(t, "after_traffic", table, source));
  if (*after) out.after_traffic = **after;
  return out;
}

std::optional<fs::path> find_upwards(fs::path dir) {
  std::error_code ec;
  for (int i = 0; i < 64; ++i) {
    auto candidate = dir / "lambda-cd.toml";
    if (fs::is_regular_file(candidate, ec)) return candidate;
    if (!dir.has_parent_path() || dir.parent_path() == dir) break;
    dir = dir.parent_path();
  }
  return std::nullopt;
}

}  // namespace

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
}

Result<void> apply_toml(const std::string& text, const std::string& source, CliConfig& config) {
  // Debian's toml++ is built with exceptions: a syntax error is thrown, never returned.
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& err) {
    return config_fail(source + ":" + std::to_string(err.source().begin.line) + ":" +
                       std::to_string(err.source().begin.column) + ": " + std::string(err.description()));
  }
  Result<void> err;
  auto& project = config.project;

  if (const auto* f = subtable(root, "function", err, source)) {
    LCD_TRY(keys, check_keys(*f, "function", {"name", "runtime", "handler", "role", "memory", "timeout",
                                              "description", "environment"}, source));
    LCD_TRY(name, get_string(*f, "name", "function", source));
    if (*name) project.function.name = **name;
    LCD_TRY(runtime, get_string(*f, "runtime", "function", source));
    if (*runtime) project.function.runtime = **runtime;
    LCD_TRY(handler, get_string(*f, "handler", "function", source));
    if (*handler) project.function.handler = **handler;
    LCD_TRY(role, get_string(*f, "role", "function", source));
    if (*role) {
      if (auto problem = pipeline::role_problem(**role); !problem.empty()) {
        return config_fail(where(*f->get("role"), source) + ": [function] role '" + **role + "' " + problem);
      }
      project.function.role = **role;
    }
    LCD_TRY(memory, get_int(*f, "memory", "function", source, 128, 10240));
    if (*memory) project.function.memory = **memory;
    LCD_TRY(timeout, get_int(*f, "timeout", "function", source, 1, 900));
    if (*timeout) project.function.timeout = **timeout;
    LCD_TRY(description, get_string(*f, "description", "function", source));
    if (*description) project.function.description = **description;
    LCD_TRY(environment, get_scalar_map(*f, "environment", "function", source));
    if (*environment) project.function.environment = std::move(**environment);
  }
  if (!err) return err;
  if (const auto* p = subtable(root, "package", err, source)) {
    LCD_TRY(keys, check_keys(*p, "package", {"include", "exclude"}, source));
    LCD_TRY(include, get_strings(*p, "include", "package", source));
    project.package.include = *include;
    LCD_TRY(exclude, get_strings(*p, "exclude", "package", source));
    project.package.exclude = *exclude;
  }
  if (!err) return err;
  if (const auto* t = subtable(root, "test", err, source)) {
    LCD_TRY(keys, check_keys(*t, "test", {"install", "unit", "integration", "unit_junit", "integration_junit"},
                             source));
    LCD_TRY(install, get_string(*t, "install", "test", source));
    if (*install) project.tests.install = **install;
    LCD_TRY(unit, get_string(*t, "unit", "test", source));
    if (*unit) project.tests.unit = **unit;
    LCD_TRY(integration, get_string(*t, "integration", "test", source));
    if (*integration) project.tests.integration = **integration;
    LCD_TRY(uj, get_string(*t, "unit_junit", "test", source));
    if (*uj) project.tests.unit_junit = **uj;
    LCD_TRY(ij, get_string(*t, "integration_junit", "test", source));
    if (*ij) project.tests.integration_junit = **ij;
  }
  if (!err) return err;
  if (const auto* a = subtable(root, "aliases", err, source)) {
    LCD_TRY(keys, check_keys(*a, "aliases", {"stage", "prod"}, source));
    LCD_TRY(stage, get_string(*a, "stage", "aliases", source));
    if (*stage) project.aliases.stage = **stage;
    LCD_TRY(prod, get_string(*a, "prod", "aliases", source));
    if (*prod) project.aliases.prod = **prod;
  }
  if (!err) return err;
  if (const auto* t = subtable(root, "target", err, source)) {
    LCD_TRY(keys, check_keys(*t, "target", {"kind", "endpoint_url", "region", "profile"}, source));
    LCD_TRY(kind, get_string(*t, "kind", "target", source));
    if (*kind) {
      if (**kind != "local" && **kind != "aws") {
        return config_fail(source + ": [target] kind must be \"local\" or \"aws\", not \"" + **kind + "\"");
      }
      config.local = **kind == "local";
    }
    LCD_TRY(url, get_string(*t, "endpoint_url", "target", source));
    if (*url) {
      config.endpoint_url = **url;
      config.endpoint_from_user = true;
    }
    LCD_TRY(region, get_string(*t, "region", "target", source));
    if (*region) config.region = **region;
    LCD_TRY(profile, get_string(*t, "profile", "target", source));
    if (*profile) config.profile = **profile;
  }
  if (!err) return err;
  if (const auto* b = subtable(root, "backup", err, source)) {
    LCD_TRY(keys, check_keys(*b, "backup", {"bucket"}, source));
    LCD_TRY(bucket, get_string(*b, "bucket", "backup", source));
    if (*bucket) {
      if (auto valid = check_bucket_name(**bucket); !valid.empty()) {
        return config_fail(where(*b->get("bucket"), source) + ": [backup] bucket '" + **bucket + "' " + valid);
      }
      config.backup_bucket = **bucket;
    }
  }
  if (!err) return err;
  if (const auto* l = subtable(root, "lock", err, source)) {
    LCD_TRY(keys, check_keys(*l, "lock", {"bucket", "wait", "lease"}, source));
    LCD_TRY(bucket, get_string(*l, "bucket", "lock", source));
    if (*bucket) {
      if (auto valid = check_bucket_name(**bucket); !valid.empty()) {
        return config_fail(where(*l->get("bucket"), source) + ": [lock] bucket '" + **bucket + "' " + valid);
      }
      config.lock_bucket = **bucket;
    }
    for (const char* key : {"wait", "lease"}) {
      LCD_TRY(text, get_string(*l, key, "lock", source));
      if (!*text) continue;
      auto d = parse_duration(**text);
      if (!d) return config_fail(where(*l->get(key), source) + ": [lock] " + key + ": " + d.error().message);
      if (std::string(key) == "wait") {
        config.lock_wait = *d;
      } else {
        if (*d < std::chrono::seconds(5)) {
          return config_fail(where(*l->get(key), source) + ": [lock] lease must be at least 5s");
        }
        config.lock_lease = std::chrono::duration_cast<std::chrono::seconds>(*d);
      }
    }
  }
  if (!err) return err;
  if (const auto* p = subtable(root, "prune", err, source)) {
    LCD_TRY(keys, check_keys(*p, "prune", {"keep"}, source));
    LCD_TRY(keep, get_int(*p, "keep", "prune", source, 1, 100000));
    if (*keep) config.project.prune.keep = **keep;
  }
  if (!err) return err;
  if (const auto* st = subtable(root, "stack", err, source)) {
    LCD_TRY(keys, check_keys(*st, "stack", {"name", "template", "parameters", "capabilities"}, source));
    LCD_TRY(name, get_string(*st, "name", "stack", source));
    if (*name) config.stack.name = **name;
    LCD_TRY(tmpl, get_string(*st, "template", "stack", source));
    if (*tmpl) config.stack.template_path = **tmpl;
    LCD_TRY(parameters, get_scalar_map(*st, "parameters", "stack", source));
    if (*parameters) config.stack.parameters = std::move(**parameters);
    if (st->get("capabilities") && !st->get("capabilities")->is_array()) {
      return config_fail(where(*st->get("capabilities"), source) + ": [stack] capabilities must be a list of strings");
    }
    LCD_TRY(capabilities, get_strings(*st, "capabilities", "stack", source));
    config.stack.capabilities = *capabilities;
  }
  if (!err) return err;
  if (const auto* r = subtable(root, "release", err, source)) {
    LCD_TRY(defaults, read_release(*r, "release", source, true));
    project.release.defaults = *defaults;
    for (const auto& [key, node] : *r) {
      if (!node.is_table()) continue;
      const std::string alias(key.str());
      LCD_TRY(own, read_release(*node.as_table(), "release." + alias, source, false));
      project.release.per_alias[alias] = *own;
    }
  }
  if (!err) return err;
  if (const auto* r = subtable(root, "retry", err, source)) {
    LCD_TRY(keys, check_keys(*r, "retry", {"budget"}, source));
    if (const auto* v = r->get("budget")) {
      auto text = scalar_text(*v);
      Result<std::chrono::milliseconds> budget = fail(ErrorKind::invalid, "not a duration");
      if (text && !v->is_boolean()) budget = parse_duration(*text);
      if (!budget) {
        return config_fail(where(*v, source) + ": [retry] budget must be a duration such as \"3m\" or \"90s\" (0 for 3 attempts)");
      }
      config.retry_budget = *budget;
    }
  }
  if (!err) return err;
  if (const auto* l = subtable(root, "local", err, source)) {
    LCD_TRY(keys, check_keys(*l, "local", {"state", "state_dir"}, source));
    LCD_TRY(state, get_string(*l, "state", "local", source));
    if (!*state) state = get_string(*l, "state_dir", "local", source);
    if (!state) return fail(state.error());
    if (*state) config.local_state_dir = **state;
  }
  return err;
}

std::string region_from_aws_config(const std::string& profile, const EnvLookup& env) {
  fs::path file;
  if (auto f = env("AWS_CONFIG_FILE")) {
    file = *f;
  } else if (auto home = env("HOME")) {
    file = fs::path(*home) / ".aws" / "config";
  } else {
    return {};
  }
  std::ifstream in(file);
  if (!in) return {};
  const std::string wanted = profile.empty() || profile == "default" ? "default" : "profile " + profile;
  std::string line;
  bool in_section = false;
  while (std::getline(in, line)) {
    std::string t(trim(line));
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      in_section = std::string(trim(std::string_view(t).substr(1, t.size() - 2))) == wanted;
      continue;
    }
    if (!in_section) continue;
    auto eq = t.find('=');
    if (eq == std::string::npos) continue;
    if (trim(std::string_view(t).substr(0, eq)) == "region") return std::string(trim(std::string_view(t).substr(eq + 1)));
  }
  return {};
}

Result<CliConfig> load_cli_config(const GlobalOptions& globals, const EnvLookup& env, const fs::path& cwd,
                                  bool require_file) {
  CliConfig config;
  std::optional<fs::path> file;
  if (!globals.config_path.empty()) {
    file = fs::absolute(cwd / globals.config_path);
  } else if (auto e = env("LAMBDA_CD_CONFIG")) {
    file = fs::absolute(cwd / *e);
  } else {
    file = find_upwards(cwd);
  }
  std::error_code ec;
  if (file && fs::is_regular_file(*file, ec)) {
    auto text = read_file(*file);
    if (!text) return config_fail("cannot read " + file->string() + ": " + text.error().describe());
    if (auto applied = apply_toml(*text, file->string(), config); !applied) return fail(applied.error());
    config.config_file = *file;
    config.project.root = file->parent_path();
  } else if (file && (!globals.config_path.empty() || env("LAMBDA_CD_CONFIG"))) {
    return config_fail("configuration file " + file->string() + " does not exist");
  } else if (require_file) {
    return config_fail("no lambda-cd.toml in " + cwd.string() + " or its parents (or pass --config FILE)");
  } else {
    config.project.root = cwd;
  }

  // Environment overrides the file.
  if (auto v = env("LAMBDA_CD_TARGET")) {
    if (*v != "local" && *v != "aws") return config_fail("LAMBDA_CD_TARGET must be local or aws, not " + *v);
    config.local = *v == "local";
  }
  if (auto v = env("LAMBDA_CD_FUNCTION_NAME")) config.project.function.name = *v;
  if (auto v = env("LAMBDA_CD_BACKUP_BUCKET")) {
    if (auto valid = check_bucket_name(*v); !valid.empty()) {
      return config_fail("LAMBDA_CD_BACKUP_BUCKET '" + *v + "' " + valid);
    }
    config.backup_bucket = *v;
  }
  if (auto v = env("LAMBDA_CD_STATE_DIR")) config.local_state_dir = *v;
  if (auto v = env("LAMBDA_CD_RETRY_BUDGET")) {
    auto budget = parse_duration(*v);
    if (!budget) return config_fail("LAMBDA_CD_RETRY_BUDGET '" + *v + "' is not a duration such as 3m or 90s");
    config.retry_budget = *budget;
  }
  for (const char* name : {"LAMBDA_CD_ENDPOINT_URL", "AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL"}) {
    if (auto v = env(name)) {
      config.endpoint_url = *v;
      config.endpoint_from_user = true;
      break;
    }
  }
  for (const char* name : {"LAMBDA_CD_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto v = env(name)) {
      config.region = *v;
      break;
    }
  }
  for (const char* name : {"LAMBDA_CD_PROFILE", "AWS_PROFILE"}) {
    if (auto v = env(name)) {
      config.profile = *v;
      config.profile_from_aws_env = std::string(name) == "AWS_PROFILE";
      break;
    }
  }

  // Flags override everything.
  if (!globals.target.empty()) config.local = globals.target == "local";
  if (!globals.endpoint_url.empty()) {
    config.endpoint_url = globals.endpoint_url;
    config.endpoint_from_user = true;
  }
  if (!globals.region.empty()) config.region = globals.region;
  if (!globals.retry_budget.empty()) {
    auto budget = parse_duration(globals.retry_budget);
    if (!budget) return config_fail("--retry-budget '" + globals.retry_budget + "' is not a duration such as 3m or 90s");
    config.retry_budget = *budget;
  }
  if (!globals.profile.empty()) {
    config.profile = globals.profile;
    config.profile_from_aws_env = false;
  }
  if (!globals.lock_timeout.empty()) {
    auto d = parse_duration(globals.lock_timeout);
    if (!d) return config_fail("--lock-timeout: " + d.error().message);
    config.lock_wait = *d;
  }
  config.lock_disabled = globals.no_lock;

  // Then the AWS shared config file, then defaults.
  if (config.region.empty() && !config.local) config.region = region_from_aws_config(config.profile, env);
  if (config.region.empty()) config.region = "us-east-1";
  if (config.local && config.endpoint_url.empty()) config.endpoint_url = k_default_local_endpoint;
  if (config.local_state_dir.empty()) {
    config.local_state_dir = config.project.state_dir() / "local";
  } else if (config.local_state_dir.is_relative()) {
    config.local_state_dir = config.project.root / config.local_state_dir;
  }
  // A role name: its ARN is made in the caller's account (the local endpoint answers any role).
  if (config.local && config.project.function.role.empty()) config.project.function.role = "lambda-cd-local";
  if (!config.endpoint_url.empty() && !starts_with(config.endpoint_url, "http://") &&
      !starts_with(config.endpoint_url, "https://")) {
    return config_fail("endpoint URL must start with http:// or https://: " + config.endpoint_url);
  }

  if (config.stack.template_path.empty()) config.stack.template_path = "template.yaml";
  if (config.stack.name.empty() && !config.project.function.name.empty()) {
    config.stack.name = config.project.function.name + "-stack";
  }

  auto& target = config.project.target;
  // On the local endpoint a 12-digit access key id acts as that account (any other is not sent:
  // the dummy "test" key acts as the endpoint's --account-id).
  if (auto key = env("AWS_ACCESS_KEY_ID"); config.local && key && key->size() == 12 &&
                                          key->find_first_not_of("0123456789") == std::string::npos) {
    target.local_access_key_id = *key;
  }
  target.local = config.local;
  target.endpoint_url = config.endpoint_url;
  target.region = config.region;
  target.profile = config.profile;
  return config;
}

}  // namespace lcd::cli
