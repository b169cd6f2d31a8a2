// Resource-based policies: AddPermission, RemovePermission, GetPolicy (aws-api-notes-2 §18.3).
// One policy per function (unqualified), published version or alias; stored, returned and
// conflict-checked, not enforced. Texts recorded from AWS Lambda (2025) unless noted.
#include <nlohmann/json.hpp>

#include <regex>

#include "local/function_name.hpp"
#include "local/lambda_api.hpp"
#include "local/lambda_validation.hpp"

namespace lcd::local {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr size_t k_max_policy_bytes = 20480;

bool is_account_id(const std::string& s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

ApiError no_resource() { return not_found("The resource you requested does not exist."); }

ApiError policy_revision_mismatch() {
  return precondition_failed(
      "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest "
      "Revision Id");
}

// The model's constraints on AddPermission's body, in request-shape order.
void permission_violations(const json& body, Violations& v) {
  auto text = [&](const char* member) {
    return body[member].is_string() ? body[member].get<std::string>() : java_text(body[member]);
  };
  auto check = [&](const char* member, const char* field, const std::regex& pattern, const char* pattern_text,
                   size_t min_len, size_t max_len, bool required) {
    if (!body.contains(member) || body[member].is_null()) {
      if (required) v.add_null(field);
      return;
    }
    std::string value = text(member);
    if (value.size() < min_len) {
      v.add(value, field, "Member must have length greater than or equal to " + std::to_string(min_len));
    }
    if (max_len && value.size() > max_len) {
      v.add(value, field, "Member must have length less than or equal to " + std::to_string(max_len));
    }
    if (!body[member].is_string() || !std::regex_match(value, pattern)) {
      v.add(value, field, std::string("Member must satisfy regular expression pattern: ") + pattern_text);
    }
  };
  static const std::regex statement_re("[a-zA-Z0-9-_]+");
  static const std::regex action_re("lambda:[*]|lambda:[a-zA-Z]+|[*]");
  static const std::regex principal_re("[^\\s]+");
  static const std::regex source_arn_re("arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)");
  static const std::regex account_re("\\d{12}");
  static const std::regex token_re("[a-zA-Z0-9._\\-]+");
  static const std::regex org_re("o-[a-z0-9]{10,32}");
  check("StatementId", "statementId", statement_re, "([a-zA-Z0-9-_]+)", 1, 100, true);
  check("Action", "action", action_re, "(lambda:[*]|lambda:[a-zA-Z]+|[*])", 0, 0, true);
  check("Principal", "principal", principal_re, "[^\\s]+", 0, 0, true);
  check("SourceArn", "sourceArn", source_arn_re,
        "arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)", 0, 0, false);
  check("SourceAccount", "sourceAccount", account_re, "\\d{12}", 0, 12, false);
  check("EventSourceToken", "eventSourceToken", token_re, "[a-zA-Z0-9._\\-]+", 0, 256, false);
  check("PrincipalOrgID", "principalOrgID", org_re, "o-[a-z0-9]{10,32}", 12, 34, false);
  if (body.contains("FunctionUrlAuthType") &&
      !(body["FunctionUrlAuthType"] == "NONE" || body["FunctionUrlAuthType"] == "AWS_IAM")) {
    v.add(text("FunctionUrlAuthType"), "functionUrlAuthType", "Member must satisfy enum value set: [NONE, AWS_IAM]");
  }
}

// The statement AWS stores for an AddPermission request (member order as AWS writes it).
ApiResult<ordered_json> build_statement(const json& body, const std::string& resource_arn) {
  ordered_json statement;
  statement["Sid"] = body["StatementId"];
  statement["Effect"] = "Allow";
  const std::string principal = body["Principal"];
  if (principal == "*") {
    statement["Principal"] = "*";
  } else if (is_account_id(principal)) {
    statement["Principal"] = {{"AWS", "arn:aws:iam::" + principal + ":root"}};
  } else if (principal.rfind("arn:aws", 0) == 0 && principal.find(":iam::") != std::string::npos) {
    statement["Principal"] = {{"AWS", principal}};
  } else if (principal.size() > 14 && principal.compare(principal.size() - 14, 14, ".amazonaws.com") == 0) {
    statement["Principal"] = {{"Service", principal}};
  } else {
    return api_fail(invalid_parameter("The provided principal was invalid. Please check the principal and try again."));
  }
  statement["Action"] = body["Action"];
  statement["Resource"] = resource_arn;
  ordered_json string_equals = ordered_json::object();
  if (body.contains("SourceAccount")) string_equals["AWS:SourceAccount"] = body["SourceAccount"];
  if (body.contains("FunctionUrlAuthType")) string_equals["lambda:FunctionUrlAuthType"] = body["FunctionUrlAuthType"];
  if (body.contains("PrincipalOrgID")) string_equals["aws:PrincipalOrgID"] = body["PrincipalOrgID"];
  if (body.contains("EventSourceToken")) string_equals["lambda:EventSourceToken"] = body["EventSourceToken"];
  ordered_json condition = ordered_json::object();
  if (!string_equals.empty()) condition["StringEquals"] = string_equals;
  if (body.contains("SourceArn")) condition["ArnLike"] = {{"AWS:SourceArn", body["SourceArn"]}};
  if (!condition.empty()) statement["Condition"] = condition;
  return statement;
}

std::string policy_document(const std::string& statements_json) {
  ordered_json doc;
  doc["Version"] = "2012-10-17";
  doc["Id"] = "default";
  doc["Statement"] = ordered_json::parse(statements_json, nullptr, false);
  if (!doc["Statement"].is_array()) doc["Statement"] = ordered_json::array();
  return doc.dump();
}

}  // namespace

LambdaApi::Reply LambdaApi::add_permission(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, NameShape::namespaced);
  if (!ref) return api_fail(ref.error());
  auto body = parse_body(call.request);
  if (!body) return api_fail(body.error());
  Violations violations;
  permission_violations(*body, violations);
  if (!violations.empty()) return api_fail(violations.error());
  const std::string qualifier = ref->qualifier;
  if (qualifier == "$LATEST") return api_fail(invalid_parameter("We currently do not support adding policies for $LATEST."));
  const std::string revision = body->value("RevisionId", "");
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<std::string> {
    auto row = require_function(scope, ref->name);
    if (!row) return api_fail(row.error());
    const int64_t now = now_ms();
    std::string target_revision = row->revision_at(now);
    std::string resource = function_arn(scope.region, scope.account, ref->name);
    if (!qualifier.empty()) {
      resource = qualified_arn(scope.region, scope.account, ref->name, qualifier);
      if (is_version_number(qualifier)) {
        auto version = m_store.get_version(scope, ref->name, std::stoll(qualifier));
        if (!version) return api_fail(from_error(version.error()));
        if (!*version) return api_fail(not_found("Function not found: " + resource));
        target_revision = (*version)->revision_id;
      } else if (is_valid_alias_name(qualifier)) {
        auto alias = m_store.get_alias(scope, ref->name, qualifier);
        if (!alias) return api_fail(from_error(alias.error()));
        if (!*alias) return api_fail(not_found("Cannot find alias arn: " + resource));
        target_revision = (*alias)->revision_id;
      } else {
        return api_fail(not_found("Function not found: " + resource));
      }
    }
    auto existing = m_store.get_policy(scope, ref->name, qualifier);
    if (!existing) return api_fail(from_error(existing.error()));
    if (!revision.empty() && revision != (*existing ? (*existing)->revision_id : target_revision)) {
      return api_fail(policy_revision_mismatch());
    }
    ordered_json statements = *existing ? ordered_json::parse((*existing)->statements_json, nullptr, false)
                                        : ordered_json::array();
    if (!statements.is_array()) statements = ordered_json::array();
    const std::string sid = (*body)["StatementId"];
    for (const auto& s : statements) {
      if (s.value("Sid", "") == sid) {
        return api_fail(conflict("The statement id (" + sid +
                                 ") provided already exists. Please provide a new statement id, or remove the existing "
                                 "statement."));
      }
    }
    auto statement = build_statement(*body, resource);
    if (!statement) return api_fail(statement.error());
    statements.push_back(*statement);
    PolicyRow policy{scope.account, scope.region, ref->name, qualifier, statements.dump(), new_revision()};
    const std::string document = policy_document(policy.statements_json);
    if (document.size() > k_max_policy_bytes) {
      // Wording as reported by AWS users (terraform-provider-aws issues); not recorded here.
      ApiError e;
      e.status = 400;
      e.code = "PolicyLengthExceededException";
      e.message = "The final policy size (" + std::to_string(document.size()) + ") is bigger than the limit (" +
                  std::to_string(k_max_policy_bytes) + ").";
      return api_fail(e);
    }
    if (auto put = m_store.put_policy(policy); !put) return api_fail(from_error(put.error()));
    if (qualifier.empty()) {
      // The function's RevisionId becomes the policy's (recorded from AWS, 2025).
      row->settle(now);
      row->revision_id = policy.revision_id;
      if (auto put = m_store.put_function(*row); !put) return api_fail(from_error(put.error()));
    }
    return statement->dump();
  });
  if (!result) return api_fail(result.error());
  return json_response(201, json{{"Statement", *result}});
}

