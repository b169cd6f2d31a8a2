#pragma once
// CloudFormation on the local endpoint (query protocol, aws-api-notes §8, §20): stacks
// (CreateStack, UpdateStack, DeleteStack with RetainResources, DescribeStacks, DescribeStackEvents
// paged, DescribeStackResource(s), ListStackResources, ListStacks, GetTemplate with its Original
// and Processed stages, GetTemplateSummary, ValidateTemplate) and change sets (CreateChangeSet
// CREATE/UPDATE, DescribeChangeSet, ListChangeSets, ExecuteChangeSet, DeleteChangeSet). Templates
// may use the AWS::Serverless-2016-10-31 transform (sam_transform.hpp). Stacks belong to the
// region and account of the request that created them, and their resources are created there.
// Operations run on a background thread and pass through *_IN_PROGRESS (so the AWS CLI's waiters
// work); the request that starts one answers once it finished or `settle` passed, whichever comes
// first, so a client's first poll usually finds it done. Stacks, change sets, resources and events
// persist in the endpoint's one SQLite database (state_layout.hpp; own connection,
// synchronous=FULL). A <state>/cloudformation/stacks.sqlite3 from releases that kept stacks apart
// is imported on open, once, and renamed to stacks.sqlite3.migrated.

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "local/cloudformation/provisioners.hpp"
#include "local/iam_provisioner.hpp"
#include "local/protocol/http_types.hpp"
#include "local/protocol/request_context.hpp"
#include "local/s3/s3_service.hpp"
#include "util/result.hpp"

namespace lcd::local::cloudformation {

struct StackServiceOptions {
  std::filesystem::path state_dir;
  // Where stacks recorded before stacks carried their region and account live.
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  // How long a request that starts a stack or change set operation waits for it before answering.
  std::chrono::milliseconds settle{5000};
  // IAM resources become IAM entities through it (must outlive the service); null: roles are only recorded.
  IamProvisioner* iam = nullptr;
};

class StackService : public Service {
 public:
  // `lambda` and `s3` may be null; resources needing them then fail with a clear reason.
  static Result<std::unique_ptr<StackService>> open(StackServiceOptions options, LambdaProvisioner* lambda,
                                                    s3::S3Service* s3);
  ~StackService() override;  // waits for running stack operations
  StackService(const StackService&) = delete;
  StackService& operator=(const StackService&) = delete;

  // Form-encoded POST with Action=...; never throws.
  HttpResponse handle(const HttpRequest& request, const RequestContext& context) override;

  class Impl;

 private:
  explicit StackService(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace lcd::local::cloudformation
