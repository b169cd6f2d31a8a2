#pragma once
// The Lambda REST-JSON API (2015-03-31) over the durable store: functions, versions, aliases,
// tags, resource policies, reserved concurrency, account settings, code download and Invoke
// (aws-api-notes §2-§6, aws-api-notes-2 §18). Operations of the service model it does not serve
// answer 501 NotImplementedException naming the operation.

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "local/aws_error.hpp"
#include "local/blob_store.hpp"
#include "local/code_objects.hpp"
#include "local/execution_role_check.hpp"
#include "local/function_name.hpp"
#include "local/fault_injector.hpp"
#include "local/protocol/http_types.hpp"
#include "local/protocol/request_context.hpp"
#include "local/invoke_backend.hpp"
#include "local/lambda_store.hpp"
#include "util/clock.hpp"

namespace lcd::local {

struct LambdaApiOptions {
  std::string account_id = "000000000000";
  int update_delay_ms = 100;
  std::filesystem::path state_dir;
  // Code storage per account and region (AccountLimit.TotalCodeSize); beyond it CreateFunction,
  // UpdateFunctionCode and PublishVersion answer CodeStorageExceededException.
  int64_t code_storage_limit = 80530636800;  // AWS's default, 75 GB
  // Concurrent executions per account and region (AccountLimit.ConcurrentExecutions): the limit
  // the execution engine enforces.
  int concurrency_limit = 10;
};

class LambdaApi final : public Service {
 public:
  // `faults` and `invoker` may be null (no fault injection / no execution engine).
  LambdaApi(LambdaApiOptions options, LambdaStore& store, BlobStore& blobs, Clock& clock, FaultInjector* faults,
            InvokeBackend* invoker);

  // Lets Code.S3Bucket/S3Key name objects in `objects` (which must outlive this); without it such
  // code is answered as S3 answers an unknown bucket.
  void set_code_objects(CodeObjects* objects) { m_code_objects = objects; }
  // Lets IAM judge the Role of CreateFunction and UpdateFunctionConfiguration (must outlive this).
  void set_role_check(ExecutionRoleCheck* check) { m_role_check = check; }

  // Never throws; every failure is an AWS-shaped error response.
  HttpResponse handle(const HttpRequest& request, const RequestContext& context) override;

  // True when the path belongs to this API (used to route unsigned requests).
  static bool owns_path(const std::string& raw_path);

 private:
  using Reply = ApiResult<HttpResponse>;
  struct Call {
    const HttpRequest& request;
    const RequestContext& context;
    std::vector<std::string> segments;  // decoded path segments
    Scope scope;                        // the account and region the request acts in
  };

  Reply dispatch(Call& call);

  // Functions (lambda_functions.cpp).
  Reply create_function(Call& call);
  Reply get_function(Call& call, const std::string& name_segment, bool configuration_only);
  Reply update_function_code(Call& call, const std::string& name_segment);
  // The zip named by a Code object (CreateFunction) or the request body (UpdateFunctionCode):
  // ZipFile, or S3Bucket + S3Key read from the endpoint's S3; validated as a Lambda package.
  ApiResult<std::string> code_zip(const nlohmann::json& code);
  // Records what $LATEST was before `updated`, served to invokes until its InProgress window ends.
  ApiResult<void> keep_latest_before_update(const FunctionRow& updated, LatestBeforeUpdate previous);
  Reply update_function_configuration(Call& call, const std::string& name_segment);
  Reply list_functions(Call& call);
  Reply delete_function(Call& call, const std::string& name_segment);
  Reply download_code(Call& call, const std::string& blob_name);

  // Versions (lambda_versions.cpp).
  Reply publish_version(Call& call, const std::string& name_segment);
  Reply list_versions(Call& call, const std::string& name_segment);
  // Snapshots $LATEST as a new version, or returns the last one when nothing changed since; the
  // version is Pending while $LATEST is busy. Changes $LATEST's RevisionId. Call inside a store write.
  ApiResult<VersionRow> publish_locked(FunctionRow& row, const std::string* description);

