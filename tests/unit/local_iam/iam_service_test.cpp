// IAM below HTTP: the query actions against real SQLite in a temp dir, one account per request.
#include "local/iam/iam_service.hpp"

#include <gtest/gtest.h>

#include "local_iam/query_xml.hpp"
#include "util/encoding.hpp"
#include "util/file_io.hpp"

namespace lcd::local::iam {
namespace {

using testing::element;
using testing::elements;
using testing::form;

constexpr const char* k_account = "111122223333";
constexpr const char* k_lambda_trust =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},)"
    R"("Action":"sts:AssumeRole"}]})";
constexpr const char* k_logs_policy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]})";

class IamServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { open(); }
  void open() {
    m_iam.reset();
    auto iam = IamService::open(IamServiceOptions{m_dir.path()});
    ASSERT_TRUE(iam) << iam.error().message;
    m_iam = std::move(*iam);
  }
  HttpResponse call(const std::vector<std::pair<std::string, std::string>>& fields, const std::string& account = k_account) {
    auto fields_with_version = fields;
    fields_with_version.emplace_back("Version", "2010-05-08");
    RequestContext context;
    context.account_id = account;
    context.region = "us-east-1";
    context.request_id = "req-iam";
    return m_iam->handle(testing::form_post(form(fields_with_version)), context);
  }
  HttpResponse create_role(const std::string& name, const std::string& trust = k_lambda_trust,
                           const std::string& account = k_account) {
    return call({{"Action", "CreateRole"}, {"RoleName", name}, {"AssumeRolePolicyDocument", trust}}, account);
  }

  TempDir m_dir{"lcd-iam"};
  std::unique_ptr<IamService> m_iam;
};

