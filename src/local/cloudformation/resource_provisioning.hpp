#pragma once
// Creates, updates and deletes the resource types a stack may hold, through the in-process
// Lambda, S3 and IAM services, in the stack's region and account: AWS::Lambda::Function,
// AWS::Lambda::Version, AWS::Lambda::Alias, AWS::S3::Bucket, and AWS::IAM::Role, AWS::IAM::Policy
// and AWS::IAM::ManagedPolicy (iam_resources.hpp; without IAM a role is recorded only and its ARN
// derived). Ref and Fn::GetAtt values follow aws-api-notes §8.5. Whether a change replaces a
// resource is replacement_rules.hpp's to say. A failure's message is the reason CloudFormation
// shows.

#include <nlohmann/json.hpp>

#include <string>

#include "local/cloudformation/intrinsics.hpp"
#include "local/cloudformation/provisioners.hpp"
#include "local/iam_provisioner.hpp"
#include "local/s3/s3_service.hpp"
#include "util/result.hpp"

namespace lcd::local::cloudformation {

// A resource as it is now, in the shape of its CloudFormation properties (drift detection).
struct Observation {
  bool checked = true;  // false: drift detection does not look at this type
  bool exists = true;
  nlohmann::json actual;
};

struct ResourceOutcome {
  std::string physical_id;
  ResourceState state;  // Ref and attributes
};

class ResourceProvisioning {
 public:
  // Any service may be null: resources needing it then fail with a clear reason (IAM roles are
  // then only recorded).
  ResourceProvisioning(LambdaProvisioner* lambda, s3::S3Service* s3, IamProvisioner* iam = nullptr)
      : m_lambda(lambda), m_s3(s3), m_iam(iam) {}

  Result<ResourceOutcome> create(const std::string& logical_id, const std::string& type,
                                 const nlohmann::json& properties, const StackIdentity& stack);

  // In-place update of an existing resource.
  Result<ResourceOutcome> update(const std::string& logical_id, const std::string& type,
                                 const std::string& physical_id, const nlohmann::json& before,
                                 const nlohmann::json& after, const StackIdentity& stack);

  // What `physical_id` is like now, for the properties `properties` (as applied) names:
  // AWS::Lambda::Function (configuration), Alias, Version and AWS::S3::Bucket; other types are
  // not checked.
  Result<Observation> observe(const std::string& type, const std::string& physical_id,
                              const nlohmann::json& properties, const StackIdentity& stack);

  // Deleting something already gone succeeds.
  Result<void> remove(const std::string& type, const std::string& physical_id, const nlohmann::json& properties,
                      const StackIdentity& stack);

 private:
  Result<ResourceOutcome> create_version(const nlohmann::json& properties, const StackIdentity& stack);

  LambdaProvisioner* m_lambda;
  s3::S3Service* m_s3;
  IamProvisioner* m_iam;
};

// "<stack>-<logical>-<12 random uppercase alphanumerics>", cut to `max_length` as CloudFormation does.
std::string generated_name(const std::string& stack_name, const std::string& logical_id, size_t max_length);

}  // namespace lcd::local::cloudformation
