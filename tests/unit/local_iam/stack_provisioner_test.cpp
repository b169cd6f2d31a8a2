// CloudFormation's IAM provisioning through the IAM service: what a stack makes is what the API shows.
#include "local/iam/stack_provisioner.hpp"

#include <gtest/gtest.h>

#include "util/file_io.hpp"

namespace lcd::local::iam {
namespace {

constexpr const char* k_account = "111122223333";
constexpr const char* k_trust =
    R"({"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

std::string allow(const std::string& action) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" + action + R"(","Resource":"*"}]})";
}

class StackProvisionerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto iam = IamService::open(IamServiceOptions{m_dir.path()});
    ASSERT_TRUE(iam) << iam.error().message;
    m_iam = std::move(*iam);
    m_provisioner = std::make_unique<StackProvisioner>(*m_iam);
  }
  IamRoleSpec role_spec() {
    IamRoleSpec spec;
    spec.name = "stack-Role-ABC";
    spec.assume_role_policy = k_trust;
    spec.inline_policies = {{"logs", allow("logs:*")}, {"s3", allow("s3:GetObject")}};
    spec.managed_policy_arns = {"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"};
    spec.tags = {{"aws:cloudformation:stack-name", "stack"}};
    return spec;
  }
  std::vector<std::string> inline_names() {
    auto page = m_iam->store().list_role_policies(k_account, "stack-Role-ABC", "", 100);
    return page ? page->items : std::vector<std::string>{"<error>"};
  }
  std::vector<std::string> attached() {
    auto page = m_iam->store().list_attached_role_policies(k_account, "stack-Role-ABC", "", 100);
    return page ? page->items : std::vector<std::string>{"<error>"};
  }

  TempDir m_dir{"lcd-iam-stack"};
  std::unique_ptr<IamService> m_iam;
  std::unique_ptr<StackProvisioner> m_provisioner;
};

TEST_F(StackProvisionerTest, ARolesPoliciesFollowTheTemplateAndGoWithIt) {
  auto ids = m_provisioner->create_role(k_account, role_spec());
  ASSERT_TRUE(ids) << ids.error().message;
  auto role = m_iam->store().require_role(k_account, "stack-Role-ABC");
  ASSERT_TRUE(role);
  EXPECT_EQ(ids->arn, role->arn());
  EXPECT_EQ(ids->role_id, role->role_id);
  EXPECT_EQ(inline_names(), (std::vector<std::string>{"logs", "s3"}));
  EXPECT_EQ(attached().size(), 1u);

  auto spec = role_spec();
  spec.inline_policies = {{"logs", allow("logs:PutLogEvents")}};
  spec.managed_policy_arns = {"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"};
  spec.description = "updated";
  auto updated = m_provisioner->update_role(k_account, spec);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->role_id, ids->role_id);
  EXPECT_EQ(inline_names(), (std::vector<std::string>{"logs"}));
  EXPECT_EQ(*m_iam->store().get_role_policy(k_account, "stack-Role-ABC", "logs"), allow("logs:PutLogEvents"));
  EXPECT_EQ(attached(), (std::vector<std::string>{"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"}));
  EXPECT_EQ(m_iam->store().require_role(k_account, "stack-Role-ABC")->description, "updated");

  ASSERT_TRUE(m_provisioner->delete_role(k_account, "stack-Role-ABC"));
  EXPECT_FALSE(*m_iam->store().find_role(k_account, "stack-Role-ABC"));
  EXPECT_TRUE(m_provisioner->delete_role(k_account, "stack-Role-ABC"));  // already gone
}

TEST_F(StackProvisionerTest, AFailingPartLeavesNoRoleBehind) {
  auto spec = role_spec();
  spec.inline_policies.emplace_back("broken", "{\"Statement\":[]}");
  auto failed = m_provisioner->create_role(k_account, spec);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, "MalformedPolicyDocument");
  EXPECT_FALSE(*m_iam->store().find_role(k_account, "stack-Role-ABC"));

  spec = role_spec();
  spec.assume_role_policy = "not json";
  EXPECT_EQ(m_provisioner->create_role(k_account, spec).error().message, "This policy contains invalid Json");
}

TEST_F(StackProvisionerTest, ManagedPoliciesGetNewDefaultVersionsAndFollowTheirRoles) {
  ASSERT_TRUE(m_provisioner->create_role(k_account, role_spec()));
  IamManagedPolicySpec spec{"stack-Managed-XYZ", "/", "", allow("s3:GetObject"), {"stack-Role-ABC"}};
  auto ids = m_provisioner->create_managed_policy(k_account, spec);
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(ids->arn, "arn:aws:iam::111122223333:policy/stack-Managed-XYZ");
  EXPECT_EQ(ids->default_version_id, "v1");
  EXPECT_EQ(attached().size(), 2u);

  // Six changes of the document: the oldest versions make room, as CloudFormation does.
  for (int i = 0; i < 6; ++i) {
    spec.document = allow("s3:Action" + std::to_string(i));
    auto updated = m_provisioner->update_managed_policy(k_account, ids->arn, spec);
    ASSERT_TRUE(updated) << updated.error().message;
    EXPECT_EQ(updated->default_version_id, "v" + std::to_string(i + 2));
  }
  auto versions = m_iam->store().list_policy_versions(k_account, ids->arn);
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 5u);
  EXPECT_EQ(versions->front().document, allow("s3:Action5"));

  spec.roles.clear();
  ASSERT_TRUE(m_provisioner->update_managed_policy(k_account, ids->arn, spec));
  EXPECT_EQ(attached().size(), 1u);
  spec.roles = {"stack-Role-ABC"};
  ASSERT_TRUE(m_provisioner->update_managed_policy(k_account, ids->arn, spec));
  // Deleting detaches it everywhere and removes its versions.
  ASSERT_TRUE(m_provisioner->delete_managed_policy(k_account, ids->arn));
  EXPECT_EQ(attached().size(), 1u);
  EXPECT_FALSE(m_iam->store().require_policy(k_account, ids->arn));
  EXPECT_TRUE(m_provisioner->delete_managed_policy(k_account, ids->arn));
}

TEST_F(StackProvisionerTest, InlinePolicyResourcesPutAndDeleteOnTheirRoles) {
  ASSERT_TRUE(m_provisioner->create_role(k_account, role_spec()));
  ASSERT_TRUE(m_provisioner->put_role_policy(k_account, "stack-Role-ABC", "extra", allow("sqs:SendMessage")));
  EXPECT_EQ(inline_names(), (std::vector<std::string>{"extra", "logs", "s3"}));
  ASSERT_TRUE(m_provisioner->delete_role_policy(k_account, "stack-Role-ABC", "extra"));
  EXPECT_TRUE(m_provisioner->delete_role_policy(k_account, "stack-Role-ABC", "extra"));
  EXPECT_TRUE(m_provisioner->delete_role_policy(k_account, "no-such-role", "extra"));
  auto missing_role = m_provisioner->put_role_policy(k_account, "no-such-role", "p", allow("s3:*"));
  ASSERT_FALSE(missing_role);
  EXPECT_EQ(missing_role.error().code, "NoSuchEntity");
}

}  // namespace
}  // namespace lcd::local::iam
