#pragma once
// An in-memory Lambda control plane behind aws::ServiceCaller, for pipeline tests: one function's
// $LATEST, versions (50 per page), aliases with RevisionId guards, tags, PublishVersion dedupe and
// CodeSha256/RevisionId guards as aws-api-notes §2 describes them.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/service_caller.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::test {

using nlohmann::json;

class FakeLambda : public aws::ServiceCaller {
 public:
  struct Version {
    json config;
    bool deleted = false;
  };
  struct Alias {
    std::string version;
    std::string description;
    std::string revision;
    std::map<std::string, double> weights;  // RoutingConfig.AdditionalVersionWeights
  };

  std::string name = "fn";
  std::string arn() const { return "arn:aws:lambda:us-east-1:000000000000:function:" + name; }

  bool exists = false;
  json latest;
  bool changed_since_publish = true;
  std::vector<Version> versions;
  std::map<std::string, Alias> aliases;
  std::map<std::string, std::string> tags;
  int in_progress_polls = 0;  // GetFunctionConfiguration reports InProgress this many more times
  std::vector<aws::ServiceRequest> log;
  int revision_counter = 0;
  int64_t code_storage_limit = 75LL * 1024 * 1024 * 1024;  // GetAccountSettings AccountLimit.TotalCodeSize
  // Runs before DeleteFunction of a version (e.g. another run moving an alias onto it).
  std::function<void(const std::string& version)> before_version_delete;
  // Runs when PublishVersion arrives, before it is checked: another writer, or an earlier attempt of
  // the same call whose answer was lost (the caller only sees the answer to its repeat).
  std::function<void(const json& body)> before_publish;
  // Reads code given as S3Bucket/S3Key (as Lambda fetches it from S3); nullopt: no such object.
  std::function<std::optional<std::string>(const std::string& bucket, const std::string& key)> s3_code;

  int count(const std::string& operation) const {
    int n = 0;
    for (const auto& r : log) n += r.operation == operation;
    return n;
  }
  int mutating_calls() const {
    int n = 0;
    for (const auto& r : log) n += r.method != "GET";
    return n;
  }

  // Someone else's changes, bypassing the log.
  void external_code_update(const std::string& zip) {
    latest["CodeSha256"] = base64_encode(sha256(zip));
    touch();
  }
  void external_publish(const std::string& description) {
    touch();
    publish(description);
  }
  // A PublishVersion applied as AWS applies it: $LATEST gets a new RevisionId too.
  void apply_publish(const std::string& description) {
    publish(description);
    latest["RevisionId"] = next_revision();
  }
  void external_alias_move(const std::string& alias, const std::string& version) {
    aliases[alias].version = version;
    aliases[alias].revision = next_revision();
  }

  Result<aws::ServiceResponse> call(const aws::ServiceRequest& r) override {
    log.push_back(r);
    const std::string prefix = "/2015-03-31/functions";
    if (r.operation == "CreateFunction") return create(json::parse(r.body));
    if (r.operation == "GetAccountSettings") return account_settings();
    if (starts_with(r.path, "/2017-03-31/tags/")) return tag_op(r);
    if (!starts_with(r.path, prefix + "/")) return error(400, "InvalidRequest", "bad path " + r.path);
    auto rest = r.path.substr(prefix.size() + 1);
    auto parts = split(rest, '/');
    auto fname = uri_decode(parts[0]).value_or("");
    if (fname != name && fname != arn()) return error(404, "ResourceNotFoundException", "Function not found: " + fname);
    if (!exists) return error(404, "ResourceNotFoundException", "Function not found: " + arn());
    const std::string sub = parts.size() > 1 ? parts[1] : "";
    const std::string qualifier = query(r, "Qualifier");
    if (r.method == "GET" && sub.empty()) {
      auto c = config_for(qualifier);
      if (!c) return error(404, "ResourceNotFoundException", "Function not found: " + arn() + ":" + qualifier);
      return ok(json{{"Configuration", *c}, {"Tags", tags}}.dump());
    }
    if (r.method == "GET" && sub == "configuration") {
      auto c = config_for(qualifier);
      if (!c) return error(404, "ResourceNotFoundException", "Function not found: " + arn() + ":" + qualifier);
      if (qualifier.empty() && in_progress_polls > 0) {
        --in_progress_polls;
        json copy = *c;
        copy["LastUpdateStatus"] = "InProgress";
        return ok(copy.dump());
      }
      return ok(c->dump());
    }
    if (r.method == "PUT" && sub == "code") {
      auto body = json::parse(r.body);
      if (body.contains("RevisionId") && body["RevisionId"] != latest["RevisionId"]) return precondition();
      auto code = code_of(body);
      if (!code) return tl::unexpected<Error>(code.error());
      const std::string& zip = *code;
      latest["CodeSha256"] = base64_encode(sha256(zip));
      latest["CodeSize"] = zip.size();
      touch();
      return ok(latest.dump());
    }
    if (r.method == "PUT" && sub == "configuration") {
      auto body = json::parse(r.body);
      for (const char* k : {"Runtime", "Handler", "Role", "MemorySize", "Timeout", "Description", "Environment"}) {
        if (body.contains(k)) latest[k] = body[k];
      }
      touch();
      return ok(latest.dump());
    }
    if (r.method == "POST" && sub == "versions") {
      auto body = json::parse(r.body);
      if (before_publish) std::exchange(before_publish, nullptr)(body);
      if (body.contains("CodeSha256") && body["CodeSha256"] != latest["CodeSha256"]) {
        return error(400, "InvalidParameterValueException",
                     "CodeSHA256 (" + body["CodeSha256"].get<std::string>() +
                         ") is different from current CodeSHA256 in $LATEST. Please try again with the CodeSHA256 in $LATEST.");
      }
      if (body.contains("RevisionId") && body["RevisionId"] != latest["RevisionId"]) return precondition();
      if (!changed_since_publish && !versions.empty()) return ok(versions.back().config.dump(), 201);
      return ok(publish(body.value("Description", "")).dump(), 201);
    }
    if (r.method == "GET" && sub == "versions") return list_versions(r);
    if (r.method == "DELETE" && sub.empty() && !qualifier.empty()) return delete_version(qualifier);
    if (sub == "aliases") return alias_op(r, parts.size() > 2 ? parts[2] : "");
    return error(400, "InvalidRequest", "unsupported " + r.method + " " + r.path);
  }

