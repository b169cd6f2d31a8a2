#include "local/s3/s3_service.hpp"

#include <charconv>

#include "local/protocol/error_response.hpp"
#include "local/s3/bucket_rules.hpp"
#include "local/s3/checksums.hpp"
#include "local/s3/preconditions.hpp"
#include "local/s3/request_body.hpp"
#include "local/s3/s3_xml.hpp"
#include "local/state_layout.hpp"
#include "util/clock.hpp"
#include "util/crypto.hpp"
#include "util/encoding.hpp"
#include "util/strings.hpp"

namespace lcd::local::s3 {
namespace {

HttpResponse xml_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/xml";
  r.body = std::move(body);
  return r;
}

HttpResponse empty_response(int status) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/xml";
  return r;
}

std::string http_date_of_ms(int64_t ms) {
  return format_http_date(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

void add_object_headers(HttpResponse& r, const ObjectMeta& meta) {
  r.set_header("ETag", meta.etag);
  r.set_header("Last-Modified", http_date_of_ms(meta.last_modified_ms));
  r.set_header("Accept-Ranges", "bytes");
  for (const auto& [name, value] : meta.headers) {
    if (iequals(name, "Content-Type")) {
      r.content_type = value;
    } else {
      r.set_header(name, value);
    }
  }
}

bool parse_int(std::string_view text, int& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size() && !text.empty();
}

// CreateBucket is PUT /<bucket> without a sub-resource.
bool is_create_bucket(const HttpRequest& request, const std::string& key) {
  if (request.method != "PUT" || !key.empty()) return false;
  for (const auto& [name, value] : request.query) {
    if (!starts_with(name, "X-Amz-")) return false;
  }
  return true;
}

// x-amz-checksum-mode: ENABLED asks for the checksums verified at upload (aws-api-notes-2 §17.4).
void add_checksum_headers(HttpResponse& r, const HttpRequest& request, const ObjectMeta& meta) {
  if (!iequals(request.header("x-amz-checksum-mode"), "ENABLED") || meta.checksums.empty()) return;
  for (const auto& [algorithm, value] : meta.checksums) r.set_header("x-amz-checksum-" + algorithm, value);
  r.set_header("x-amz-checksum-type", "FULL_OBJECT");
}

// The If-None-Match / If-Match guard of a write with the key's ETag as the request arrived, before
// its body is decoded and stored (the store checks it again as it commits).
Result<WriteCondition> observed_write_condition(S3Store& store, const HttpRequest& request, const std::string& bucket,
                                                const std::string& key) {
  auto condition = parse_write_condition(request);
  if (!condition || !condition->any()) return condition;
  auto etag = store.current_etag(bucket, key);
  if (!etag) return fail(etag.error());
  condition->observed = true;
  condition->observed_etag = *etag;
  return condition;
}

Error not_implemented(const std::string& what) {
  return s3_error(501, "NotImplemented", "A header or query you provided implies functionality that is not "
                                         "implemented: " + what);
}

}  // namespace

Result<std::unique_ptr<S3Service>> S3Service::open(S3ServiceOptions options) {
  std::unique_ptr<S3Service> service(new S3Service(std::move(options)));
  BlobStore* blobs = service->m_options.blobs;
  if (!blobs) {
    service->m_own_blobs = std::make_unique<BlobStore>(state_blob_dir(service->m_options.state_dir));
    blobs = service->m_own_blobs.get();
  }
  auto store = S3Store::open(service->m_options.state_dir, *blobs, service->m_options.account_id);
  if (!store) return fail(store.error());
  service->m_store = std::move(*store);
  return service;
}

HttpResponse S3Service::handle(const HttpRequest& request, const RequestContext& context) {
  const std::string& request_id = context.request_id;
  std::string path = request.path;
  if (starts_with(path, "/")) path.erase(0, 1);
  auto slash = path.find('/');
  std::string bucket = slash == std::string::npos ? path : path.substr(0, slash);
  std::string key = slash == std::string::npos ? std::string() : path.substr(slash + 1);
  Result<HttpResponse> result = fail(s3_error(500, "InternalError", "We encountered an internal error."));
  try {
    if (auto refusal = refused(request, context, bucket, key)) {
      result = std::move(*refusal);
    } else {
      result = dispatch(request, context, bucket, key);
    }
  } catch (const std::exception& e) {
    result = fail(s3_error(500, "InternalError", std::string("We encountered an internal error: ") + e.what()));
  }
  HttpResponse response;
  if (result) {
    response = std::move(*result);
  } else {
    ApiError error = from_error(result.error());
    if (result.error().code.empty()) error = make_api_error(500, "InternalError", result.error().message);
    const std::string& code = error.code;
    if (code == "NoSuchBucket" || code == "BucketNotEmpty" || code == "BucketAlreadyOwnedByYou" ||
        code == "InvalidBucketName") {
      error.extra.emplace_back("BucketName", bucket);
    }
    if (code == "NoSuchKey") error.extra.emplace_back("Key", key);
    if (code == "PreconditionFailed") error.extra.emplace_back("Condition", failed_precondition_header(request));
    response = rest_xml_error(error, request_id, request.method == "HEAD");
  }
  response.set_header("x-amz-request-id", request_id);
  response.set_header("x-amz-id-2", base64_encode(request_id));
  return response;
}

std::optional<HttpResponse> S3Service::refused(const HttpRequest& request, const RequestContext& context,
                                               const std::string& bucket, const std::string& key) {
  if (bucket.empty() || is_create_bucket(request, key)) return std::nullopt;
  auto info = m_store->bucket_info(bucket);
  if (!info || !*info) return std::nullopt;  // the operation answers NoSuchBucket (or the store's error)
  BucketRequest who;
  who.region = context.region;
  who.account = context.account_id;
  who.is_signed = !context.access_key.empty();
  who.presigned = request.has_query_param("X-Amz-Credential");
  who.check_region = !(request.method == "GET" && key.empty() && request.has_query_param("location"));
  auto error = bucket_access_error(who, (*info)->region, (*info)->account);
  if (!error) return std::nullopt;
  HttpResponse r = rest_xml_error(*error, context.request_id, request.method == "HEAD");
  r.set_header("x-amz-bucket-region", (*info)->region);
  return r;
}

Result<HttpResponse> S3Service::dispatch(const HttpRequest& request, const RequestContext& context,
                                         const std::string& bucket, const std::string& key) {
  const std::string& method = request.method;
  if (bucket.empty()) {
    if (method == "GET") return list_buckets(request, context);
    return fail(s3_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource."));
  }
  if (key.empty()) {
    if (method == "PUT") {
      for (const char* sub : {"acl", "policy", "versioning", "tagging", "cors", "lifecycle", "encryption",
                              "notification", "website", "ownershipControls", "publicAccessBlock"}) {
        if (request.has_query_param(sub)) return fail(not_implemented("PutBucket ?" + std::string(sub)));
      }
      return create_bucket_op(request, context, bucket);
    }
    if (method == "HEAD") {
      auto info = m_store->bucket_info(bucket);
      if (!info) return fail(info.error());
      if (!*info) return fail(s3_error(404, "NoSuchBucket", "The specified bucket does not exist"));
      auto r = empty_response(200);
      r.set_header("x-amz-bucket-region", (*info)->region);
      return r;
    }
    if (method == "DELETE") {
      if (auto ok = m_store->delete_bucket(bucket); !ok) return fail(ok.error());
      return empty_response(204);
    }
    if (method == "GET") {
      if (request.has_query_param("location")) {
        auto info = m_store->bucket_info(bucket);
        if (!info) return fail(info.error());
        if (!*info) return fail(s3_error(404, "NoSuchBucket", "The specified bucket does not exist"));
        return xml_response(200, location_constraint_xml((*info)->region));
      }
      for (const char* sub : {"uploads", "versions", "acl", "policy", "tagging", "versioning"}) {
        if (request.has_query_param(sub)) return fail(not_implemented("GetBucket ?" + std::string(sub)));
      }
      return list_objects_op(request, bucket);
    }
    if (method == "POST" && request.has_query_param("delete")) return delete_objects_op(request, bucket);
    return fail(s3_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource."));
  }
  if (method == "PUT") {
    if (request.has_query_param("uploadId")) {
      if (request.has_header("x-amz-copy-source")) return fail(not_implemented("UploadPartCopy"));
      return upload_part_op(request, bucket, key);
    }
    if (request.has_query_param("tagging") || request.has_query_param("acl")) {
      return fail(not_implemented("PutObject sub-resource"));
    }
    if (request.has_header("x-amz-copy-source")) return copy_object_op(request, bucket, key);
    return put_object_op(request, bucket, key);
  }
  if (method == "GET" || method == "HEAD") {
    if (request.has_query_param("uploadId")) return fail(not_implemented("ListParts"));
    if (request.has_query_param("tagging") || request.has_query_param("acl")) {
      return fail(not_implemented("GetObject sub-resource"));
    }
    return get_object_op(request, bucket, key, method == "HEAD");
  }
  if (method == "DELETE") {
    if (request.has_query_param("uploadId")) {
      if (auto ok = m_store->abort_upload(bucket, key, request.query_param("uploadId")); !ok) return fail(ok.error());
      return empty_response(204);
    }
    // Conditional deletes (If-Match: an ETag or *) as general purpose buckets take them since 2025.
    WriteCondition condition;
    if (request.has_header("If-Match")) {
      auto parsed = parse_write_condition(request);
      if (!parsed) return fail(parsed.error());
      condition.if_match = parsed->if_match;
    }
    if (auto ok = m_store->delete_object(bucket, key, condition); !ok) return fail(ok.error());
    return empty_response(204);
  }
  if (method == "POST") {
    if (request.has_query_param("uploads")) {
      auto id = m_store->create_upload(bucket, key, stored_headers(request));
      if (!id) return fail(id.error());
      return xml_response(200, initiate_multipart_xml(bucket, key, *id));
    }
    if (request.has_query_param("uploadId")) return complete_upload_op(request, bucket, key);
  }
  return fail(s3_error(405, "MethodNotAllowed", "The specified method is not allowed against this resource."));
}

Result<HttpResponse> S3Service::list_buckets(const HttpRequest& request, const RequestContext& context) {
  auto buckets = m_store->list_buckets(context.account_id, request.query_param("bucket-region"));
  if (!buckets) return fail(buckets.error());
  return xml_response(200, list_buckets_xml(*buckets, hex_encode(sha256(context.account_id))));
}

Result<HttpResponse> S3Service::create_bucket_op(const HttpRequest& request, const RequestContext& context,
                                                 const std::string& bucket) {
  if (auto valid = validate_bucket_name(bucket); !valid) return fail(valid.error());
  auto location = parse_location_constraint(request.body);
  if (!location) return fail(location.error());
  auto region = bucket_region_for(context.region, *location);
  if (!region) return fail(to_error(region.error()));
  if (auto ok = m_store->create_bucket(bucket, *region, context.account_id); !ok) return fail(ok.error());
  auto r = empty_response(200);
  r.set_header("Location", "/" + bucket);
  return r;
}

Result<HttpResponse> S3Service::list_objects_op(const HttpRequest& request, const std::string& bucket) {
  bool v2 = request.query_param("list-type") == "2";
  ListParams params;
  params.prefix = request.query_param("prefix");
  params.delimiter = request.query_param("delimiter");
  if (request.has_query_param("max-keys")) {
    int max = 0;
    if (!parse_int(request.query_param("max-keys"), max) || max < 0) {
      return fail(s3_error(400, "InvalidArgument", "Provided max-keys not an integer or within integer range"));
    }
    params.max_keys = std::min(max, 1000);
  }
  if (v2) {
    params.continuation_token = request.query_param("continuation-token");
    params.start_after = request.query_param("start-after");
  } else {
    params.start_after = request.query_param("marker");
  }
  std::string encoding_type = request.query_param("encoding-type");
  if (!encoding_type.empty() && encoding_type != "url") {
    return fail(s3_error(400, "InvalidArgument", "Invalid Encoding Method specified in Request"));
  }
  auto entries = m_store->list_objects(bucket, params.prefix);
  if (!entries) return fail(entries.error());
  auto page = list_objects(*entries, params);
  if (!page) return fail(page.error());
  ListRequestEcho echo;
  echo.bucket = bucket;
  echo.prefix = params.prefix;
  echo.delimiter = params.delimiter;
  echo.max_keys = params.max_keys;
  echo.continuation_token = params.continuation_token;
  echo.start_after = params.start_after;
  echo.url_encode = encoding_type == "url";
  echo.v1 = !v2;
  if (!v2 && page->is_truncated) {
    std::string last = page->common_prefixes.empty() ? page->contents.back().key : page->common_prefixes.back();
    if (!page->contents.empty() && page->contents.back().key > last) last = page->contents.back().key;
    echo.next_marker = std::move(last);
  }
  std::string body = list_objects_xml(echo, *page);
  return xml_response(200, std::move(body));
}

Result<HttpResponse> S3Service::delete_objects_op(const HttpRequest& request, const std::string& bucket) {
  if (auto info = m_store->bucket_info(bucket); !info || !*info) {
    return fail(info ? s3_error(404, "NoSuchBucket", "The specified bucket does not exist") : info.error());
  }
  auto parsed = parse_delete_objects(request.body);
  if (!parsed) return fail(parsed.error());
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<DeleteResult xmlns=\"";
  out += k_s3_xmlns;
  out += "\">";
  for (const std::string& key : parsed->keys) {
    auto ok = m_store->delete_object(bucket, key);
    if (ok && !parsed->quiet) {
      out += "<Deleted><Key>" + xml_escape(key) + "</Key></Deleted>";
    } else if (!ok) {
      out += "<Error><Key>" + xml_escape(key) + "</Key><Code>" + xml_escape(ok.error().code) + "</Code><Message>" +
             xml_escape(ok.error().message) + "</Message></Error>";
    }
  }
  out += "</DeleteResult>";
  return xml_response(200, std::move(out));
}

Result<HttpResponse> S3Service::put_object_op(const HttpRequest& request, const std::string& bucket,
                                              const std::string& key) {
  if (auto info = m_store->bucket_info(bucket); !info || !*info) {
    return fail(info ? s3_error(404, "NoSuchBucket", "The specified bucket does not exist") : info.error());
  }
  auto condition = observed_write_condition(*m_store, request, bucket, key);
  if (!condition) return fail(condition.error());
  auto body = decode_object_body(request);
  if (!body) return fail(body.error());
  auto meta = m_store->put_object(bucket, key, body->bytes, stored_headers(request), body->checksums, *condition);
  if (!meta) return fail(meta.error());
  auto r = empty_response(200);
  r.set_header("ETag", meta->etag);
  for (const auto& [algorithm, value] : meta->checksums) r.set_header("x-amz-checksum-" + algorithm, value);
  return r;
}

Result<HttpResponse> S3Service::copy_object_op(const HttpRequest& request, const std::string& bucket,
                                               const std::string& key) {
  std::string source = request.header("x-amz-copy-source");
  auto q = source.find('?');
  if (q != std::string::npos) source.erase(q);
  auto decoded = uri_decode(source);
  if (decoded) source = *decoded;
  if (starts_with(source, "/")) source.erase(0, 1);
  auto slash = source.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == source.size()) {
    return fail(s3_error(400, "InvalidArgument", "Copy Source must mention the source bucket and key: "
                                                 "sourcebucket/sourcekey"));
  }
  std::string src_bucket = source.substr(0, slash);
  std::string src_key = source.substr(slash + 1);
  if (auto info = m_store->bucket_info(bucket); !info || !*info) {
    return fail(info ? s3_error(404, "NoSuchBucket", "The specified bucket does not exist") : info.error());
  }
  auto src = m_store->head_object(src_bucket, src_key);
  if (!src) return fail(src.error());
  bool replace = iequals(request.header("x-amz-metadata-directive"), "REPLACE");
  if (!replace && src_bucket == bucket && src_key == key) {
    return fail(s3_error(400, "InvalidRequest", "This copy request is illegal because it is trying to copy an object "
                                                "to itself without changing the object's metadata, storage class, "
                                                "website redirect location or encryption attributes."));
  }
  auto condition = observed_write_condition(*m_store, request, bucket, key);
  if (!condition) return fail(condition.error());
  std::optional<HeaderPairs> headers;
  if (replace) headers = stored_headers(request);
  auto meta = m_store->copy_object(*src, bucket, key, headers, *condition);
  if (!meta) return fail(meta.error());
  return xml_response(200, copy_object_xml(meta->etag, meta->last_modified));
}

Result<HttpResponse> S3Service::get_object_op(const HttpRequest& request, const std::string& bucket,
                                              const std::string& key, bool head) {
  auto meta = m_store->head_object(bucket, key);
  if (!meta) return fail(meta.error());
  switch (evaluate_read_conditions(request, meta->etag, meta->last_modified_ms)) {
    case ReadOutcome::precondition_failed:
      return fail(s3_error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold"));
    case ReadOutcome::not_modified: {
      auto r = empty_response(304);
      r.set_header("ETag", meta->etag);
      r.set_header("Last-Modified", http_date_of_ms(meta->last_modified_ms));
      return r;
    }
    case ReadOutcome::proceed: break;
  }
  auto range = parse_range(request.header("range"), static_cast<uint64_t>(meta->size));
  if (!range.satisfiable) {
    auto e = s3_error(416, "InvalidRange", "The requested range is not satisfiable");
    return fail(e);
  }
  HttpResponse r = empty_response(range.whole ? 200 : 206);
  add_object_headers(r, *meta);
  uint64_t length = range.whole ? static_cast<uint64_t>(meta->size) : range.last - range.first + 1;
  if (range.whole) add_checksum_headers(r, request, *meta);
  if (!range.whole) {
    r.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
                                      std::to_string(meta->size));
  }
  if (head) {
    r.set_header("Content-Length", std::to_string(length));
    return r;
  }
  auto bytes = m_store->read_blob(*meta);
  if (!bytes) return fail(bytes.error());
  r.body = range.whole ? std::move(*bytes) : bytes->substr(range.first, length);
  return r;
}

Result<HttpResponse> S3Service::upload_part_op(const HttpRequest& request, const std::string& bucket,
                                               const std::string& key) {
  int part_number = 0;
  if (!parse_int(request.query_param("partNumber"), part_number)) {
    return fail(s3_error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive"));
  }
  auto body = decode_object_body(request);
  if (!body) return fail(body.error());
  auto etag = m_store->put_part(bucket, key, request.query_param("uploadId"), part_number, body->bytes);
  if (!etag) return fail(etag.error());
  auto r = empty_response(200);
  r.set_header("ETag", *etag);
  for (const auto& [algorithm, value] : body->checksums) r.set_header("x-amz-checksum-" + algorithm, value);
  return r;
}

Result<HttpResponse> S3Service::complete_upload_op(const HttpRequest& request, const std::string& bucket,
                                                   const std::string& key) {
  auto condition = observed_write_condition(*m_store, request, bucket, key);
  if (!condition) return fail(condition.error());
  auto parts = parse_complete_multipart(request.body);
  if (!parts) return fail(parts.error());
  auto meta = m_store->complete_upload(bucket, key, request.query_param("uploadId"), *parts, *condition);
  if (!meta) return fail(meta.error());
  std::string host = request.header("host");
  std::string location = "http://" + host + "/" + uri_encode(bucket) + "/" + uri_encode(key, true);
  return xml_response(200, complete_multipart_xml(location, bucket, key, meta->etag));
}

Result<void> S3Service::create_bucket(const std::string& name, const std::string& region,
                                     const std::string& account_id) {
  if (auto valid = validate_bucket_name(name); !valid) return valid;
  auto created = m_store->create_bucket(name, region, account_id);
  if (!created) return fail(created.error());
  return {};
}

Result<void> S3Service::create_bucket(const std::string& name) {
  return create_bucket(name, m_options.region, m_options.account_id);
}

Result<void> S3Service::delete_bucket(const std::string& name) { return m_store->delete_bucket(name); }

Result<bool> S3Service::bucket_exists(const std::string& name) {
  auto info = m_store->bucket_info(name);
  if (!info) return fail(info.error());
  return info->has_value();
}

Result<std::string> S3Service::get_object_bytes(const std::string& bucket, const std::string& key) {
  auto meta = m_store->head_object(bucket, key);
  if (!meta) return fail(meta.error());
  return m_store->read_blob(*meta);
}

Result<ObjectMeta> S3Service::put_object_bytes(const std::string& bucket, const std::string& key,
                                               std::string_view bytes, const std::string& content_type) {
  return m_store->put_object(bucket, key, bytes, {{"Content-Type", content_type}}, {});
}

}  // namespace lcd::local::s3