  // Aliases (lambda_aliases.cpp).
  Reply create_alias(Call& call, const std::string& name_segment);
  Reply get_alias(Call& call, const std::string& name_segment, const std::string& alias);
  Reply update_alias(Call& call, const std::string& name_segment, const std::string& alias);
  Reply delete_alias(Call& call, const std::string& name_segment, const std::string& alias);
  Reply list_aliases(Call& call, const std::string& name_segment);

  // Tags (lambda_tags.cpp).
  Reply tag_resource(Call& call, const std::string& resource);
  Reply untag_resource(Call& call, const std::string& resource);
  Reply list_tags(Call& call, const std::string& resource);
  ApiResult<FunctionRef> tag_target(const Call& call, const std::string& resource);

  // Resource-based policies (lambda_policies.cpp).
  Reply add_permission(Call& call, const std::string& name_segment);
  Reply remove_permission(Call& call, const std::string& name_segment, const std::string& statement_id);
  Reply get_policy(Call& call, const std::string& name_segment);

  // Reserved concurrency and account settings (lambda_concurrency.cpp).
  Reply put_function_concurrency(Call& call, const std::string& name_segment);
  Reply get_function_concurrency(Call& call, const std::string& name_segment);
  Reply delete_function_concurrency(Call& call, const std::string& name_segment);
  Reply get_account_settings(Call& call);
  // CodeStorageExceededException when adding `added_bytes` of code to the scope would pass the limit.
  ApiResult<void> check_code_storage(const Scope& scope, int64_t added_bytes);

  // Invoke (lambda_invoke.cpp).
  Reply invoke(Call& call, const std::string& name_segment, bool legacy_async);

  // Shared helpers.
  int64_t now_ms() const;
  std::string now_lambda_time() const;
  int64_t busy_window_ms();
  ApiResult<nlohmann::json> parse_body(const HttpRequest& request) const;
  // 409 when the function is Pending or an update is InProgress (or a conflict fault fires).
  ApiResult<void> check_not_busy(const FunctionRow& row);
  // The function, or ResourceNotFoundException naming its ARN (with ":<qualifier>" when given).
  ApiResult<FunctionRow> require_function(const Scope& scope, const std::string& name,
                                          const std::string& qualifier = "");
  HttpResponse json_response(int status, const nlohmann::json& body) const;
  static HttpResponse empty_response(int status);
  double random_unit();
  std::string new_revision();
  // The function named by `text` (a path segment, or CreateFunction's FunctionName), validated
  // against the shape's constraints together with ?Qualifier= (ValidationException listing every
  // violation), with the qualifier from the name or the query (InvalidParameterValueException
  // when both are given and differ). An ARN of another region is not found; of another account,
  // AccessDeniedException.
  ApiResult<FunctionRef> function_ref(const Call& call, const std::string& text, NameShape shape);
  ApiError revision_mismatch() const;

  // Published versions are immutable, so their ListVersionsByFunction entries are rendered once.
  std::string cached_version_entry(const VersionRow& row);
  void forget_cached_versions(const Scope& scope, const std::string& name);

  LambdaApiOptions m_options;
  std::mutex m_cache_mutex;
  std::map<std::string, std::string> m_version_entries;  // "<account>\n<region>\n<name>\n<version>" -> JSON text
  LambdaStore& m_store;
  BlobStore& m_blobs;
  Clock& m_clock;
  FaultInjector* m_faults;
  InvokeBackend* m_invoker;
  CodeObjects* m_code_objects = nullptr;
  ExecutionRoleCheck* m_role_check = nullptr;
  BlobStore::Referrer m_blob_referrer;  // keeps the packages functions and versions refer to
  std::mutex m_rng_mutex;
  std::mt19937_64 m_rng{std::random_device{}()};
};

}  // namespace lcd::local