LambdaApi::Reply LambdaApi::remove_permission(Call& call, const std::string& name_segment,
                                              const std::string& statement_id) {
  auto ref = function_ref(call, name_segment, NameShape::namespaced);
  if (!ref) return api_fail(ref.error());
  static const std::regex sid_re("[a-zA-Z0-9-_.]+");
  Violations violations;
  if (statement_id.size() > 100) violations.add(statement_id, "statementId", "Member must have length less than or equal to 100");
  if (!std::regex_match(statement_id, sid_re)) {
    violations.add(statement_id, "statementId", "Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)");
  }
  if (!violations.empty()) return api_fail(violations.error());
  const std::string qualifier = ref->qualifier;
  const std::string revision = call.request.query_param("RevisionId");
  const Scope scope = call.scope;
  auto result = m_store.write([&]() -> ApiResult<bool> {
    auto row = m_store.get_function(scope, ref->name);
    if (!row) return api_fail(from_error(row.error()));
    if (!*row) return api_fail(not_found("No policy found for: " + function_arn(scope.region, scope.account, ref->name)));
    if (!qualifier.empty() && is_valid_alias_name(qualifier)) {
      auto alias = m_store.get_alias(scope, ref->name, qualifier);
      if (!alias) return api_fail(from_error(alias.error()));
      if (!*alias) {
        return api_fail(not_found("Cannot find alias arn: " + qualified_arn(scope.region, scope.account, ref->name, qualifier)));
      }
    }
    auto policy = m_store.get_policy(scope, ref->name, qualifier);
    if (!policy) return api_fail(from_error(policy.error()));
    if (!*policy) return api_fail(not_found("No policy is associated with the given resource."));
    if (!revision.empty() && revision != (*policy)->revision_id) return api_fail(policy_revision_mismatch());
    ordered_json statements = ordered_json::parse((*policy)->statements_json, nullptr, false);
    ordered_json kept = ordered_json::array();
    bool found = false;
    if (statements.is_array()) {
      for (const auto& s : statements) {
        if (s.value("Sid", "") == statement_id) {
          found = true;
        } else {
          kept.push_back(s);
        }
      }
    }
    if (!found) return api_fail(not_found("Statement " + statement_id + " is not found in resource policy."));
    std::string new_rev = new_revision();
    if (kept.empty()) {
      if (auto gone = m_store.delete_policy(scope, ref->name, qualifier); !gone) return api_fail(from_error(gone.error()));
    } else {
      PolicyRow updated = **policy;
      updated.statements_json = kept.dump();
      updated.revision_id = new_rev;
      if (auto put = m_store.put_policy(updated); !put) return api_fail(from_error(put.error()));
    }
    if (qualifier.empty()) {
      (*row)->settle(now_ms());
      (*row)->revision_id = new_rev;
      if (auto put = m_store.put_function(**row); !put) return api_fail(from_error(put.error()));
    }
    return true;
  });
  if (!result) return api_fail(result.error());
  return empty_response(204);
}

LambdaApi::Reply LambdaApi::get_policy(Call& call, const std::string& name_segment) {
  auto ref = function_ref(call, name_segment, NameShape::namespaced);
  if (!ref) return api_fail(ref.error());
  const Scope scope = call.scope;
  auto result = m_store.read([&]() -> ApiResult<json> {
    auto row = m_store.get_function(scope, ref->name);
    if (!row) return api_fail(from_error(row.error()));
    if (!*row) return api_fail(no_resource());
    auto policy = m_store.get_policy(scope, ref->name, ref->qualifier);
    if (!policy) return api_fail(from_error(policy.error()));
    if (!*policy) return api_fail(no_resource());
    return json{{"Policy", policy_document((*policy)->statements_json)}, {"RevisionId", (*policy)->revision_id}};
  });
  if (!result) return api_fail(result.error());
  return json_response(200, *result);
}

}  // namespace lcd::local
