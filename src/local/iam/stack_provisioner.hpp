#pragma once
// CloudFormation's IAM resources as IAM entities (iam_provisioner.hpp): each call goes through the
// IAM service's typed operations, so a stack's roles and policies pass the checks the API makes
// and are what `aws iam get-role` and GetAtt report alike.

#include "local/iam/iam_service.hpp"
#include "local/iam_provisioner.hpp"

namespace lcd::local::iam {

class StackProvisioner final : public IamProvisioner {
 public:
  explicit StackProvisioner(IamService& iam) : m_iam(iam) {}

  ApiResult<IamRoleIds> create_role(const std::string& account_id, const IamRoleSpec& spec) override;
  ApiResult<IamRoleIds> update_role(const std::string& account_id, const IamRoleSpec& spec) override;
  ApiResult<void> delete_role(const std::string& account_id, const std::string& name) override;
  ApiResult<void> put_role_policy(const std::string& account_id, const std::string& role,
                                  const std::string& policy_name, const std::string& document) override;
  ApiResult<void> delete_role_policy(const std::string& account_id, const std::string& role,
                                     const std::string& policy_name) override;
  ApiResult<IamManagedPolicyIds> create_managed_policy(const std::string& account_id,
                                                       const IamManagedPolicySpec& spec) override;
  ApiResult<IamManagedPolicyIds> update_managed_policy(const std::string& account_id, const std::string& arn,
                                                       const IamManagedPolicySpec& spec) override;
  ApiResult<void> delete_managed_policy(const std::string& account_id, const std::string& arn) override;

 private:
  // Makes the role's inline and attached policies exactly those of `spec`.
  ApiResult<void> converge_policies(const std::string& account_id, const IamRoleSpec& spec);
  ApiResult<void> converge_attachments(const std::string& account_id, const std::string& arn,
                                       const std::vector<std::string>& roles);

  IamService& m_iam;
};

}  // namespace lcd::local::iam