TEST_F(IamServiceTest, CreateRoleAnswersTheRoleWithItsDocumentPercentEncoded) {
  auto r = call({{"Action", "CreateRole"},
                 {"RoleName", "fn-role"},
                 {"Path", "/service-role/"},
                 {"Description", "runs fn"},
                 {"AssumeRolePolicyDocument", k_lambda_trust},
                 {"Tags.member.1.Key", "team"},
                 {"Tags.member.1.Value", "payments"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "text/xml");
  EXPECT_NE(r.body.find("<CreateRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><CreateRoleResult><Role>"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(element(r.body, "Arn"), "arn:aws:iam::111122223333:role/service-role/fn-role");
  EXPECT_EQ(element(r.body, "RoleId").rfind("AROA", 0), 0u);
  EXPECT_EQ(element(r.body, "RoleId").size(), 21u);
  EXPECT_EQ(element(r.body, "AssumeRolePolicyDocument"), uri_encode(k_lambda_trust));
  EXPECT_EQ(*uri_decode(element(r.body, "AssumeRolePolicyDocument")), k_lambda_trust);
  EXPECT_EQ(element(r.body, "Key"), "team");
  EXPECT_EQ(element(r.body, "RequestId"), "req-iam");

  auto got = call({{"Action", "GetRole"}, {"RoleName", "FN-ROLE"}});  // names ignore case
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(element(got.body, "RoleName"), "fn-role");
  EXPECT_EQ(element(got.body, "RoleId"), element(r.body, "RoleId"));
  EXPECT_EQ(element(got.body, "Description"), "runs fn");
  EXPECT_EQ(element(got.body, "MaxSessionDuration"), "3600");
  EXPECT_NE(got.body.find("<RoleLastUsed></RoleLastUsed>"), std::string::npos);

  // The role outlives the service.
  open();
  EXPECT_EQ(call({{"Action", "GetRole"}, {"RoleName", "fn-role"}}).status, 200);
}

TEST_F(IamServiceTest, EachAccountHasItsOwnRoles) {
  ASSERT_EQ(create_role("shared-name").status, 200);
  auto other = create_role("shared-name", k_lambda_trust, "444455556666");
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(element(other.body, "Arn"), "arn:aws:iam::444455556666:role/shared-name");
  auto missing = call({{"Action", "GetRole"}, {"RoleName", "shared-name"}}, "999999999999");
  EXPECT_EQ(missing.status, 404);
}

TEST_F(IamServiceTest, ErrorsAreIamsCodesStatusesAndWords) {
  ASSERT_EQ(create_role("dup").status, 200);
  auto dup = create_role("DUP");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(element(dup.body, "Code"), "EntityAlreadyExists");
  EXPECT_EQ(element(dup.body, "Message"), "Role with name DUP already exists.");
  EXPECT_EQ(element(dup.body, "Type"), "Sender");
  EXPECT_NE(dup.body.find("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"), std::string::npos);

  auto missing = call({{"Action", "GetRole"}, {"RoleName", "ghost"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(element(missing.body, "Code"), "NoSuchEntity");
  EXPECT_EQ(element(missing.body, "Message"), "The role with name ghost cannot be found.");

  auto malformed = create_role("bad", "file-name.json");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(element(malformed.body, "Code"), "MalformedPolicyDocument");
  EXPECT_EQ(element(malformed.body, "Message"), "This policy contains invalid Json");

  auto bad_name = create_role("has space");
  EXPECT_EQ(element(bad_name.body, "Code"), "ValidationError");

  auto unknown = call({{"Action", "CreateUserPoolThing"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(element(unknown.body, "Code"), "InvalidAction");

  auto no_trust = call({{"Action", "CreateRole"}, {"RoleName", "x"}});
  EXPECT_EQ(element(no_trust.body, "Message"),
            "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: "
            "Member must not be null");
}

TEST_F(IamServiceTest, TrustPoliciesNamingMissingRolesOfTheAccountAreRefused) {
  std::string trusting_b = R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/b"},)"
                           R"("Action":"sts:AssumeRole"}]})";
  auto refused = create_role("a", trusting_b);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(element(refused.body, "Message"), "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:role/b\"");
  ASSERT_EQ(create_role("b").status, 200);
  EXPECT_EQ(create_role("a", trusting_b).status, 200);
  // Another account's roles are not this endpoint's to judge.
  EXPECT_EQ(create_role("c", replace_all(trusting_b, "111122223333", "999988887777")).status, 200);
}

TEST_F(IamServiceTest, ListRolesPagesWithMarkersAndFiltersByPath) {
  for (int i = 0; i < 120; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "role-%03d", i);
    ASSERT_EQ(create_role(name).status, 200);
  }
  ASSERT_EQ(call({{"Action", "CreateRole"}, {"RoleName", "ops"}, {"Path", "/ops/"}, {"AssumeRolePolicyDocument", k_lambda_trust}})
                .status,
            200);
  std::vector<std::string> names;
  std::string marker;
  int pages = 0;
  do {
    std::vector<std::pair<std::string, std::string>> fields = {{"Action", "ListRoles"}, {"MaxItems", "50"}};
    if (!marker.empty()) fields.emplace_back("Marker", marker);
    auto page = call(fields);
    ASSERT_EQ(page.status, 200) << page.body;
    for (auto& n : elements(page.body, "RoleName")) names.push_back(n);
    marker = element(page.body, "Marker");
    EXPECT_EQ(element(page.body, "IsTruncated"), marker.empty() ? "false" : "true");
    // ListRoles leaves RoleLastUsed and Tags out.
    EXPECT_EQ(page.body.find("RoleLastUsed"), std::string::npos);
    ++pages;
  } while (!marker.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(names.size(), 121u);
  EXPECT_EQ(names.front(), "ops");
  EXPECT_EQ(names[1], "role-000");
  EXPECT_EQ(names.back(), "role-119");
  auto ops = call({{"Action", "ListRoles"}, {"PathPrefix", "/ops/"}});
  EXPECT_EQ(elements(ops.body, "RoleName"), (std::vector<std::string>{"ops"}));
  EXPECT_EQ(element(call({{"Action", "ListRoles"}, {"MaxItems", "0"}}).body, "Code"), "ValidationError");
  EXPECT_EQ(element(call({{"Action", "ListRoles"}, {"Marker", "%%%"}}).body, "Code"), "InvalidInput");
}

TEST_F(IamServiceTest, InlinePoliciesAndDeleteConflict) {
  ASSERT_EQ(create_role("worker").status, 200);
  auto put = call({{"Action", "PutRolePolicy"}, {"RoleName", "worker"}, {"PolicyName", "logs"}, {"PolicyDocument", k_logs_policy}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.body.find("PutRolePolicyResult"), std::string::npos);  // no output, no Result element
  auto got = call({{"Action", "GetRolePolicy"}, {"RoleName", "worker"}, {"PolicyName", "logs"}});
  EXPECT_EQ(*uri_decode(element(got.body, "PolicyDocument")), k_logs_policy);
  EXPECT_EQ(elements(call({{"Action", "ListRolePolicies"}, {"RoleName", "worker"}}).body, "member"),
            (std::vector<std::string>{"logs"}));

  auto conflict = call({{"Action", "DeleteRole"}, {"RoleName", "worker"}});
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(element(conflict.body, "Code"), "DeleteConflict");
  EXPECT_EQ(element(conflict.body, "Message"), "Cannot delete entity, must delete policies first.");

  auto bad = call({{"Action", "PutRolePolicy"}, {"RoleName", "worker"}, {"PolicyName", "p"}, {"PolicyDocument", "{"}});
  EXPECT_EQ(element(bad.body, "Code"), "MalformedPolicyDocument");
  auto missing = call({{"Action", "GetRolePolicy"}, {"RoleName", "worker"}, {"PolicyName", "nope"}});
  EXPECT_EQ(element(missing.body, "Message"), "The role policy with name nope cannot be found.");

  ASSERT_EQ(call({{"Action", "DeleteRolePolicy"}, {"RoleName", "worker"}, {"PolicyName", "logs"}}).status, 200);
  EXPECT_EQ(call({{"Action", "DeleteRolePolicy"}, {"RoleName", "worker"}, {"PolicyName", "logs"}}).status, 404);
  EXPECT_EQ(call({{"Action", "DeleteRole"}, {"RoleName", "worker"}}).status, 200);
}

TEST_F(IamServiceTest, InlinePoliciesOfARoleShareOneSizeQuota) {
  ASSERT_EQ(create_role("big").status, 200);
  std::string resource(4000, 'x');
  std::string doc = R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::)" + resource + R"("}]})";
  EXPECT_EQ(call({{"Action", "PutRolePolicy"}, {"RoleName", "big"}, {"PolicyName", "a"}, {"PolicyDocument", doc}}).status, 200);
  EXPECT_EQ(call({{"Action", "PutRolePolicy"}, {"RoleName", "big"}, {"PolicyName", "b"}, {"PolicyDocument", doc}}).status, 200);
  auto third = call({{"Action", "PutRolePolicy"}, {"RoleName", "big"}, {"PolicyName", "c"}, {"PolicyDocument", doc}});
  EXPECT_EQ(third.status, 409);
  EXPECT_EQ(element(third.body, "Code"), "LimitExceeded");
  // Replacing one of them does not count it twice.
  EXPECT_EQ(call({{"Action", "PutRolePolicy"}, {"RoleName", "big"}, {"PolicyName", "a"}, {"PolicyDocument", doc}}).status, 200);
}

TEST_F(IamServiceTest, AttachedPoliciesAwsManagedAndCustomer) {
  ASSERT_EQ(create_role("fn").status, 200);
  const std::string basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
  ASSERT_EQ(call({{"Action", "AttachRolePolicy"}, {"RoleName", "fn"}, {"PolicyArn", basic}}).status, 200);
  auto missing = call({{"Action", "AttachRolePolicy"}, {"RoleName", "fn"}, {"PolicyArn", "arn:aws:iam::111122223333:policy/nope"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(element(missing.body, "Message"), "Policy arn:aws:iam::111122223333:policy/nope does not exist or is not attachable.");
  auto invalid = call({{"Action", "AttachRolePolicy"}, {"RoleName", "fn"}, {"PolicyArn", "not-an-arn"}});
  EXPECT_EQ(element(invalid.body, "Code"), "InvalidInput");

  auto created = call({{"Action", "CreatePolicy"}, {"PolicyName", "mine"}, {"PolicyDocument", k_logs_policy}});
  ASSERT_EQ(created.status, 200) << created.body;
  std::string mine = element(created.body, "Arn");
  EXPECT_EQ(mine, "arn:aws:iam::111122223333:policy/mine");
  ASSERT_EQ(call({{"Action", "AttachRolePolicy"}, {"RoleName", "fn"}, {"PolicyArn", mine}}).status, 200);
  auto listed = call({{"Action", "ListAttachedRolePolicies"}, {"RoleName", "fn"}});
  EXPECT_EQ(elements(listed.body, "PolicyArn"), (std::vector<std::string>{basic, mine}));
  EXPECT_EQ(elements(listed.body, "PolicyName"), (std::vector<std::string>{"AWSLambdaBasicExecutionRole", "mine"}));
  EXPECT_EQ(element(call({{"Action", "GetPolicy"}, {"PolicyArn", mine}}).body, "AttachmentCount"), "1");
  EXPECT_EQ(element(call({{"Action", "GetPolicy"}, {"PolicyArn", basic}}).body, "AttachmentCount"), "1");

  auto conflict = call({{"Action", "DeleteRole"}, {"RoleName", "fn"}});
  EXPECT_EQ(element(conflict.body, "Message"), "Cannot delete entity, must detach all policies first.");
  auto in_use = call({{"Action", "DeletePolicy"}, {"PolicyArn", mine}});
  EXPECT_EQ(in_use.status, 409);
  EXPECT_EQ(element(in_use.body, "Message"), "Cannot delete a policy attached to entities.");
  auto entities = call({{"Action", "ListEntitiesForPolicy"}, {"PolicyArn", mine}});
  EXPECT_EQ(elements(entities.body, "RoleName"), (std::vector<std::string>{"fn"}));

  ASSERT_EQ(call({{"Action", "DetachRolePolicy"}, {"RoleName", "fn"}, {"PolicyArn", mine}}).status, 200);
  EXPECT_EQ(call({{"Action", "DetachRolePolicy"}, {"RoleName", "fn"}, {"PolicyArn", mine}}).status, 404);
  ASSERT_EQ(call({{"Action", "DetachRolePolicy"}, {"RoleName", "fn"}, {"PolicyArn", basic}}).status, 200);
  EXPECT_EQ(call({{"Action", "DeleteRole"}, {"RoleName", "fn"}}).status, 200);
  EXPECT_EQ(call({{"Action", "DeletePolicy"}, {"PolicyArn", mine}}).status, 200);
  EXPECT_EQ(call({{"Action", "GetPolicy"}, {"PolicyArn", mine}}).status, 404);
}

TEST_F(IamServiceTest, ARoleTakesAtMostTenManagedPolicies) {
  ASSERT_EQ(create_role("many").status, 200);
  for (int i = 0; i < 10; ++i) {
    auto r = call({{"Action", "AttachRolePolicy"}, {"RoleName", "many"},
                   {"PolicyArn", "arn:aws:iam::aws:policy/Policy" + std::to_string(i)}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
  auto eleventh = call({{"Action", "AttachRolePolicy"}, {"RoleName", "many"}, {"PolicyArn", "arn:aws:iam::aws:policy/Eleven"}});
  EXPECT_EQ(eleventh.status, 409);
  EXPECT_EQ(element(eleventh.body, "Code"), "LimitExceeded");
  EXPECT_EQ(element(eleventh.body, "Message"), "Cannot exceed quota for PoliciesPerRole: 10");
}

TEST_F(IamServiceTest, PolicyVersionsUpToFive) {
  auto created = call({{"Action", "CreatePolicy"}, {"PolicyName", "p"}, {"Path", "/team/"},
                       {"Description", "d"}, {"PolicyDocument", k_logs_policy}});
  ASSERT_EQ(created.status, 200) << created.body;
  std::string arn = element(created.body, "Arn");
  EXPECT_EQ(arn, "arn:aws:iam::111122223333:policy/team/p");
  EXPECT_EQ(element(created.body, "DefaultVersionId"), "v1");
  EXPECT_EQ(element(created.body, "PolicyId").rfind("ANPA", 0), 0u);
  auto dup = call({{"Action", "CreatePolicy"}, {"PolicyName", "P"}, {"PolicyDocument", k_logs_policy}});
  EXPECT_EQ(element(dup.body, "Message"), "A policy called P already exists. Duplicate names are not allowed.");

  std::string v2_doc = R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";
  auto v2 = call({{"Action", "CreatePolicyVersion"}, {"PolicyArn", arn}, {"PolicyDocument", v2_doc}, {"SetAsDefault", "true"}});
  ASSERT_EQ(v2.status, 200) << v2.body;
  EXPECT_EQ(element(v2.body, "VersionId"), "v2");
  EXPECT_EQ(element(v2.body, "IsDefaultVersion"), "true");
  for (int i = 3; i <= 5; ++i) {
    ASSERT_EQ(call({{"Action", "CreatePolicyVersion"}, {"PolicyArn", arn}, {"PolicyDocument", k_logs_policy}}).status, 200);
  }
  auto sixth = call({{"Action", "CreatePolicyVersion"}, {"PolicyArn", arn}, {"PolicyDocument", k_logs_policy}});
  EXPECT_EQ(sixth.status, 409);
  EXPECT_EQ(element(sixth.body, "Code"), "LimitExceeded");

  auto got = call({{"Action", "GetPolicyVersion"}, {"PolicyArn", arn}, {"VersionId", "v2"}});
  EXPECT_EQ(*uri_decode(element(got.body, "Document")), v2_doc);
  EXPECT_EQ(element(got.body, "IsDefaultVersion"), "true");
  auto listed = call({{"Action", "ListPolicyVersions"}, {"PolicyArn", arn}});
  EXPECT_EQ(elements(listed.body, "VersionId"), (std::vector<std::string>{"v5", "v4", "v3", "v2", "v1"}));
  EXPECT_EQ(element(call({{"Action", "GetPolicy"}, {"PolicyArn", arn}}).body, "DefaultVersionId"), "v2");

  auto default_delete = call({{"Action", "DeletePolicyVersion"}, {"PolicyArn", arn}, {"VersionId", "v2"}});
  EXPECT_EQ(element(default_delete.body, "Code"), "DeleteConflict");
  auto versions_left = call({{"Action", "DeletePolicy"}, {"PolicyArn", arn}});
  EXPECT_EQ(element(versions_left.body, "Code"), "DeleteConflict");
  ASSERT_EQ(call({{"Action", "SetDefaultPolicyVersion"}, {"PolicyArn", arn}, {"VersionId", "v5"}}).status, 200);
  for (const char* v : {"v1", "v2", "v3", "v4"}) {
    ASSERT_EQ(call({{"Action", "DeletePolicyVersion"}, {"PolicyArn", arn}, {"VersionId", v}}).status, 200);
  }
  EXPECT_EQ(call({{"Action", "GetPolicyVersion"}, {"PolicyArn", arn}, {"VersionId", "v1"}}).status, 404);
  EXPECT_EQ(call({{"Action", "DeletePolicy"}, {"PolicyArn", arn}}).status, 200);
}

TEST_F(IamServiceTest, ListPoliciesByScopeAndAttachment) {
  ASSERT_EQ(call({{"Action", "CreatePolicy"}, {"PolicyName", "local-one"}, {"PolicyDocument", k_logs_policy}}).status, 200);
  auto local = call({{"Action", "ListPolicies"}, {"Scope", "Local"}});
  EXPECT_EQ(elements(local.body, "PolicyName"), (std::vector<std::string>{"local-one"}));
  auto aws = call({{"Action", "ListPolicies"}, {"Scope", "AWS"}});
  auto aws_names = elements(aws.body, "PolicyName");
  EXPECT_NE(std::find(aws_names.begin(), aws_names.end(), "AWSLambdaBasicExecutionRole"), aws_names.end());
  EXPECT_EQ(std::find(aws_names.begin(), aws_names.end(), "local-one"), aws_names.end());
  auto attached = call({{"Action", "ListPolicies"}, {"OnlyAttached", "true"}});
  EXPECT_TRUE(elements(attached.body, "PolicyName").empty());
  auto page = call({{"Action", "ListPolicies"}, {"MaxItems", "2"}});
  EXPECT_EQ(elements(page.body, "PolicyName").size(), 2u);
  EXPECT_EQ(element(page.body, "IsTruncated"), "true");
  auto rest = call({{"Action", "ListPolicies"}, {"Marker", element(page.body, "Marker")}});
  EXPECT_EQ(elements(page.body, "PolicyName").size() + elements(rest.body, "PolicyName").size(),
            elements(call({{"Action", "ListPolicies"}}).body, "PolicyName").size());

  auto basic = call({{"Action", "GetPolicyVersion"},
                     {"PolicyArn", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
                     {"VersionId", "v1"}});
  EXPECT_NE(uri_decode(element(basic.body, "Document"))->find("logs:PutLogEvents"), std::string::npos);
  auto aws_delete = call({{"Action", "DeletePolicy"}, {"PolicyArn", "arn:aws:iam::aws:policy/AdministratorAccess"}});
  EXPECT_EQ(element(aws_delete.body, "Code"), "UnmodifiableEntity");
}

TEST_F(IamServiceTest, UpdatesTagsAndBoundaries) {
  ASSERT_EQ(create_role("r").status, 200);
  ASSERT_EQ(call({{"Action", "UpdateRole"}, {"RoleName", "r"}, {"Description", "new"}, {"MaxSessionDuration", "7200"}}).status, 200);
  auto got = call({{"Action", "GetRole"}, {"RoleName", "r"}});
  EXPECT_EQ(element(got.body, "Description"), "new");
  EXPECT_EQ(element(got.body, "MaxSessionDuration"), "7200");
  EXPECT_EQ(element(call({{"Action", "UpdateRole"}, {"RoleName", "r"}, {"MaxSessionDuration", "60"}}).body, "Code"),
            "ValidationError");
  auto described = call({{"Action", "UpdateRoleDescription"}, {"RoleName", "r"}, {"Description", "newer"}});
  EXPECT_EQ(element(described.body, "Description"), "newer");

  std::string ec2_trust = replace_all(k_lambda_trust, "lambda.amazonaws.com", "ec2.amazonaws.com");
  ASSERT_EQ(call({{"Action", "UpdateAssumeRolePolicy"}, {"RoleName", "r"}, {"PolicyDocument", ec2_trust}}).status, 200);
  EXPECT_EQ(*uri_decode(element(call({{"Action", "GetRole"}, {"RoleName", "r"}}).body, "AssumeRolePolicyDocument")), ec2_trust);
  EXPECT_EQ(element(call({{"Action", "UpdateAssumeRolePolicy"}, {"RoleName", "r"}, {"PolicyDocument", "x"}}).body, "Code"),
            "MalformedPolicyDocument");

  ASSERT_EQ(call({{"Action", "TagRole"}, {"RoleName", "r"}, {"Tags.member.1.Key", "a"}, {"Tags.member.1.Value", "1"},
                  {"Tags.member.2.Key", "b"}, {"Tags.member.2.Value", "2"}}).status, 200);
  ASSERT_EQ(call({{"Action", "TagRole"}, {"RoleName", "r"}, {"Tags.member.1.Key", "A"}, {"Tags.member.1.Value", "3"}}).status, 200);
  ASSERT_EQ(call({{"Action", "UntagRole"}, {"RoleName", "r"}, {"TagKeys.member.1", "b"}}).status, 200);
  auto tags = call({{"Action", "ListRoleTags"}, {"RoleName", "r"}});
  EXPECT_EQ(elements(tags.body, "Key"), (std::vector<std::string>{"A"}));
  EXPECT_EQ(elements(tags.body, "Value"), (std::vector<std::string>{"3"}));
  auto dup_tags = call({{"Action", "TagRole"}, {"RoleName", "r"}, {"Tags.member.1.Key", "k"}, {"Tags.member.1.Value", "1"},
                        {"Tags.member.2.Key", "K"}, {"Tags.member.2.Value", "2"}});
  EXPECT_EQ(element(dup_tags.body, "Code"), "InvalidInput");

  const std::string boundary = "arn:aws:iam::aws:policy/AdministratorAccess";
  ASSERT_EQ(call({{"Action", "PutRolePermissionsBoundary"}, {"RoleName", "r"}, {"PermissionsBoundary", boundary}}).status, 200);
  EXPECT_EQ(element(call({{"Action", "GetRole"}, {"RoleName", "r"}}).body, "PermissionsBoundaryArn"), boundary);
  ASSERT_EQ(call({{"Action", "DeleteRolePermissionsBoundary"}, {"RoleName", "r"}}).status, 200);
  EXPECT_EQ(element(call({{"Action", "GetRole"}, {"RoleName", "r"}}).body, "PermissionsBoundaryArn"), "");
}

}  // namespace
}  // namespace lcd::local::iam