 private:
  static std::string query(const aws::ServiceRequest& r, const std::string& k) {
    for (const auto& [n, v] : r.query) {
      if (n == k) return v;
    }
    return {};
  }
  static aws::ServiceResponse response(std::string body, int status) {
    aws::ServiceResponse resp;
    resp.status = status;
    resp.body = std::move(body);
    return resp;
  }
  static Result<aws::ServiceResponse> ok(std::string body, int status = 200) { return response(std::move(body), status); }
  static Result<aws::ServiceResponse> error(int status, std::string code, std::string message) {
    Error e{status == 404   ? ErrorKind::not_found
            : status == 409 ? ErrorKind::conflict
            : status == 412 ? ErrorKind::precondition
                            : ErrorKind::invalid,
            std::move(message)};
    e.code = std::move(code);
    e.http_status = status;
    return tl::unexpected<Error>(std::move(e));
  }
  static Result<aws::ServiceResponse> precondition() {
    return error(412, "PreconditionFailedException",
                 "The RevisionId provided does not match the latest RevisionId for the Lambda function or alias.");
  }
  // The zip of a Code object (CreateFunction) or an UpdateFunctionCode body: ZipFile, or S3Bucket+S3Key.
  Result<std::string> code_of(const json& code) {
    if (code.contains("S3Bucket") || code.contains("S3Key")) {
      std::optional<std::string> zip;
      if (s3_code && code.contains("S3Bucket") && code.contains("S3Key")) {
        zip = s3_code(code["S3Bucket"].get<std::string>(), code["S3Key"].get<std::string>());
      }
      if (!zip) {
        Error e{ErrorKind::invalid, "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: "
                                    "The specified key does not exist."};
        e.code = "InvalidParameterValueException";
        e.http_status = 400;
        return tl::unexpected<Error>(std::move(e));
      }
      return *zip;
    }
    return base64_decode(code.value("ZipFile", "")).value_or("");
  }
  std::string next_revision() { return "rev-" + std::to_string(++revision_counter); }
  void touch() {
    latest["RevisionId"] = next_revision();
    latest["LastUpdateStatus"] = "Successful";
    changed_since_publish = true;
  }
  json publish(const std::string& description) {
    json v = latest;
    v["Version"] = std::to_string(versions.size() + 1);
    v["FunctionArn"] = arn() + ":" + v["Version"].get<std::string>();
    v["Description"] = description;
    v["RevisionId"] = next_revision();
    versions.push_back({v});
    changed_since_publish = false;
    return v;
  }
  std::optional<json> config_for(const std::string& qualifier) {
    if (qualifier.empty() || qualifier == "$LATEST") return latest;
    for (const auto& v : versions) {
      if (v.config["Version"] == qualifier && !v.deleted) return v.config;
    }
    if (auto a = aliases.find(qualifier); a != aliases.end()) return config_for(a->second.version);
    return std::nullopt;
  }
  Result<aws::ServiceResponse> create(const json& body) {
    if (exists) return error(409, "ResourceConflictException", "Function already exist: " + name);
    name = body["FunctionName"];
    auto code = code_of(body["Code"]);
    if (!code) return tl::unexpected<Error>(code.error());
    const std::string& zip = *code;
    exists = true;
    latest = json{{"FunctionName", name}, {"FunctionArn", arn()}, {"Version", "$LATEST"},
                  {"Runtime", body.value("Runtime", "")}, {"Handler", body.value("Handler", "")},
                  {"Role", body.value("Role", "")}, {"MemorySize", body.value("MemorySize", 128)},
                  {"Timeout", body.value("Timeout", 3)}, {"Description", body.value("Description", "")},
                  {"CodeSha256", base64_encode(sha256(zip))}, {"CodeSize", zip.size()}, {"State", "Active"}};
    if (body.contains("Environment")) latest["Environment"] = body["Environment"];
    touch();
    json created = latest;
    created["State"] = "Pending";
    return ok(created.dump(), 201);
  }
  Result<aws::ServiceResponse> list_versions(const aws::ServiceRequest& r) {
    std::vector<json> all;
    json l = latest;
    l["FunctionArn"] = arn() + ":$LATEST";
    all.push_back(l);
    for (const auto& v : versions) {
      if (!v.deleted) all.push_back(v.config);
    }
    size_t start = 0;
    if (auto m = query(r, "Marker"); !m.empty()) start = std::stoul(m);
    json page = json::array();
    for (size_t i = start; i < std::min(all.size(), start + 50); ++i) page.push_back(all[i]);
    json body{{"Versions", page}};
    if (start + 50 < all.size()) body["NextMarker"] = std::to_string(start + 50);
    return ok(body.dump());
  }
  json alias_json(const std::string& n, const Alias& a) {
    json j{{"Name", n}, {"AliasArn", arn() + ":" + n}, {"FunctionVersion", a.version},
           {"Description", a.description}, {"RevisionId", a.revision}};
    if (!a.weights.empty()) j["RoutingConfig"] = json{{"AdditionalVersionWeights", a.weights}};
    return j;
  }
  Result<aws::ServiceResponse> delete_version(const std::string& version) {
    if (before_version_delete) before_version_delete(version);
    std::vector<std::string> referencing;
    for (const auto& [n, a] : aliases) {
      if (a.version == version || a.weights.count(version)) referencing.push_back(n);
    }
    if (!referencing.empty()) {
      return error(409, "ResourceConflictException",
                   "Unable to delete version because the following aliases reference it: [" + join(referencing, ", ") +
                       "]");
    }
    for (auto& v : versions) {
      if (v.config["Version"] == version && !v.deleted) {
        v.deleted = true;
        return ok("", 204);
      }
    }
    return error(404, "ResourceNotFoundException", "Function not found: " + arn() + ":" + version);
  }
  Result<aws::ServiceResponse> account_settings() {
    int64_t used = exists ? latest.value("CodeSize", int64_t{0}) : 0;
    for (const auto& v : versions) {
      if (!v.deleted) used += v.config.value("CodeSize", int64_t{0});
    }
    return ok(json{{"AccountLimit", {{"TotalCodeSize", code_storage_limit}, {"CodeSizeZipped", 52428800}}},
                   {"AccountUsage", {{"TotalCodeSize", used}, {"FunctionCount", exists ? 1 : 0}}}}
                  .dump());
  }
  Result<aws::ServiceResponse> alias_op(const aws::ServiceRequest& r, const std::string& alias) {
    if (r.method == "GET" && alias.empty()) {
      json list = json::array();
      for (const auto& [n, a] : aliases) list.push_back(alias_json(n, a));
      return ok(json{{"Aliases", list}}.dump());
    }
    if (r.method == "POST") {
      auto body = json::parse(r.body);
      std::string n = body["Name"];
      if (aliases.count(n)) return error(409, "ResourceConflictException", "Alias already exists: " + n);
      aliases[n] = Alias{body["FunctionVersion"], body.value("Description", ""), next_revision()};
      return ok(alias_json(n, aliases[n]).dump(), 201);
    }
    auto it = aliases.find(alias);
    if (it == aliases.end()) return error(404, "ResourceNotFoundException", "Alias not found: " + alias);
    if (r.method == "GET") return ok(alias_json(alias, it->second).dump());
    if (r.method == "PUT") {
      auto body = json::parse(r.body);
      if (body.contains("RevisionId") && body["RevisionId"] != it->second.revision) return precondition();
      if (body.contains("FunctionVersion")) it->second.version = body["FunctionVersion"];
      if (body.contains("Description")) it->second.description = body["Description"];
      if (body.contains("RoutingConfig")) {
        it->second.weights.clear();
        const json weights = body["RoutingConfig"].value("AdditionalVersionWeights", json::object());
        for (const auto& [v, w] : weights.items()) {
          if (v == it->second.version) return error(400, "InvalidParameterValueException", "version is primary");
          it->second.weights[v] = w.get<double>();
        }
      }
      it->second.revision = next_revision();
      return ok(alias_json(alias, it->second).dump());
    }
    aliases.erase(it);
    return ok("", 204);
  }
  Result<aws::ServiceResponse> tag_op(const aws::ServiceRequest& r) {
    auto resource = uri_decode(r.path.substr(std::string("/2017-03-31/tags/").size())).value_or("");
    if (resource != arn()) return error(404, "ResourceNotFoundException", "no such resource " + resource);
    if (r.method == "GET") return ok(json{{"Tags", tags}}.dump());
    if (r.method == "POST") {
      const json body = json::parse(r.body);
      for (auto& [k, v] : body["Tags"].items()) tags[k] = v.get<std::string>();
      return ok("", 204);
    }
    if (r.method == "DELETE") {
      for (const auto& [n, v] : r.query) {
        if (n == "tagKeys") tags.erase(v);
      }
      return ok("", 204);
    }
    return error(400, "InvalidRequest", "unsupported tag op");
  }
};

}  // namespace lcd::test
