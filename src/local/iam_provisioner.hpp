#pragma once
// What CloudFormation's IAM resources (AWS::IAM::Role, AWS::IAM::Policy, AWS::IAM::ManagedPolicy)
// need from IAM, in-process: the same entities the IAM API serves, in the stack's account.
// Implemented by the IAM service (src/local/iam); CloudFormation holds only this interface, the
// way it holds LambdaProvisioner for Lambda. Errors are IAM's (code, status and message).

#include <string>
#include <utility>
#include <vector>

#include "local/protocol/api_error.hpp"

namespace lcd::local {

struct IamRoleSpec {
  std::string name;
  std::string path = "/";
  std::string assume_role_policy;  // JSON text
  std::string description;
  int max_session_duration = 3600;
  std::string permissions_boundary;  // policy ARN or empty
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::pair<std::string, std::string>> inline_policies;  // name -> JSON text
  std::vector<std::string> managed_policy_arns;
};

struct IamRoleIds {
  std::string arn;
  std::string role_id;
};

struct IamManagedPolicySpec {
  std::string name;
  std::string path = "/";
  std::string description;
  std::string document;  // JSON text
  std::vector<std::string> roles;  // names of the roles it is attached to
};

struct IamManagedPolicyIds {
  std::string arn;
  std::string policy_id;
  std::string default_version_id;
};

class IamProvisioner {
 public:
  virtual ~IamProvisioner() = default;

  // The role with its inline and attached policies; nothing is left behind when a part fails.
  virtual ApiResult<IamRoleIds> create_role(const std::string& account_id, const IamRoleSpec& spec) = 0;
  // Brings the existing role `spec.name` to `spec`: trust policy, description, session duration,
  // boundary, tags, and exactly the inline and attached policies it lists.
  virtual ApiResult<IamRoleIds> update_role(const std::string& account_id, const IamRoleSpec& spec) = 0;
  // Detaches and deletes the role's policies, then the role. A role already gone is not an error.
  virtual ApiResult<void> delete_role(const std::string& account_id, const std::string& name) = 0;

  // An inline policy on one role (AWS::IAM::Policy puts one on each of its Roles). Put replaces;
  // deleting a policy or role already gone is not an error.
  virtual ApiResult<void> put_role_policy(const std::string& account_id, const std::string& role,
                                          const std::string& policy_name, const std::string& document) = 0;
  virtual ApiResult<void> delete_role_policy(const std::string& account_id, const std::string& role,
                                             const std::string& policy_name) = 0;

  // A customer managed policy attached to `spec.roles`.
  virtual ApiResult<IamManagedPolicyIds> create_managed_policy(const std::string& account_id,
                                                               const IamManagedPolicySpec& spec) = 0;
  // A new default version when the document changed (the oldest other version goes when five
  // exist), and attachments made to match `spec.roles`.
  virtual ApiResult<IamManagedPolicyIds> update_managed_policy(const std::string& account_id, const std::string& arn,
                                                               const IamManagedPolicySpec& spec) = 0;
  // Detaches it everywhere and deletes it with its versions. A policy already gone is not an error.
  virtual ApiResult<void> delete_managed_policy(const std::string& account_id, const std::string& arn) = 0;
};

}  // namespace lcd::local
