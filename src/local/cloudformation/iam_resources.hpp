#pragma once
// AWS::IAM::Role, AWS::IAM::Policy and AWS::IAM::ManagedPolicy as real IAM entities of the stack's
// account, made through the IamProvisioner (so `aws iam get-role` finds a stack's role and GetAtt
// Arn/RoleId are IAM's). Without an IamProvisioner a role is only recorded, with its ARN derived.

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "local/cloudformation/intrinsics.hpp"
#include "local/cloudformation/resource_provisioning.hpp"
#include "local/iam_provisioner.hpp"
#include "util/result.hpp"

namespace lcd::local::cloudformation {

bool is_iam_resource(const std::string& type);

Result<ResourceOutcome> create_iam_resource(IamProvisioner* iam, const std::string& logical_id, const std::string& type,
                                            const nlohmann::json& properties, const StackIdentity& stack);

Result<ResourceOutcome> update_iam_resource(IamProvisioner* iam, const std::string& logical_id, const std::string& type,
                                            const std::string& physical_id, const nlohmann::json& before,
                                            const nlohmann::json& after, const StackIdentity& stack);

// Deleting something already gone succeeds.
Result<void> remove_iam_resource(IamProvisioner* iam, const std::string& type, const std::string& physical_id,
                                 const nlohmann::json& properties, const StackIdentity& stack);

}  // namespace lcd::local::cloudformation
