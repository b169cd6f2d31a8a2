#pragma once
// The S3 REST-XML API on the local endpoint (path-style: /<bucket>/<key>), aws-api-notes §9.
// The endpoint's router hands it every request signed for service "s3" (and unsigned path-style
// requests it recognises). Also the in-process bucket/object API CloudFormation uses.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "local/protocol/http_types.hpp"
#include "local/protocol/request_context.hpp"
#include "local/s3/s3_store.hpp"
#include "util/result.hpp"

namespace lcd::local::s3 {

struct S3ServiceOptions {
  std::filesystem::path state_dir;  // the endpoint's state (state_layout.hpp)
  // Where the in-process create_bucket(name) puts a bucket and whose it is; the account also owns
  // the buckets of state written before buckets had owners. Requests carry their own.
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  // The blob store shared with Lambda (must outlive the service); null: the service opens its own
  // on <state_dir>/blobs (then it does not see what another BlobStore instance's users refer to).
  BlobStore* blobs = nullptr;
};

class S3Service : public Service {
 public:
  static Result<std::unique_ptr<S3Service>> open(S3ServiceOptions options);

  // Never throws; errors are S3 XML (HEAD: status only, empty body).
  HttpResponse handle(const HttpRequest& request, const RequestContext& context) override;

  // In-process API (CloudFormation). Errors carry S3 codes. create_bucket follows CreateBucket's
  // ownership rules (S3Store::create_bucket) without its LocationConstraint rules.
  Result<void> create_bucket(const std::string& name, const std::string& region, const std::string& account_id);
  Result<void> create_bucket(const std::string& name);  // in options().region, for options().account_id
  Result<void> delete_bucket(const std::string& name);
  Result<bool> bucket_exists(const std::string& name);
  Result<std::string> get_object_bytes(const std::string& bucket, const std::string& key);
  Result<ObjectMeta> put_object_bytes(const std::string& bucket, const std::string& key, std::string_view bytes,
                                      const std::string& content_type = "binary/octet-stream");

  S3Store& store() { return *m_store; }
  const S3ServiceOptions& options() const { return m_options; }

 private:
  explicit S3Service(S3ServiceOptions options) : m_options(std::move(options)) {}
  Result<HttpResponse> dispatch(const HttpRequest& request, const RequestContext& context, const std::string& bucket,
                                const std::string& key);
  // The answer to a request on an existing bucket it may not touch from its region or account
  // (bucket_rules.hpp); nullopt to go ahead.
  std::optional<HttpResponse> refused(const HttpRequest& request, const RequestContext& context,
                                      const std::string& bucket, const std::string& key);

  Result<HttpResponse> list_buckets(const HttpRequest& request, const RequestContext& context);
  Result<HttpResponse> create_bucket_op(const HttpRequest& request, const RequestContext& context,
                                        const std::string& bucket);
  Result<HttpResponse> list_objects_op(const HttpRequest& request, const std::string& bucket);
  Result<HttpResponse> delete_objects_op(const HttpRequest& request, const std::string& bucket);
  Result<HttpResponse> put_object_op(const HttpRequest& request, const std::string& bucket, const std::string& key);
  Result<HttpResponse> copy_object_op(const HttpRequest& request, const std::string& bucket, const std::string& key);
  Result<HttpResponse> get_object_op(const HttpRequest& request, const std::string& bucket, const std::string& key,
                                     bool head);
  Result<HttpResponse> upload_part_op(const HttpRequest& request, const std::string& bucket, const std::string& key);
  Result<HttpResponse> complete_upload_op(const HttpRequest& request, const std::string& bucket,
                                          const std::string& key);

  S3ServiceOptions m_options;
  std::unique_ptr<BlobStore> m_own_blobs;
  std::unique_ptr<S3Store> m_store;
};

}  // namespace lcd::local::s3
